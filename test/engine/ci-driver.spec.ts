/**
 * The CI driver for real (`npm run ci`), on the engine, in a scratch copy of this project: preview
 * of dev and prod as JSON, the Markdown summary, the gate (an `up` of a stack whose preview has a
 * mandatory violation is refused and deploys nothing), and an `up` of dev.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Scratch, engineEnv, scratchCopy } from "../../automation/engine/engine";
import { ROOT, Run, engine, findingSet, npmRun, shows } from "./runs";

interface Summary { ok: boolean; stacks: { stack: string; operation: string; changes: Record<string, number>; violations: { policy: string; level: string; urn?: string; message: string }[]; failure?: string }[] }

describe("engine: the CI driver (npm run ci) on the real CLI", function () {
    this.timeout(300_000);
    let scratch: Scratch;
    let env: NodeJS.ProcessEnv;
    const summaryFile = () => path.join(scratch.backendDir, "..", "step-summary.md");
    const ci = (...args: string[]): Promise<Run> => npmRun("ci", args, { cwd: scratch.dir, env });
    /** What the stack holds in the backend: its resources' URNs. */
    const deployed = async (stack: string) => {
        const run = await new Promise<string>((resolve, reject) => {
            execFile(engine().pulumi, ["stack", "export", "--stack", stack], { cwd: scratch.dir, env }, (error, stdout) => error ? reject(error) : resolve(stdout));
        });
        return ((JSON.parse(run).deployment.resources ?? []) as { urn: string }[]).map(r => r.urn);
    };

    before(() => {
        scratch = scratchCopy(ROOT);
        // "gate": dev's layout (one NAT gateway for three AZs) with no pack config, so nat-gateway-per-az is at its default, mandatory.
        copyFileSync(path.join(scratch.dir, "Pulumi.dev.yaml"), path.join(scratch.dir, "Pulumi.gate.yaml"));
        env = { ...process.env, ...engineEnv(engine(), scratch.backendDir), GITHUB_STEP_SUMMARY: summaryFile() };
    });
    after(() => scratch?.remove());

    it("preview --stack dev --stack prod --json: one JSON document with the offline preview's verdicts, and the summary", async () => {
        const [run, offlineDev, offlineProd] = await Promise.all([
            ci("preview", "--stack", "dev", "--stack", "prod", "--json", "--parallel", "2"),
            // The driver's previews are the first of their stacks on a fresh backend.
            npmRun("preview:offline", ["--stack", "dev", "--json", "--new-stack"]),
            npmRun("preview:offline", ["--stack", "prod", "--json", "--new-stack"]),
        ]);
        assert.equal(run.code, 0, shows(run));
        const summary = JSON.parse(run.stdout) as Summary;
        assert.equal(summary.ok, true);
        assert.deepEqual(summary.stacks.map(s => [s.stack, s.operation, s.failure]), [["dev", "preview", undefined], ["prod", "preview", undefined]]);
        for (const [report, offline] of [[summary.stacks[0], offlineDev], [summary.stacks[1], offlineProd]] as const) {
            const expected = JSON.parse(offline.stdout);
            assert.equal(report.changes.create, expected.resources.length, report.stack);
            assert.deepEqual(findingSet(report.violations.map(v => ({ ...v, urn: v.urn ?? null })), { messages: false }),
                findingSet(expected.violations, { messages: false }), report.stack);
        }
        assert.match(run.stderr, /^\[dev\] Previewing update \(dev\):$/m);
        const markdown = readFileSync(summaryFile(), "utf8");
        assert.match(markdown, /### dev: preview ok/);
        assert.match(markdown, /\| cross-az-guardrails \| nat-gateway-per-az \| advisory \| 2 \|/);
        assert.match(markdown, /### prod: preview ok/);
    });

    it("up of a stack whose preview has a mandatory violation is refused, and nothing is deployed", async () => {
        const run = await ci("up", "--stack", "gate", "--json");
        assert.equal(run.code, 1, shows(run));
        const [report] = (JSON.parse(run.stdout) as Summary).stacks;
        assert.equal(report.failure, "up refused: the preview has mandatory policy violations");
        assert.ok(report.violations.some(v => v.policy === "nat-gateway-per-az" && v.level === "mandatory"), JSON.stringify(report.violations));
        assert.deepEqual(await deployed("gate"), []);
        assert.match(readFileSync(summaryFile(), "utf8"), /### gate: (preview|up) failed[\s\S]*up refused/);
    });

    it("up --stack dev deploys it", async () => {
        const run = await ci("up", "--stack", "dev");
        assert.equal(run.code, 0, shows(run));
        assert.match(readFileSync(summaryFile(), "utf8"), /### dev: up ok\n\nChanges: create \d+/);
        const urns = await deployed("dev");
        assert.equal(urns.filter(urn => /\$aws:ec2\/vpc:Vpc::/.test(urn)).length, 1, urns.join("\n"));
        assert.equal(urns.filter(urn => /\$aws:ec2\/natGateway:NatGateway::/.test(urn)).length, 1, "dev's single NAT gateway");
    });
});
