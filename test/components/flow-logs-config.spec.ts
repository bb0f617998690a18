import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config";
import { rejects } from "../helpers/config-errors";

describe("stack config: network.flowLogs", () => {
    it("is off by default, keeps 30 days and aggregates over 600 seconds", () => {
        assert.deepEqual(parseStackConfig({}).network.flowLogs, { enabled: false, retentionDays: 30, maxAggregationInterval: 600 });
        assert.deepEqual(parseStackConfig({ network: { flowLogs: { enabled: true } } }).network.flowLogs,
            { enabled: true, retentionDays: 30, maxAggregationInterval: 600 });
    });

    it("keeps explicit values", () => {
        const flowLogs = { enabled: true, retentionDays: 3650, maxAggregationInterval: 60 };
        assert.deepEqual(parseStackConfig({ network: { flowLogs } }).network.flowLogs, flowLogs);
    });

    describe("errors name the key, the value and what is allowed", () => {
        it("enabled not a boolean", () => rejects({ network: { flowLogs: { enabled: "yes" } } }, 'network.flowLogs.enabled must be true or false, got "yes"'));
        it("retentionDays below 1", () => rejects({ network: { flowLogs: { retentionDays: 0 } } }, "network.flowLogs.retentionDays must be 1-3650, got 0"));
        it("retentionDays above 3650", () => rejects({ network: { flowLogs: { retentionDays: 3651 } } }, "network.flowLogs.retentionDays must be 1-3650, got 3651"));
        it("retentionDays not whole", () => rejects({ network: { flowLogs: { retentionDays: 1.5 } } },
            "network.flowLogs.retentionDays must be a whole number of days 1-3650, got 1.5"));
        it("maxAggregationInterval other than 60 or 600", () => rejects({ network: { flowLogs: { maxAggregationInterval: 300 } } },
            "network.flowLogs.maxAggregationInterval must be 60 or 600, got 300"));
        it("unknown key", () => rejects({ network: { flowLogs: { enable: true } } },
            "cross-az-platform:network.flowLogs has unknown key enable (allowed keys: enabled, retentionDays, maxAggregationInterval)"));
    });
});
