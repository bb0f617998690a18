import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import type { EngineEvent, PolicyEvent, PreviewOptions, UpOptions } from "@pulumi/pulumi/automation";
import { CiStack, MissingCliError, RunOptions, exitCode, runStacks } from "../../automation/ci-driver";
import { summaryJson, summaryMarkdown } from "../../automation/ci-summary";

const urn = (name: string) => `urn:pulumi:dev::cross-az-platform::aws:ec2/natGateway:NatGateway::${name}`;

function policy(policyName: string, enforcementLevel: string): EngineEvent {
    const event: PolicyEvent = {
        resourceUrn: urn("nat-a"),
        message: `${policyName} says no\n`,
        color: "never",
        policyName,
        policyPackName: "cross-az-guardrails",
        policyPackVersion: "0.1.0",
        policyPackVersionTag: "0.1.0",
        // The engine also reports "remediate" and "advisory"; the SDK type lists only two.
        enforcementLevel: enforcementLevel as PolicyEvent["enforcementLevel"],
    };
    return { sequence: 3, timestamp: 0, policyEvent: event };
}

/** The events a real preview emits, in order, with the given policy events in the middle. */
function previewEvents(policies: EngineEvent[]): EngineEvent[] {
    return [
        { sequence: 1, timestamp: 0, preludeEvent: { config: {} } },
        {
            sequence: 2,
            timestamp: 0,
            resourcePreEvent: { metadata: { op: "create", urn: urn("nat-a"), type: "aws:ec2/natGateway:NatGateway", provider: "" } },
        },
        { sequence: 3, timestamp: 0, diagnosticEvent: { message: "note\n", color: "never", severity: "info" } },
        ...policies,
        {
            sequence: 4,
            timestamp: 0,
            summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { create: 3, same: 2 }, policyPacks: {} },
        },
    ];
}

/**
 * A stand-in `pulumi` binary: answers `version`, keeps stacks as marker files, and for preview/up
 * prints FAKE_STDOUT and FAKE_STDERR and exits FAKE_EXIT (0 by default).
 */
