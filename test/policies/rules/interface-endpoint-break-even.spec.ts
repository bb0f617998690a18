import assert from "node:assert/strict";
import { interfaceEndpointBreakEven } from "../../../policies/rules/interface-endpoint-break-even";
import { Fixture, PackConfig, runPolicies, UNKNOWN, UNKNOWN_ARRAY } from "../harness";
import { network, NetworkOptions } from "../fixtures/network";

/** An interface endpoint as the engine sends it during preview: in the fixture VPC, one ENI per private subnet. */
const endpoint = (service: string, props: Record<string, unknown> = {}): Fixture => ({
    type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: `${service}-endpoint`,
    props: { serviceName: `com.amazonaws.us-east-1.${service}`, vpcEndpointType: "Interface", vpcId: UNKNOWN, subnetIds: [UNKNOWN, UNKNOWN, UNKNOWN], privateDnsEnabled: true, ...props },
    propertyDependencies: { vpcId: ["vpc"], subnetIds: ["private-0", "private-1", "private-2"] },
});

const withTraffic = (traffic: Record<string, unknown>): PackConfig => ({ "interface-endpoint-break-even": { enforcementLevel: "advisory", traffic } });

async function findings(fixtures: Fixture[], config?: PackConfig, options: NetworkOptions = { nat: "perAz" }) {
    const { diagnostics } = await runPolicies([interfaceEndpointBreakEven], [...network(options), ...fixtures], { config });
    return diagnostics.map(d => d.message.slice(interfaceEndpointBreakEven.description.length + 1));
}

describe("policies/rules/interface-endpoint-break-even", () => {
    it("reports an endpoint whose cost exceeds its saving, with both figures and the break-even volume", async () => {
        const [message, ...rest] = await findings([endpoint("logs")], withTraffic({ awsServiceGbPerMonth: { logs: 200 } }));
        assert.equal(rest.length, 0);
        assert.equal(message, "Interface endpoint 'logs-endpoint' (logs) in VPC 'vpc' costs $23.60/month (3 AZs x $7.20 + PrivateLink) and saves $9.00/month " +
            "at 200 GB/month of logs traffic (the NAT processing and cross-AZ NAT transfer it avoids). It pays for itself above 617 GB/month. " +
            "Fix: remove it and let this traffic take the NAT gateways, unless you need it for other reasons (no internet path, policy on the endpoint).");
    });

    it("passes an endpoint above its break-even, and counts a shared NAT's cross-AZ transfer as saved", async () => {
        assert.deepEqual(await findings([endpoint("logs")], withTraffic({ awsServiceGbPerMonth: { logs: 2000 } })), []);
        // 500 GB: $9.00 over a NAT per AZ does not pay, 500 x ($0.045 + $0.02 x 2/3) = $29.17 over a shared one does.
        assert.equal((await findings([endpoint("logs")], withTraffic({ awsServiceGbPerMonth: { logs: 500 } }))).length, 1);
        assert.deepEqual(await findings([endpoint("logs")], withTraffic({ awsServiceGbPerMonth: { logs: 500 } }), { nat: "single" }), []);
    });

    it("counts a NAT gateway whose subnet cannot be told in the stack's only declared VPC, whatever other VPC ids subnets name", async () => {
        const fixtures = [...network({ nat: "single" }), endpoint("logs"), { type: "aws:ec2/subnet:Subnet", name: "imported", props: { availabilityZone: "us-east-1a", vpcId: "vpc-0123" } }];
        const nat = fixtures.find(f => f.name === "nat-0")!;
        nat.props.subnetId = "subnet-0456";
        delete nat.propertyDependencies!.subnetId;
        const run = async () => (await runPolicies([interfaceEndpointBreakEven], fixtures, { config: withTraffic({ awsServiceGbPerMonth: { logs: 200 } }) })).diagnostics.length;
        assert.equal(await run(), 1);
        fixtures[fixtures.length - 1].props.vpcId = UNKNOWN;
        assert.equal(await run(), 1, "the same when that other VPC id is unknown");
    });

    it("names endpoints that carry no priced traffic (ecr.api, ecr.dkr)", async () => {
        const found = await findings([endpoint("ecr.dkr")], withTraffic({ awsServiceGbPerMonth: { ecr: 5000 } }));
        assert.match(found[0], /costs \$21\.60\/month \(3 AZs x \$7\.20 \+ PrivateLink\) and saves nothing the traffic section prices: ecr\.dkr carries API calls, not data volume \(image layers come from S3\)\. Fix:/);
    });

    it("is silent without a traffic config, in a VPC without NAT gateways, and on gateway endpoints", async () => {
        assert.deepEqual(await findings([endpoint("logs")]), []);
        assert.deepEqual(await findings([endpoint("logs")], withTraffic({ awsServiceGbPerMonth: { logs: 1 } }), { nat: "none" }), []);
        assert.deepEqual(await findings([endpoint("s3", { vpcEndpointType: "Gateway", subnetIds: undefined })], withTraffic({ awsServiceGbPerMonth: { s3: 1 } })), []);
    });

    it("is silent while the service, the type or the AZ count is unknown", async () => {
        const config = withTraffic({ awsServiceGbPerMonth: { logs: 1 } });
        assert.deepEqual(await findings([endpoint("logs", { serviceName: UNKNOWN })], config), []);
        assert.deepEqual(await findings([endpoint("logs", { vpcEndpointType: UNKNOWN })], config), []);
        const noDependencies = endpoint("logs", { subnetIds: UNKNOWN_ARRAY });
        noDependencies.propertyDependencies = { vpcId: ["vpc"] };
        assert.deepEqual(await findings([noDependencies], config), []);
        assert.equal((await findings([endpoint("logs", { subnetIds: UNKNOWN_ARRAY })], config)).length, 1, "the AZ count follows the subnets it depends on");
    });
});
