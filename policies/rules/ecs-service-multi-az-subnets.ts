import { ResourceValidationPolicy } from "@pulumi/policy";
import { ecsServiceType } from "../lib/aws-types";
import { at, isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

/** An awsvpc service lists at least two distinct subnets, so ECS can spread its tasks over AZs. */
export const ecsServiceMultiAzSubnets: ResourceValidationPolicy = {
    name: "ecs-service-multi-az-subnets",
    description: "awsvpc ECS services list at least two distinct subnets (one private subnet per AZ) so tasks spread over zones.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ecsServiceType) return args.notApplicable(`applies to ${ecsServiceType}`);
        const props = rawProps(args.props);
        if (isUnknownAt(props, "networkConfiguration", "subnets")) return;
        const subnets = at(props, "networkConfiguration", "subnets");
        if (!Array.isArray(subnets)) return; // no awsvpc config: nothing to spread
        // Unknown ids (subnets created in the same preview) count as distinct: never flag what we cannot see.
        const distinct = new Set(subnets.map(id => (isUnknown(id) ? Symbol() : id))).size;
        if (distinct >= 2) return;
        reportViolation(
            `ECS service ${args.name} runs its tasks in ${distinct === 0 ? "no subnet" : "a single subnet"}, so every task sits in one AZ: ` +
            "load balancer nodes in the other AZs either send all their requests across zones or have no targets, " +
            "and losing that AZ stops the service. " +
            "Fix: list one private subnet per AZ in networkConfiguration.subnets.");
    },
};
