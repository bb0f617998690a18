import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PackInfo } from "../../../automation/preview/analyzer-client";
import { packConfigWithTraffic, readPolicyPackConfig, resolvePolicyConfig } from "../../../automation/preview/policy-config";

const pack: PackInfo = {
    name: "p", version: "1.0.0", initialConfig: {},
    policies: [
        { name: "plain", description: "Plain.", kind: "resource", enforcementLevel: "mandatory" },
        { name: "limits", description: "Limits.", kind: "resource", enforcementLevel: "advisory", configSchema: { properties: { max: { type: "integer", minimum: 1, default: 5 } }, required: [] } },
        { name: "priced", description: "Priced.", kind: "stack", enforcementLevel: "mandatory", configSchema: { properties: { traffic: { type: "object", properties: { eastWestGbPerMonth: { type: "number" } } } }, required: [] } },
    ],
};

function configFile(content: unknown): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pack-config-")), "config.json");
    fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
}

describe("automation/preview/policy-config", () => {
    it("starts from each policy's level and schema defaults", () => {
        assert.deepEqual(resolvePolicyConfig(pack, {}), {
            plain: { enforcementLevel: "mandatory", properties: undefined },
            limits: { enforcementLevel: "advisory", properties: { max: 5 } },
            priced: { enforcementLevel: "mandatory", properties: undefined },
        });
    });

    it("applies `all`, then per-policy levels and properties, as the engine does", () => {
        const config = resolvePolicyConfig(pack, readPolicyPackConfig(configFile({ all: "advisory", plain: "disabled", limits: { max: 9 } })));
        assert.equal(config.plain.enforcementLevel, "disabled");
        assert.equal(config.priced.enforcementLevel, "advisory");
        assert.deepEqual(config.limits, { enforcementLevel: "advisory", properties: { max: 9 } });
    });

    it("writes the file for the engine with the stack's traffic where the offline preview adds it, levels left to the engine", () => {
        const traffic = { eastWestGbPerMonth: 7 };
        assert.deepEqual(packConfigWithTraffic(pack, readPolicyPackConfig(configFile({ all: "advisory", limits: { max: 9 } })), traffic), {
            all: { enforcementLevel: "advisory" },
            limits: { max: 9 },
            priced: { traffic },
        });
        const own = { eastWestGbPerMonth: 1 };
        assert.deepEqual(packConfigWithTraffic(pack, readPolicyPackConfig(configFile({ priced: { enforcementLevel: "advisory", traffic: own } })), traffic),
            { priced: { enforcementLevel: "advisory", traffic: own } });
    });

    it("passes the stack's traffic to policies whose schema takes it, unless the file sets it", () => {
        assert.deepEqual(resolvePolicyConfig(pack, {}, { eastWestGbPerMonth: 7 }).priced.properties, { traffic: { eastWestGbPerMonth: 7 } });
        assert.equal(resolvePolicyConfig(pack, {}, { eastWestGbPerMonth: 7 }).plain.properties, undefined);
        const fromFile = readPolicyPackConfig(configFile({ priced: { traffic: { eastWestGbPerMonth: 1 } } }));
        assert.deepEqual(resolvePolicyConfig(pack, fromFile, { eastWestGbPerMonth: 7 }).priced.properties, { traffic: { eastWestGbPerMonth: 1 } });
    });

    it("rejects config the schema does not allow, naming policy, key and value", () => {
        assert.throws(() => resolvePolicyConfig(pack, readPolicyPackConfig(configFile({ limits: { max: 0 } }))),
            { message: "policy pack config is invalid: limits: max must be >= 1, got 0" });
    });

    it("rejects a property the policy's schema does not declare, naming policy and property on one line", () => {
        assert.throws(() => resolvePolicyConfig(pack, readPolicyPackConfig(configFile({ limits: { enforcementLevel: "mandatory", Max: 9 } }))),
            { message: "policy pack config is invalid: limits: unknown property Max (it takes max)" });
        assert.throws(() => resolvePolicyConfig(pack, readPolicyPackConfig(configFile({ plain: { enforcementLevel: "advisory", max: 9 } }))),
            { message: "policy pack config is invalid: plain: unknown property max (it takes none)" });
        const closed: PackInfo = { ...pack, policies: [{ name: "priced", description: "Prices with traffic.", kind: "stack", enforcementLevel: "mandatory", configSchema: {
            properties: { traffic: { type: "object", properties: { eastWestGbPerMonth: { type: "number" } }, additionalProperties: false } }, required: [] } }] };
        assert.throws(() => resolvePolicyConfig(closed, {}, { eastWestGbPerMonth: 1, eastWestGB: 2 }),
            { message: "policy pack config is invalid: priced: unknown property traffic.eastWestGB (it takes eastWestGbPerMonth)" });
    });

    it("rejects unknown policy names, bad levels and files that are not JSON", () => {
        assert.throws(() => resolvePolicyConfig(pack, readPolicyPackConfig(configFile({ plian: "advisory" }))), /names plian, which pack p does not have/);
        assert.throws(() => readPolicyPackConfig(configFile({ plain: "strict" })), /plain.enforcementLevel must be one of advisory\|mandatory\|remediate\|disabled, got "strict"/);
        assert.throws(() => readPolicyPackConfig(configFile("{")), /is not valid JSON/);
        assert.throws(() => readPolicyPackConfig("/nonexistent/config.json"), /does not exist/);
    });
});
