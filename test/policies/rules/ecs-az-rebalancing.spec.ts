import assert from "node:assert/strict";
import { ecsAzRebalancing } from "../../../policies/rules/ecs-az-rebalancing";
import { ecsDeploymentCircuitBreaker } from "../../../policies/rules/ecs-deployment-circuit-breaker";
import { ecsServiceMultiAzSubnets } from "../../../policies/rules/ecs-service-multi-az-subnets";
import { ecsServiceNoPublicIp } from "../../../policies/rules/ecs-service-no-public-ip";
import { ECS_SERVICE, compliantEcsService } from "../fixtures/ecs-service";
import { UNKNOWN, verdict } from "../harness";

const run = (props: Record<string, any>, type = ECS_SERVICE) => verdict(ecsAzRebalancing, { type, name: "web", props });
const withRebalancing = (value: unknown) => ({ ...compliantEcsService(), availabilityZoneRebalancing: value });

describe("policy ecs-az-rebalancing", () => {
    it("is advisory, named and described", () => {
        assert.equal(ecsAzRebalancing.name, "ecs-az-rebalancing");
        assert.equal(ecsAzRebalancing.enforcementLevel, "advisory");
        assert.ok(ecsAzRebalancing.description.length > 20);
    });

    it("passes ENABLED and unset (ENABLED is the default for new services)", async () => {
        assert.deepEqual(await run(compliantEcsService()), { violations: [] });
        assert.deepEqual(await run(withRebalancing(undefined)), { violations: [] });
    });

    it("flags DISABLED with the fix", async () => {
        const { violations } = await run(withRebalancing("DISABLED"));
        assert.equal(violations.length, 1);
        assert.match(violations[0], /^ECS service web sets availabilityZoneRebalancing: DISABLED: /);
        assert.match(violations[0], /Fix: availabilityZoneRebalancing: ENABLED\.$/);
    });

    it("stays silent when unknown during preview, and skips other types", async () => {
        assert.deepEqual(await run(withRebalancing(UNKNOWN)), { violations: [] });
        assert.equal((await run({}, "aws:ecs/taskDefinition:TaskDefinition")).notApplicable, `applies to ${ECS_SERVICE}`);
    });
});

describe("ECS advisory policies together", () => {
    it("have unique kebab-case names", () => {
        const names = [ecsServiceNoPublicIp, ecsServiceMultiAzSubnets, ecsDeploymentCircuitBreaker, ecsAzRebalancing].map(p => p.name);
        for (const name of names) assert.match(name, /^[a-z]+(-[a-z0-9]+)*$/);
        assert.equal(new Set(names).size, names.length);
    });
});
