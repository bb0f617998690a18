import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { FLOW_LOG_QUERY_KEYS } from "../../components/flow-log-queries";
import { declare, ofType, one, valueOf } from "../helpers/mocks";

/** Runs index.ts under mocks with a stack file's config (as the engine passes it: JSON strings). */
async function runProgram(stack: string) {
    const file = path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`);
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(parse(readFileSync(file, "utf8")).config as Record<string, unknown>)) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const program: () => Promise<Record<string, any>> = require("../../index");
    const { result: outputs, resources } = await declare(program, { config, preview: false });
    return { outputs, resources };
}

describe("stacks: flow logs", () => {
    it("prod logs its VPC for 30 days and exports where to query the logs", async () => {
        const { outputs, resources } = await runProgram("prod");
        one(resources, "crossaz:network:FlowLogs", "network-flow-logs");
        assert.equal(one(resources, "aws:ec2/flowLog:FlowLog").inputs.vpcId, one(resources, "aws:ec2/vpc:Vpc").id);
        assert.deepEqual(one(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "network-flow-logs").inputs.rules[0].expiration, { days: 30 });
        assert.equal(await valueOf(outputs.flowLogsDatabase), "network_flow_logs_test");
        assert.equal(await valueOf(outputs.flowLogsWorkgroup), "network-flow-logs-1234567");
        assert.equal(await valueOf(outputs.flowLogsBucket), "Bucket/network-flow-logs");
        const queryIds = await Promise.all(FLOW_LOG_QUERY_KEYS.map(key => valueOf(outputs.flowLogsQueryIds[key])));
        assert.deepEqual(queryIds, FLOW_LOG_QUERY_KEYS.map(key => `NamedQuery/network-flow-logs-${key}`));
    });

    it("dev has none", async () => {
        const { outputs, resources } = await runProgram("dev");
        assert.equal(ofType(resources, "aws:ec2/flowLog:FlowLog").length, 0);
        assert.equal(ofType(resources, "crossaz:network:FlowLogs").length, 0);
        for (const key of ["flowLogsBucket", "flowLogsDatabase", "flowLogsWorkgroup", "flowLogsQueryIds"]) assert.equal(key in outputs, false, key);
    });
});
