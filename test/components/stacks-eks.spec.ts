import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { parseStackConfig, PROJECT, StackConfig } from "../../components/config";

/** A stack file's `cross-az-platform:*` sections, parsed through the real schema. */
function stackConfig(stack: string): StackConfig {
    const file = path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`);
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parse(readFileSync(file, "utf8")).config as Record<string, unknown>)) {
        if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = value;
    }
    return parseStackConfig(raw);
}

describe("stacks: eks and services", () => {
    it("prod runs the Auto Mode cluster with both custom pools, secrets encryption, a scoped endpoint and no creator admin", () => {
        const { eks } = stackConfig("prod");
        assert.equal(eks.enabled, true);
        assert.deepEqual(eks.nodePools, { graviton: true, spot: true });
        assert.equal(eks.secretsEncryption, true);
        assert.equal(eks.clusterCreatorAdmin, false);
        assert.ok(eks.adminPrincipalArn);
        assert.ok(eks.endpointPublicAccessCidrs.length > 0);
    });

    it("prod declares a sample app: an internet-facing frontend with an ALB Ingress and a per-zone backend", () => {
        const { services } = stackConfig("prod");
        const frontend = services.find(s => s.name === "frontend");
        const backend = services.find(s => s.name === "backend");
        assert.equal(frontend?.ingress?.scheme, "internet-facing");
        assert.equal(backend?.perZone, true);
        assert.ok(frontend?.env.BACKEND_URL?.includes(`${backend?.name}.${backend?.namespace}.svc`));
    });

    it("dev has no cluster and no services", () => {
        const config = stackConfig("dev");
        assert.equal(config.eks.enabled, false);
        assert.deepEqual(config.services, []);
    });
});
