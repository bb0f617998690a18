import assert from "node:assert/strict";
import { standInProvider, standInVersion } from "../../../automation/engine/standin-provider";

const URN = (type: string, name: string) => `urn:pulumi:dev::proj::crossaz:network:Network$${type}::${name}`;

describe("automation/engine/standin-provider", () => {
    const aws = standInProvider("aws", { region: "eu-west-1" });

    it("is registered at the version of the SDK package programs ask for", () => {
        assert.equal(aws.version, standInVersion("aws"));
        assert.equal(aws.version, require("@pulumi/aws/package.json").version);
    });

    it("creates with the offline preview's fake ids and outputs over the inputs", async () => {
        const vpc = await aws.create!(URN("aws:ec2/vpc:Vpc", "network"), { cidrBlock: "10.0.0.0/16" });
        assert.match(vpc.id, /^vpc-[0-9a-f]{17}$/);
        assert.equal(vpc.outs.cidrBlock, "10.0.0.0/16");
        assert.match(vpc.outs.arn, /^arn:aws:ec2:eu-west-1:123456789012:/);
    });

    it("answers invokes from the stack's region, and leaves outputs an update did not change", async () => {
        const zones = await aws.invoke!("aws:index/getAvailabilityZones:getAvailabilityZones", {});
        assert.deepEqual(zones.outputs.names.slice(0, 2), ["eu-west-1a", "eu-west-1b"]);
        const updated = await aws.update!("vpc-1", URN("aws:ec2/vpc:Vpc", "network"), { cidrBlock: "10.0.0.0/16", arn: "arn:x" }, { cidrBlock: "10.1.0.0/16" });
        assert.deepEqual(updated.outs, { cidrBlock: "10.1.0.0/16", arn: "arn:x" });
    });

    it("parses YAML for kubernetes:yaml:decode, as k8s.yaml.ConfigFile needs", async () => {
        const k8s = standInProvider("kubernetes", {});
        const decoded = await k8s.invoke!("kubernetes:yaml:decode", { text: "kind: Service\n---\nkind: Ingress\n" });
        assert.deepEqual(decoded.outputs.result.map((o: { kind: string }) => o.kind), ["Service", "Ingress"]);
    });
});
