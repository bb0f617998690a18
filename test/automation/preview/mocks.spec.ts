import assert from "node:assert/strict";
import { decodeYaml, OfflineMocks, renderPolicyDocument } from "../../../automation/preview/mocks";

describe("automation/preview/mocks", () => {
    it("renders getPolicyDocument arguments to the JSON AWS expects", () => {
        const document = renderPolicyDocument({
            statements: [
                {
                    actions: ["sts:AssumeRole", "sts:TagSession"],
                    principals: [{ type: "Service", identifiers: ["eks.amazonaws.com"] }],
                },
                {
                    sid: "Read", effect: "Deny", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"],
                    conditions: [{ test: "StringEquals", variable: "aws:SourceVpce", values: ["vpce-1"] }],
                },
            ],
        });
        assert.deepEqual(document, {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Principal: { Service: "eks.amazonaws.com" } },
                { Sid: "Read", Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } } },
            ],
        });
    });

    it("merges source documents first and lets override documents replace statements by Sid", () => {
        const document = renderPolicyDocument({
            sourcePolicyDocuments: [JSON.stringify({ Statement: [{ Sid: "A", Effect: "Allow", Action: "x:Old", Resource: "*" }] })],
            overridePolicyDocuments: [JSON.stringify({ Statement: { Sid: "A", Effect: "Allow", Action: "x:New", Resource: "*" } })],
        });
        assert.deepEqual(document.Statement, [{ Sid: "A", Effect: "Allow", Action: "x:New", Resource: "*" }]);
    });

    it("decodes every non-empty YAML document and rejects broken YAML", () => {
        assert.deepEqual(decodeYaml("a: 1\n---\n---\nkind: Service\n"), [{ a: 1 }, { kind: "Service" }]);
        assert.throws(() => decodeYaml("a: [1\n"), /YAML/);
    });

    it("answers the invokes a real program makes with the stack's region", () => {
        const mocks = new OfflineMocks({ region: "eu-west-1" });
        const zones = mocks.call({ token: "aws:index/getAvailabilityZones:getAvailabilityZones", inputs: {} });
        assert.deepEqual(zones.names.slice(0, 3), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
        assert.equal(zones.zoneIds[0], "euw1-az1");
        assert.equal(mocks.call({ token: "aws:index/getRegion:getRegion", inputs: {} }).region, "eu-west-1");
        assert.equal(mocks.call({ token: "aws:index/getPartition:getPartition", inputs: {} }).dnsSuffix, "amazonaws.com");
    });

    it("gives custom resources deterministic, realistic fake ids and outputs", () => {
        const first = new OfflineMocks({ region: "us-east-1" });
        const second = new OfflineMocks({ region: "us-east-1" });
        const args = { type: "aws:ec2/natGateway:NatGateway", name: "nat", inputs: {}, custom: true };
        const a = first.newResource(args);
        assert.match(a.id!, /^nat-[0-9a-f]{17}$/);
        assert.equal(second.newResource(args).id, a.id);
        assert.notEqual(first.newResource(args).id, a.id, "a second resource of the same type and name gets its own id");
        assert.match(a.state.arn, /^arn:aws:ec2:us-east-1:123456789012:/);
        const cluster = first.newResource({ type: "aws:eks/cluster:Cluster", name: "c", inputs: {}, custom: true });
        assert.match(cluster.state.endpoint, /^https:\/\/.+\.eks\.amazonaws\.com$/);
        assert.equal(first.newResource({ type: "crossaz:network:Network", name: "n", inputs: {}, custom: false }).id, undefined);
    });

    it("newStack: no id and no outputs beyond the inputs, except for a resource read by id", () => {
        const mocks = new OfflineMocks({ region: "us-east-1", newStack: true });
        const created = mocks.newResource({ type: "aws:ec2/natGateway:NatGateway", name: "nat", inputs: { subnetId: "subnet-1" }, custom: true });
        assert.deepEqual(created, { id: undefined, state: { subnetId: "subnet-1" } });
        const read = mocks.newResource({ type: "aws:ec2/vpc:Vpc", name: "shared", inputs: {}, custom: true, id: "vpc-0123" });
        assert.equal(read.id, "vpc-0123");
        assert.match(read.state.arn, /^arn:aws:ec2:/);
    });
});
