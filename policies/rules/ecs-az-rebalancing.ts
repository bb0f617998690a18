import { ResourceValidationPolicy } from "@pulumi/policy";
import { ecsServiceType } from "../lib/aws-types";
import { at, rawProps } from "../lib/unknowns";

/** ECS may move tasks back into a zone that lost them, so zone-local routing keeps local targets. */
export const ecsAzRebalancing: ResourceValidationPolicy = {
    name: "ecs-az-rebalancing",
    description: "ECS services do not turn off availabilityZoneRebalancing.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ecsServiceType) return args.notApplicable(`applies to ${ecsServiceType}`);
        // Unset means ENABLED for new services (the AWS default); only an explicit DISABLED is flagged.
        if (at(rawProps(args.props), "availabilityZoneRebalancing") !== "DISABLED") return;
        reportViolation(
            `ECS service ${args.name} sets availabilityZoneRebalancing: DISABLED: after an AZ loses tasks they stay ` +
            "in the other zones, so that zone's load balancer node and callers keep crossing zones (or find no local target). " +
            "Fix: availabilityZoneRebalancing: ENABLED.");
    },
};
