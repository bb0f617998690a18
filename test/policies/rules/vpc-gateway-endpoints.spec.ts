import assert from "node:assert/strict";
import { vpcGatewayEndpoints } from "../../../policies/rules/vpc-gateway-endpoints";
import { Fixture, runPolicies, UNKNOWN, UNKNOWN_ARRAY } from "../harness";
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
    describe("the endpoints must be attached to every private subnet's route table", () => {
        it("passes routeTableIds and VpcEndpointRouteTableAssociations on the private tables, during preview and with known ids", async () => {
            for (const knownIds of [false, true]) {
                for (const endpointAttachment of ["routeTableIds", "associations"] as const) {
                    assert.deepEqual(await messages(network({ gatewayEndpoints: true, endpointAttachment, knownIds })), [], `${endpointAttachment} ${knownIds}`);
                    assert.deepEqual(await messages(network({ gatewayEndpoints: true, endpointAttachment, knownIds, nat: "single", privateRouting: "defaultRouteTable" })), [], `${endpointAttachment} ${knownIds} main table`);
                    assert.deepEqual(await messages(network({ gatewayEndpoints: true, endpointAttachment, knownIds, nat: "single", privateRouting: "mainRoute" })), [], `${endpointAttachment} ${knownIds} main route`);
                }
            }
        });
        it("flags an endpoint attached only to the public table, naming each private table and its subnets", async () => {
            for (const knownIds of [false, true]) {
                const found = await runPolicies([vpcGatewayEndpoints], network({ gatewayEndpoints: true, endpointAttachment: "public", knownIds }));
                assert.deepEqual(found.diagnostics.map(d => d.urn!.split("::").pop()), ["s3-endpoint", "dynamodb-endpoint"]);
                assert.match(found.diagnostics[0].message, /The s3 gateway endpoint 's3-endpoint' of VPC 'vpc' is not attached to the route tables of its private subnets: 'private-0-rt' \(subnet 'private-0'\), 'private-1-rt' \(subnet 'private-1'\), 'private-2-rt' \(subnet 'private-2'\)/);
                assert.match(found.diagnostics[0].message, /through a NAT gateway at \$0\.045\/GB .*Fix: add these route tables to the endpoint's routeTableIds \(or an aws\.ec2\.VpcEndpointRouteTableAssociation per table\)\./);
            }
        });
        it("flags an endpoint with no route tables, and one missing a table", async () => {
            assert.equal((await messages(network({ gatewayEndpoints: true, endpointAttachment: "none" }))).length, 2);
            const list = network({ gatewayEndpoints: true });
            const s3 = named(list, "s3-endpoint");
            s3.props.routeTableIds = s3.props.routeTableIds.slice(1);
            s3.propertyDependencies!.routeTableIds = ["private-1-rt", "private-2-rt"];
            const found = await messages(list);
            assert.equal(found.length, 1);
            assert.match(found[0], /not attached to the route tables of its private subnets: 'private-0-rt' \(subnet 'private-0'\):/);
        });
        it("with every table id known, an id of no declared table attaches none of the VPC's", async () => {
            const list = network({ gatewayEndpoints: true, knownIds: true, nat: "single", privateRouting: "defaultRouteTable" });
            named(list, "s3-endpoint").props.routeTableIds = ["rtb-0123456789abcdef0"];
            assert.match((await messages(list))[0], /s3 gateway endpoint 's3-endpoint' .* not attached .*: 'main-rt' \(subnets 'private-0', 'private-1', 'private-2'\)/);
        });
        it("names the VPC's main route table for subnets without an association", async () => {
            const found = await messages(network({ gatewayEndpoints: true, endpointAttachment: "public", nat: "single", privateRouting: "mainRoute" }));
            assert.match(found[0], /not attached to the route tables of its private subnets: the main route table of VPC 'vpc' \(subnets 'private-0', 'private-1', 'private-2'\)/);
            const declared = await messages(network({ gatewayEndpoints: true, endpointAttachment: "public", nat: "single", privateRouting: "defaultRouteTable" }));
            assert.match(declared[0], /: 'main-rt' \(subnets 'private-0', 'private-1', 'private-2'\)/);
        });
        describe("unknown attachments stay silent", () => {
            const cases: [string, Parameters<typeof network>[0], (f: Fixture[]) => void][] = [
                ["routeTableIds unknown, no dependency", {}, f => { named(f, "s3-endpoint").props.routeTableIds = UNKNOWN_ARRAY; delete named(f, "s3-endpoint").propertyDependencies!.routeTableIds; }],
                ["routeTableIds elements unknown, no dependency", {}, f => { delete named(f, "s3-endpoint").propertyDependencies!.routeTableIds; }],
                ["routeTableIds depends on something that is not a route table", {}, f => { named(f, "s3-endpoint").propertyDependencies!.routeTableIds = ["igw"]; }],
                ["routeTableIds a known id of no declared table while the VPC's main table id is unknown", { privateRouting: "defaultRouteTable", nat: "single" }, f => { named(f, "s3-endpoint").props.routeTableIds = ["rtb-0123456789abcdef0"]; delete named(f, "s3-endpoint").propertyDependencies!.routeTableIds; }],
                ["association routeTableId unknown, no dependency", { endpointAttachment: "associations" }, f => { named(f, "s3-assoc-0").propertyDependencies = { vpcEndpointId: ["s3-endpoint"] }; }],
                ["association vpcEndpointId unknown, no dependency", { endpointAttachment: "associations" }, f => { named(f, "s3-assoc-0").propertyDependencies = { routeTableId: ["private-0-rt"] }; }],
            ];
            for (const [label, options, mutate] of cases) {
                it(label, async () => {
                    // Each case leaves a private table's attachment unknown: known, it could be missing.
                    const fixtures = network({ gatewayEndpoints: true, ...options });
                    mutate(fixtures);
                    const s3 = (await messages(fixtures)).filter(m => /s3/.test(m));
                    assert.deepEqual(s3, []);
                });
            }
        });
    });
    it("is silent when an endpoint's serviceName is unknown", async () => {
        const list = network({ gatewayEndpoints: true });
        named(list, "s3-endpoint").props.serviceName = UNKNOWN;
        assert.deepEqual(await messages(list), []);
    });
});
