import { ResourceValidationPolicy } from "@pulumi/policy";
import { ECS_SERVICE_TYPE, UNKNOWN, known } from "../lib/ecs-service";

/** An awsvpc service lists at least two distinct subnets, so ECS can spread its tasks over AZs. */
export const ecsServiceMultiAzSubnets: ResourceValidationPolicy = {
    name: "ecs-service-multi-az-subnets",
    description: "awsvpc ECS services list at least two distinct subnets (one private subnet per AZ) so tasks spread over zones.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ECS_SERVICE_TYPE) return args.notApplicable(`applies to ${ECS_SERVICE_TYPE}`);
        const subnets = known(() => args.props.networkConfiguration?.subnets as unknown[] | undefined);
        if (subnets === UNKNOWN || subnets === undefined) return; // no awsvpc config: nothing to spread
        // Unknown ids (subnets created in the same preview) count as distinct: never flag what we cannot see.
        // Index by index: Array.map would hand every element (unknown or not) through the SDK's proxy.
        const ids = Array.from({ length: subnets.length }, (_, i) => known(() => subnets[i]));
        const distinct = new Set(ids.map(id => (id === UNKNOWN ? Symbol() : id))).size;
        if (distinct >= 2) return;
        reportViolation(
            `ECS service ${args.name} runs its tasks in ${distinct === 0 ? "no subnet" : "a single subnet"}, so every task sits in one AZ: ` +
            "load balancer nodes in the other AZs either send all their requests across zones or have no targets, " +
            "and losing that AZ stops the service. " +
            "Fix: list one private subnet per AZ in networkConfiguration.subnets.");
    },
};
