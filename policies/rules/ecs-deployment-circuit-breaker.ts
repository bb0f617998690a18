import { ResourceValidationPolicy } from "@pulumi/policy";
import { ECS_SERVICE_TYPE, UNKNOWN, known, usesEcsDeployments } from "../lib/ecs-service";

/** Rolling deployments stop and roll back on failure instead of churning tasks across zones. */
export const ecsDeploymentCircuitBreaker: ResourceValidationPolicy = {
    name: "ecs-deployment-circuit-breaker",
    description: "ECS services with rolling deployments enable the deployment circuit breaker with rollback.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ECS_SERVICE_TYPE) return args.notApplicable(`applies to ${ECS_SERVICE_TYPE}`);
        const rolling = usesEcsDeployments(args.props);
        if (rolling === UNKNOWN) return;
        if (!rolling) return args.notApplicable("deployments are run by CodeDeploy or an external controller");
        // Any unknown field makes the whole setting unknown: stay silent rather than guess.
        const breaker = known(() => {
            const setting = args.props.deploymentCircuitBreaker;
            return setting === undefined ? undefined : { enable: setting.enable, rollback: setting.rollback };
        });
        if (breaker === UNKNOWN) return;
        if (breaker?.enable === true && breaker.rollback === true) return;
        const state = breaker === undefined ? "has no deployment circuit breaker"
            : breaker.enable !== true ? "has its deployment circuit breaker disabled"
                : "does not roll back when its deployment circuit breaker trips";
        reportViolation(
            `ECS service ${args.name} ${state}: a broken release keeps replacing failing tasks, leaving zones unevenly ` +
            "served while it churns, and never returns to the last working revision. " +
            "Fix: deploymentCircuitBreaker { enable: true, rollback: true }.");
    },
};
