import assert from "node:assert/strict";
import { ecsServiceNoPublicIp } from "../../../policies/rules/ecs-service-no-public-ip";
import { ECS_SERVICE, compliantEcsService } from "../fixtures/ecs-service";
import { UNKNOWN, verdict } from "../harness";

const run = (props: Record<string, any>, type = ECS_SERVICE) => verdict(ecsServiceNoPublicIp, { type, name: "web", props });

describe("policy ecs-service-no-public-ip", () => {
    it("passes a private service, and one without the field (AWS default false)", async () => {
        assert.deepEqual(await run(compliantEcsService()), { violations: [] });
        const props = compliantEcsService();
        delete props.networkConfiguration.assignPublicIp;
        assert.deepEqual(await run(props), { violations: [] });
    });

    it("flags tasks with public IPs, naming the service and the fix", async () => {
        const props = compliantEcsService();
        props.networkConfiguration.assignPublicIp = true;
        const { violations } = await run(props);
        assert.equal(violations.length, 1);
        assert.match(violations[0], /^ECS service web assigns public IPs to its tasks \(networkConfiguration\.assignPublicIp: true\)/);
        assert.match(violations[0], /Fix: run the tasks in the private subnets with assignPublicIp false/);
    });

    it("stays silent when the value is unknown during preview", async () => {
        const props = compliantEcsService();
        props.networkConfiguration.assignPublicIp = UNKNOWN;
        assert.deepEqual(await run(props), { violations: [] });
        props.networkConfiguration = UNKNOWN;
        assert.deepEqual(await run(props), { violations: [] });
    });

    it("is not applicable to other types", async () => {
        assert.equal((await run({ assignPublicIp: true }, "aws:ecs/taskDefinition:TaskDefinition")).notApplicable, `applies to ${ECS_SERVICE}`);
    });
});
