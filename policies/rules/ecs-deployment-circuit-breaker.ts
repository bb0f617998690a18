import { ResourceValidationPolicy } from "@pulumi/policy";
import { ecsServiceType } from "../lib/aws-types";
import { at, isUnknownAt, rawProps } from "../lib/unknowns";

/** Rolling deployments stop and roll back on failure instead of churning tasks across zones. */
export const ecsDeploymentCircuitBreaker: ResourceValidationPolicy = {
    name: "ecs-deployment-circuit-breaker",
    description: "ECS services with rolling deployments enable the deployment circuit breaker with rollback.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ecsServiceType) return args.notApplicable(`applies to ${ecsServiceType}`);
        const props = rawProps(args.props);
        if (isUnknownAt(props, "deploymentController", "type")) return;
        const controller = at(props, "deploymentController", "type");
        if (controller !== undefined && controller !== "ECS") {
            return args.notApplicable("deployments are run by CodeDeploy or an external controller");
        }
        // Any unknown field makes the whole setting unknown: stay silent rather than guess.
        if (["enable", "rollback"].some(field => isUnknownAt(props, "deploymentCircuitBreaker", field))) return;
        const [enable, rollback] = ["enable", "rollback"].map(field => at(props, "deploymentCircuitBreaker", field));
        if (enable === true && rollback === true) return;
        const breaker = at(props, "deploymentCircuitBreaker");
        const state = breaker === undefined || breaker === null ? "has no deployment circuit breaker"
            : enable !== true ? "has its deployment circuit breaker disabled"
                : "does not roll back when its deployment circuit breaker trips";
        reportViolation(
            `ECS service ${args.name} ${state}: a broken release keeps replacing failing tasks, leaving zones unevenly ` +
            "served while it churns, and never returns to the last working revision. " +
            "Fix: deploymentCircuitBreaker { enable: true, rollback: true }.");
    },
};
