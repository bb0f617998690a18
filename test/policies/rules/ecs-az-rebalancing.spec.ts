import assert from "node:assert/strict";
import { ecsAzRebalancing } from "../../../policies/rules/ecs-az-rebalancing";
import { ECS_SERVICE, compliantEcsService } from "../fixtures/ecs-service";
import { UNKNOWN, verdict } from "../harness";

const run = (props: Record<string, any>, type = ECS_SERVICE) => verdict(ecsAzRebalancing, { type, name: "web", props });
const withRebalancing = (value: unknown) => ({ ...compliantEcsService(), availabilityZoneRebalancing: value });

describe("policy ecs-az-rebalancing", () => {
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
