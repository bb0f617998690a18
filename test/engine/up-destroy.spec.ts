/**
 * `pulumi up` then `pulumi destroy` of the dev stack through the real CLI, with the policy pack,
 * driven by the Automation API in a scratch copy on a local file backend.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { EngineEvent, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { Scratch, engineEnv, scratchCopy } from "../../automation/engine/engine";
import { openStack } from "../../automation/open-stack";
import { Finding, ROOT, engine, findingSet, npmRun } from "./runs";

describe("engine: pulumi up and destroy of dev, with the pack", function () {
    this.timeout(300_000);
    let scratch: Scratch;
    let stack: Stack;
    let packs: { policyPacks: string[]; policyPackConfigs: string[] };
    const findings: Finding[] = [];
    let created: number;

    before(async () => {
        const cli = engine();
        scratch = scratchCopy(ROOT);
        const pulumiCommand = await PulumiCommand.get({ root: path.dirname(path.dirname(cli.pulumi)) });
        stack = await openStack({ dir: scratch.dir, stackName: "dev", pulumiCommand, envVars: engineEnv(cli, scratch.backendDir) });
        packs = { policyPacks: [path.join(scratch.dir, "policies")], policyPackConfigs: [path.join(scratch.dir, "policies", "config", "dev.json")] };
    });
    after(() => scratch?.remove());

    it("up creates every resource, with the pack's advisory findings on the single NAT gateway", async () => {
        const result = await stack.up({ ...packs, onEvent: (event: EngineEvent) => {
            const p = event.policyEvent;
            if (p) findings.push({ policy: p.policyName, level: p.enforcementLevel, urn: p.resourceUrn ?? null, message: p.message.trim() });
        } });
        assert.equal(result.summary.result, "succeeded");
        created = result.summary.resourceChanges?.create ?? 0;
        const offline = JSON.parse((await npmRun("preview:offline", ["--stack", "dev", "--json"])).stdout);
        assert.equal(created, offline.resources.length, "every resource the offline preview records (the summary leaves out default providers)");
        assert.deepEqual(findingSet(findings, { messages: false }), findingSet(offline.violations, { messages: false }));
        assert.ok(findings.length > 0 && findings.every(f => f.level === "advisory"));
    });

    it("the stack's outputs carry the stand-ins' fake ids", async () => {
        const outputs = await stack.outputs();
        assert.match(outputs.vpcId.value, /^vpc-[0-9a-f]{17}$/);
        assert.equal(outputs.natGatewayIds.value.length, 1);
        assert.match(outputs.natGatewayIds.value[0], /^nat-/);
        assert.match(outputs.ecsServices.value.web.albDnsName, /\.us-east-1\.elb\.amazonaws\.com$/);
    });

    it("a preview after the up changes nothing", async () => {
        const result = await stack.preview(packs);
        const { same = 0, ...changed } = result.changeSummary as Record<string, number>;
        assert.deepEqual(changed, {});
        assert.equal(same, created);
    });

    it("destroy removes everything", async () => {
        const result = await stack.destroy();
        assert.equal(result.summary.result, "succeeded");
        assert.equal(result.summary.resourceChanges?.delete, created);
        const state = await stack.exportStack();
        assert.deepEqual(state.deployment.resources ?? [], []);
    });
});
