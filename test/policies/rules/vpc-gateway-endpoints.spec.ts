import assert from "node:assert/strict";
import { vpcGatewayEndpoints } from "../../../policies/rules/vpc-gateway-endpoints";
import { Fixture, runPolicies, UNKNOWN } from "../harness";
import { named, network } from "../fixtures/network";

async function messages(list: Fixture[]) {
    return (await runPolicies([vpcGatewayEndpoints], list)).diagnostics.map(d => d.message);
}

describe("policies/rules/vpc-gateway-endpoints", () => {
    it("passes a VPC with S3 and DynamoDB gateway endpoints, during preview and with known ids", async () => {
        assert.deepEqual(await messages(network({ gatewayEndpoints: true })), []);
        assert.deepEqual(await messages(network({ gatewayEndpoints: true, knownIds: true })), []);
    });
    it("flags a missing S3 gateway endpoint", async () => {
        const list = network({ gatewayEndpoints: true }).filter(f => f.name !== "s3-endpoint");
        const found = await messages(list);
        assert.equal(found.length, 1);
        assert.match(found[0], /VPC 'vpc' has private subnets but no s3 gateway endpoint.*\$0\.045\/GB.*Fix: add an aws\.ec2\.VpcEndpoint \(vpcEndpointType Gateway, serviceName com\.amazonaws\.<region>\.s3\)/);
    });
    it("flags a missing DynamoDB gateway endpoint", async () => {
        const found = await messages(network({ gatewayEndpoints: true }).filter(f => f.name !== "dynamodb-endpoint"));
        assert.match(found[0], /no dynamodb gateway endpoint/);
    });
    it("does not count an Interface endpoint for S3", async () => {
        const list = network({ gatewayEndpoints: true });
        named(list, "s3-endpoint").props.vpcEndpointType = "Interface";
        assert.equal((await messages(list)).length, 1);
    });
    it("ignores a VPC whose subnets are all public", async () => {
        const list = network({ nat: "none" }).filter(f => !f.name.startsWith("private-"));
        assert.deepEqual(await messages(list), []);
    });
    it("counts subnets with no default route as private (no NAT at all)", async () => {
        assert.equal((await messages(network({ nat: "none" }))).length, 2);
    });
    it("is silent when a Route's table is unknown (it may be the public default route)", async () => {
        const list = network({ nat: "none" }).filter(f => !f.name.startsWith("private-"));
        named(list, "public-default").propertyDependencies = { gatewayId: ["igw"] };
        assert.deepEqual(await messages(list), []);
    });
    it("is silent when an endpoint's serviceName is unknown", async () => {
        const list = network({ gatewayEndpoints: true });
        named(list, "s3-endpoint").props.serviceName = UNKNOWN;
        assert.deepEqual(await messages(list), []);
    });
});
