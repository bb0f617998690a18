/** A rejected stack config stops index.ts before it declares anything, whichever check rejects it. */
import * as assert from "node:assert/strict";
import { ConfigError } from "../../components/config";
import { declare } from "../helpers/mocks";

const CLUSTER = { enabled: true, clusterCreatorAdmin: true };
const SERVICE = { name: "web", image: "web:1.0.0", port: 8080 };
const services = (service: Record<string, unknown>) => ({
    "cross-az-platform:eks": JSON.stringify(CLUSTER),
    "cross-az-platform:services": JSON.stringify([{ ...SERVICE, ...service }]),
});
const ecsWeb = (service: Record<string, unknown>) => ({ "cross-az-platform:ecs": JSON.stringify({ services: { web: { image: "web:1.0.0", ...service } } }) });

/** Stack config as the engine passes it (JSON strings), and the start of the one-line error it must stop with. */
const REJECTED: [string, Record<string, string>, RegExp][] = [
    ["an image that is no OCI reference", services({ image: "Web App:1.0" }), /^services\.0\.image must be an image reference/],
    ["an AZ of another region", { "cross-az-platform:network": JSON.stringify({ availabilityZones: ["us-east-1a", "eu-west-1a"] }) },
        /^network\.availabilityZones\.1 must be an AZ this region offers/],
    ["an AZ listed twice", { "cross-az-platform:network": JSON.stringify({ availabilityZones: ["us-east-1a", "us-east-1a"] }) },
        /^network\.availabilityZones lists us-east-1a more than once/],
    ["an EKS version EKS does not offer", { "cross-az-platform:eks": JSON.stringify({ ...CLUSTER, version: "1.40" }) }, /^eks\.version must be at most/],
    ["a PDB of 100%", services({ pdb: { minAvailable: "100%" } }), /^services\.0\.pdb\.minAvailable must round to less than/],
    ["a probe path with a space", services({ probePath: "/health check" }), /^services\.0\.probePath must be an absolute path without spaces/],
    ["a namespace longer than a DNS label", services({ namespace: "n".repeat(64) }), /^services\.0\.namespace must be a Kubernetes namespace name/],
    ["an ARN with a trailing space", ecsWeb({ taskRolePolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess "] }),
        /^ecs\.services\.web\.taskRolePolicyArns\.0 must be IAM policy ARNs/],
    ["public endpoint CIDRs that add up to the internet", { "cross-az-platform:eks": JSON.stringify({ ...CLUSTER, endpointPublicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }) },
        /^eks\.endpointPublicAccessCidrs must not open the API endpoint to the whole internet/],
    ["a secret-looking env name", services({ env: { DB_PASSWORD: "hunter2" } }), /^services\.0\.env must not hold secret-looking names/],
    ["a key under a misspelt namespace", { "cross-az-platfrom:network": JSON.stringify({ azCount: 2 }) },
        /^cross-az-platfrom:network is under namespace cross-az-platfrom, which this program does not read/],
];

describe("a rejected stack config declares nothing", () => {
    for (const [what, config, message] of REJECTED) {
        it(what, async () => {
            const program: () => Promise<unknown> = require("../../index");
            const { result, resources } = await declare(async () => {
                try {
                    await program();
                    return undefined;
                } catch (error) {
                    return error as Error;
                }
            }, { config });
            assert.ok(result instanceof ConfigError, `expected a ConfigError, got ${result}`);
            assert.match(result.message, message);
            assert.equal(result.message.split("\n").length, 1);
            assert.deepEqual(resources, []);
        });
    }
});