/** A fake `pulumi` in <root>/bin: logs its arguments to $FAKE_ARGS_LOG; with languageHost, a (never run) pulumi-language-nodejs beside it. */
function fakePulumiRoot(options: { languageHost?: boolean } = { languageHost: true }): string {
    const root = mkdtempSync(path.join(tmpdir(), "fake-pulumi-"));
    mkdirSync(path.join(root, "bin"));
    const script = path.join(root, "bin", "pulumi");
    if (options.languageHost) writeFileSync(path.join(root, "bin", "pulumi-language-nodejs"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    writeFileSync(script, [
        "#!/bin/sh",
        '[ -n "$FAKE_ARGS_LOG" ] && echo "$*" >> "$FAKE_ARGS_LOG"',
        'case "$1" in',
        "  version) echo v3.248.0 ;;",
        '  preview|up) printf "%b" "$FAKE_STDOUT"; printf "%b" "$FAKE_STDERR" >&2; exit "${FAKE_EXIT:-0}" ;;',
        "esac",
        "exit 0",
    ].join("\n"));
    chmodSync(script, 0o755);
    return root;
}

/** The CommandError the Automation SDK really throws when the CLI fails (through its own exec). */
async function commandError(stdout: string, stderr: string): Promise<Error> {
    const root = fakePulumiRoot();
    // run() is what LocalWorkspace calls for every command; the typings leave it out.
    const cli = await automation.PulumiCommand.get({ root, skipVersionCheck: true }) as unknown as
        { run(args: string[], cwd: string, env: Record<string, string>): Promise<unknown> };
    const failure = await cli.run(["up"], root, { FAKE_STDOUT: stdout, FAKE_STDERR: stderr, FAKE_EXIT: "255" }).then(() => undefined, (e: Error) => e);
    assert.ok(failure instanceof automation.CommandError, "the fake CLI's exit 255 is a CommandError");
    return failure;
}

interface Script {
    preview?: EngineEvent[];
    up?: EngineEvent[];
    /** The CLI fails a preview that has mandatory violations, after reporting them. */
    previewError?: Error;
    upError?: Error;
}

class FakeStack implements CiStack {
    calls: string[] = [];
    previewOpts?: PreviewOptions;
    constructor(private name: string, private script: Script, private tracker: { active: Set<string>; max: number }) {}
    private async run(op: string, events: EngineEvent[], opts: { onEvent?: (e: EngineEvent) => void; onOutput?: (s: string) => void }, error?: Error) {
        assert.ok(!this.tracker.active.has(this.name), `two operations on ${this.name}`);
        this.tracker.active.add(this.name);
        this.tracker.max = Math.max(this.tracker.max, this.tracker.active.size);
        this.calls.push(op);
        await new Promise((r) => setTimeout(r, 5));
        opts.onOutput?.(`${op} output\n`);
        for (const e of events) opts.onEvent?.(e);
        this.tracker.active.delete(this.name);
        if (error) throw error;
        return {};
    }
    preview(opts: PreviewOptions) {
        this.previewOpts = opts;
        return this.run("preview", this.script.preview ?? previewEvents([]), opts, this.script.previewError);
    }
    up(opts: UpOptions) {
        return this.run("up", this.script.up ?? previewEvents([]), opts, this.script.upError);
    }
}

function setup(scripts: Record<string, Script>, extra: Partial<RunOptions> = {}) {
    const tracker = { active: new Set<string>(), max: 0 };
    const fakes: Record<string, FakeStack> = {};
    const lines: string[] = [];
    const opts: RunOptions = {
        operation: "preview",
        stacks: Object.keys(scripts),
        openStack: async (name) => (fakes[name] = new FakeStack(name, scripts[name], tracker)),
        policyPackPath: "/abs/policies",
        policyConfigFor: (stack) => (stack === "prod" ? "/abs/policies/config/prod.json" : undefined),
        write: (l) => lines.push(l),
        ...extra,
    };
    return { opts, tracker, fakes, lines };
}

describe("automation/ci-driver", () => {
    it("passes the policy pack, the stack's pack config and prefixes output", async () => {
        const { opts, fakes, lines } = setup({ dev: {}, prod: {} });
        const reports = await runStacks(opts);
        assert.deepEqual(fakes.dev.previewOpts?.policyPacks, ["/abs/policies"]);
        assert.equal(fakes.dev.previewOpts?.policyPackConfigs, undefined);
        assert.deepEqual(fakes.prod.previewOpts?.policyPackConfigs, ["/abs/policies/config/prod.json"]);
        assert.ok(lines.includes("[prod] preview output"));
        assert.deepEqual(reports[0].changes, { create: 3, same: 2 });
        assert.equal(exitCode(reports), 0);
    });

    it("exits 1 on a mandatory violation, 0 on warnings and advisory levels", async () => {
        const warn = setup({ dev: { preview: previewEvents([policy("a", "warning"), policy("b", "advisory"), policy("c", "remediate")]) } });
        const warnReports = await runStacks(warn.opts);
        assert.equal(warnReports[0].violations.length, 3);
        assert.equal(exitCode(warnReports), 0);
        const bad = setup({ dev: {}, prod: { preview: previewEvents([policy("nat-per-az", "mandatory")]) } });
        const reports = await runStacks(bad.opts);
        assert.deepEqual(reports[1].violations[0], {
            policyPack: "cross-az-guardrails",
            policy: "nat-per-az",
            level: "mandatory",
            urn: urn("nat-a"),
            message: "nat-per-az says no",
        });
        assert.equal(exitCode(reports), 1);
    });

    it("up refuses to update a stack whose preview has a mandatory violation", async () => {
        const { opts, fakes } = setup({ dev: { preview: previewEvents([policy("nat-per-az", "mandatory")]) }, prod: {} }, { operation: "up" });
        const reports = await runStacks(opts);
        assert.deepEqual(fakes.dev.calls, ["preview"]);
        assert.deepEqual(fakes.prod.calls, ["preview", "up"]);
        assert.match(reports[0].failure ?? "", /refused/);
        assert.equal(reports[1].failure, undefined);
        assert.equal(exitCode(reports), 1);
    });

    it("reads a preview the CLI failed for its mandatory violations as those violations: up refused, no CLI error as the failure", async () => {
        const previewError = await commandError("Previewing update (dev)\n    error: preview failed\n", "");
        const mandatory = previewEvents([policy("nat-per-az", "mandatory")]);
        for (const operation of ["preview", "up"] as const) {
            const { opts, fakes } = setup({ dev: { preview: mandatory, previewError } }, { operation });
            const [report] = await runStacks(opts);
            assert.deepEqual(fakes.dev.calls, ["preview"]);
            assert.equal(report.failure, operation === "up" ? "up refused: the preview has mandatory policy violations" : undefined);
            assert.deepEqual(report.violations.map((v) => v.level), ["mandatory"]);
            assert.equal(exitCode([report]), 1);
        }
        const { opts } = setup({ dev: { previewError } });
        assert.equal((await runStacks(opts))[0].failure, "error: preview failed", "without violations it is a failure, named by the CLI's error line");
    });

    it("records a failed up (CommandError) by its last stderr line, not its stdout, and exits 1", async () => {
        const upError = await commandError("Updating (dev)\n  + resource thing\n", "error: something\nerror: update failed\n");
        const { opts } = setup({ dev: { upError } }, { operation: "up" });
        const reports = await runStacks(opts);
        assert.equal(reports[0].failure, "error: update failed");
        assert.equal(exitCode(reports), 1);
    });

    it("keeps at most --parallel stacks running", async () => {
        const names = ["a", "b", "c", "d", "e"];
        const scripts = Object.fromEntries(names.map((n) => [n, {}]));
        for (const parallel of [1, 2]) {
            const { opts, tracker } = setup(scripts, { parallel });
            const reports = await runStacks(opts);
            assert.equal(tracker.max, parallel);
            assert.deepEqual(reports.map((r) => r.stack), names);
        }
    });

    it("turns a missing pulumi binary into MissingCliError, other errors into failures", async () => {
        const missing = await automation.PulumiCommand.get({ root: "/nonexistent-pulumi-root" }).catch((e: unknown) => e);
        const { opts } = setup({ dev: {} }, { openStack: async () => Promise.reject(missing) });
        await assert.rejects(runStacks(opts), MissingCliError);
        const other = setup({ dev: {} }, { openStack: async () => Promise.reject(new Error("no such stack")) });
        const reports = await runStacks(other.opts);
        assert.equal(reports[0].failure, "no such stack");
    });

    it("summarises changes, violations by policy and level, and failures", async () => {
        const { opts } = setup({
            dev: { preview: previewEvents([policy("nat-per-az", "mandatory"), policy("nat-per-az", "mandatory"), policy("spread", "warning")]) },
            prod: { upError: await commandError("Updating (prod)\n", "error: boom\n") },
        }, { operation: "up" });
        const reports = await runStacks(opts);
        const md = summaryMarkdown(reports);
        assert.match(md, /### dev: up failed[\s\S]*Failure: up refused/);
        assert.match(md, /\| cross-az-guardrails \| nat-per-az \| mandatory \| 2 \|/);
        assert.match(md, /\| cross-az-guardrails \| spread \| warning \| 1 \|/);
        assert.match(md, /### prod: up failed/);
        assert.match(md, /Failure: error: boom/);
        assert.match(md, /Changes: create 3, same 2/);
        const json = summaryJson(reports);
        assert.equal(json.ok, false);
        assert.equal(json.stacks[1].failure, "error: boom");
    });
});

describe("automation/ci (real command)", () => {
    const run = (args: string[]) =>
        spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "../../automation/ci.ts"), ...args], {
            encoding: "utf8",
            env: { ...process.env, PATH: "/nonexistent", GITHUB_STEP_SUMMARY: "" },
        });

    it("exits 2 with a one-line install hint when the Pulumi CLI is missing", () => {
        const r = run(["preview", "--stack", "dev"]);
        assert.equal(r.status, 2, r.stderr);
        assert.equal(r.stderr.trim().split("\n").length, 1);
        assert.match(r.stderr, /pulumi CLI not found.*install/);
    });

    it("exits 2 on usage errors", () => {
        assert.equal(run(["deploy", "--stack", "dev"]).status, 2);
        assert.equal(run(["preview"]).status, 2);
        for (const parallel of ["0", "0x2", "1e3", " 2", "-1"]) assert.equal(run(["preview", "--stack", "dev", "--parallel", parallel]).status, 2, parallel);
    });

    it("exits 2 on a stack without Pulumi.<stack>.yaml instead of creating and deploying it", () => {
        const r = run(["up", "--stack", "prdo"]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^--stack prdo has no Pulumi\.prdo\.yaml in .* \(stacks here: dev, prod\)$/m);
    });

    it("--json keeps stdout one JSON document: engine output goes to stderr", () => {
        const root = fakePulumiRoot();
        const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "../../automation/ci.ts"), "preview", "--stack", "dev", "--json"], {
            encoding: "utf8",
            env: { ...process.env, PATH: `${path.join(root, "bin")}:${process.env.PATH}`, GITHUB_STEP_SUMMARY: "", FAKE_STDOUT: "Previewing (dev)\\n  + resource thing\\n" },
        });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout).stacks.map((s: { stack: string }) => s.stack), ["dev"]);
        assert.match(r.stderr, /^\[dev\]   \+ resource thing$/m);
    });

    it("runs the program through the CLI's language host when it has one, else inline in its own process", () => {
        for (const languageHost of [true, false]) {
            const root = fakePulumiRoot({ languageHost });
            const log = path.join(root, "args.log");
            const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "../../automation/ci.ts"), "preview", "--stack", "dev", "--json"], {
                encoding: "utf8",
                env: { ...process.env, PATH: `${path.join(root, "bin")}:${process.env.PATH}`, GITHUB_STEP_SUMMARY: "", FAKE_ARGS_LOG: log },
            });
            assert.equal(r.status, 0, r.stderr);
            const preview = readFileSync(log, "utf8").split("\n").find(line => line.startsWith("preview "))!;
            if (languageHost) assert.doesNotMatch(preview, /--client/);
            else assert.match(preview, /--client=127\.0\.0\.1:\d+ --exec-kind auto\.inline/);
        }
    });
});
