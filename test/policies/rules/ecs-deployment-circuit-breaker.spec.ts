import assert from "node:assert/strict";
import { ecsDeploymentCircuitBreaker } from "../../../policies/rules/ecs-deployment-circuit-breaker";
import { ECS_SERVICE, compliantEcsService } from "../fixtures/ecs-service";
import { UNKNOWN, verdict } from "../harness";

const run = (props: Record<string, any>, type = ECS_SERVICE) => verdict(ecsDeploymentCircuitBreaker, { type, name: "web", props });
const withBreaker = (breaker: unknown) => ({ ...compliantEcsService(), deploymentCircuitBreaker: breaker });
const FIX = /Fix: deploymentCircuitBreaker \{ enable: true, rollback: true \}\.$/;

describe("policy ecs-deployment-circuit-breaker", () => {
    it("passes a breaker with rollback", async () => {
        assert.deepEqual(await run(compliantEcsService()), { violations: [] });
    });

    it("flags a service with no breaker", async () => {
        const { violations } = await run(withBreaker(undefined));
        assert.equal(violations.length, 1);
        assert.match(violations[0], /^ECS service web has no deployment circuit breaker: /);
        assert.match(violations[0], FIX);
    });

    it("flags a disabled breaker", async () => {
        assert.match((await run(withBreaker({ enable: false, rollback: true }))).violations[0], /^ECS service web has its deployment circuit breaker disabled: /);
    });

    it("flags a breaker without rollback", async () => {
        assert.match((await run(withBreaker({ enable: true, rollback: false }))).violations[0], /^ECS service web does not roll back when its deployment circuit breaker trips: /);
    });

    it("reads a null breaker as none and a malformed one as disabled, without throwing", async () => {
        assert.match((await run(withBreaker(null))).violations[0], /^ECS service web has no deployment circuit breaker: /);
        for (const breaker of ["yes", [true, true], 1, { enable: "true", rollback: true }]) {
            assert.match((await run(withBreaker(breaker))).violations[0], /^ECS service web has its deployment circuit breaker disabled: /, JSON.stringify(breaker));
        }
        assert.equal((await run({ ...withBreaker(null), deploymentController: null })).violations.length, 1);
    });

    it("stays silent when the breaker or the controller is unknown during preview", async () => {
        assert.deepEqual(await run(withBreaker(UNKNOWN)), { violations: [] });
        assert.deepEqual(await run(withBreaker({ enable: true, rollback: UNKNOWN })), { violations: [] });
        assert.deepEqual(await run({ ...withBreaker(undefined), deploymentController: { type: UNKNOWN } }), { violations: [] });
    });

    it("is not applicable to CodeDeploy or external deployments, nor to other types", async () => {
        for (const type of ["CODE_DEPLOY", "EXTERNAL"]) {
            const outcome = await run({ ...withBreaker(undefined), deploymentController: { type } });
            assert.deepEqual(outcome, { violations: [], notApplicable: "deployments are run by CodeDeploy or an external controller" });
        }
        assert.equal((await run(withBreaker(undefined), "aws:ecs/cluster:Cluster")).notApplicable, `applies to ${ECS_SERVICE}`);
        assert.equal((await run({ ...withBreaker(undefined), deploymentController: { type: "ECS" } })).violations.length, 1);
    });
});
