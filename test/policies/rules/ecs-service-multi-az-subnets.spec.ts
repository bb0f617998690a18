import assert from "node:assert/strict";
import { ecsServiceMultiAzSubnets } from "../../../policies/rules/ecs-service-multi-az-subnets";
import { ECS_SERVICE, compliantEcsService } from "../fixtures/ecs-service";
import { UNKNOWN, verdict } from "../harness";

const run = (props: Record<string, any>, type = ECS_SERVICE) => verdict(ecsServiceMultiAzSubnets, { type, name: "web", props });
const withSubnets = (subnets: unknown) => {
    const props = compliantEcsService();
    props.networkConfiguration.subnets = subnets;
    return props;
};

describe("policy ecs-service-multi-az-subnets", () => {
    it("passes a service spread over one subnet per AZ", async () => {
        assert.deepEqual(await run(compliantEcsService()), { violations: [] });
    });

    it("flags a service pinned to one subnet", async () => {
        const { violations } = await run(withSubnets(["subnet-a"]));
        assert.equal(violations.length, 1);
        assert.match(violations[0], /^ECS service web runs its tasks in a single subnet, so every task sits in one AZ/);
        assert.match(violations[0], /Fix: list one private subnet per AZ in networkConfiguration\.subnets\./);
    });

    it("flags the same subnet listed twice", async () => {
        assert.match((await run(withSubnets(["subnet-a", "subnet-a"]))).violations[0], /a single subnet/);
    });

    it("flags an empty subnet list", async () => {
        assert.match((await run(withSubnets([]))).violations[0], /runs its tasks in no subnet/);
    });

    it("stays silent about subnets unknown during preview", async () => {
        assert.deepEqual(await run(withSubnets([UNKNOWN, UNKNOWN, UNKNOWN])), { violations: [] });
        assert.deepEqual(await run(withSubnets(["subnet-a", UNKNOWN])), { violations: [] });
        assert.deepEqual(await run(withSubnets(UNKNOWN)), { violations: [] });
    });

    it("still flags a single subnet whose id is unknown", async () => {
        assert.equal((await run(withSubnets([UNKNOWN]))).violations.length, 1);
    });

    it("ignores services without awsvpc networking, and other types", async () => {
        const props = compliantEcsService();
        delete props.networkConfiguration;
        assert.deepEqual(await run(props), { violations: [] });
        assert.equal((await run({}, "aws:ecs/cluster:Cluster")).notApplicable, `applies to ${ECS_SERVICE}`);
    });
});
