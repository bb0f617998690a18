import { CommandError } from "@pulumi/pulumi/automation";
import type { EngineEvent, PreviewOptions, UpOptions } from "@pulumi/pulumi/automation";

/** The part of a LocalWorkspace `Stack` the driver uses, so tests can script it. */
export interface CiStack {
    preview(opts: PreviewOptions): Promise<unknown>;
    up(opts: UpOptions): Promise<unknown>;
}

export type Operation = "preview" | "up";

export interface Violation {
    policyPack: string;
    policy: string;
    /** As the engine reports it: "mandatory", "warning", "remediate", "advisory", ... */
    level: string;
    urn?: string;
    message: string;
}

export interface StackReport {
    stack: string;
    operation: Operation;
    /** Resource changes by op ("create", "update", "same", ...), from the summary event. */
    changes: Record<string, number>;
    violations: Violation[];
    /** Set when the operation failed or was refused. */
    failure?: string;
}

export interface RunOptions {
    operation: Operation;
    stacks: string[];
    /** Concurrent stacks; default 1. */
    parallel?: number;
    openStack: (stackName: string) => Promise<CiStack>;
    policyPackPath: string;
    /** Pack config file for a stack, or undefined when it has none. */
    policyConfigFor: (stackName: string) => string | undefined;
    /** Receives engine output lines; default writes to stdout (the CLI sends them to stderr with --json). */
    write?: (line: string) => void;
}

/** Thrown when the Pulumi CLI is not on PATH; the CLI prints its message as one line. */
export class MissingCliError extends Error {
    constructor() {
        super("pulumi CLI not found on PATH; install it with `curl -fsSL https://get.pulumi.com | sh` (or pulumi/actions in GitHub Actions)");
    }
}

/**
 * CommandError keeps the CLI result in a field its typings mark private. For a failed command the
 * SDK wraps execa's error: the result's `stderr` is execa's message (stderr, then stdout) and the
 * CLI's own stderr is on `err.stderr`.
 */
interface CliResult { code: number; stderr: string; err?: { code?: unknown; exitCode?: number; stderr?: string; stdout?: string } }
export function commandResult(err: unknown): CliResult | undefined {
    return err instanceof CommandError ? (err as unknown as { commandResult?: CliResult }).commandResult : undefined;
}

/** The Automation SDK reports a missing binary as a CommandError wrapping spawn's ENOENT. */
export function isMissingCli(err: unknown): boolean {
    return commandResult(err)?.err?.code === "ENOENT";
}

/** One line for the summary: the CLI's last stderr line, else its last `error:` line on stdout, else the error's first line. */
function failureMessage(err: unknown): string {
    const result = commandResult(err);
    const stderr = (typeof result?.err?.stderr === "string" ? result.err.stderr : result?.stderr)?.trim();
    if (stderr) return stderr.split("\n").filter((l) => l.trim()).pop()!.trim();
    const stdoutError = result?.err?.stdout?.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("error:")).pop();
    if (stdoutError) return stdoutError;
    return (err instanceof Error ? err.message : String(err)).trim().split("\n")[0];
}

export function hasMandatory(report: StackReport): boolean {
    return report.violations.some((v) => v.level === "mandatory");
}

export function exitCode(reports: StackReport[]): 0 | 1 {
    return reports.every((r) => !r.failure && !hasMandatory(r)) ? 0 : 1;
}

function collector(report: StackReport): (event: EngineEvent) => void {
    return (event) => {
        const p = event.policyEvent;
        if (p) {
            report.violations.push({
                policyPack: p.policyPackName,
                policy: p.policyName,
                level: p.enforcementLevel,
                urn: p.resourceUrn,
                message: p.message.trim(),
            });
        }
        if (event.summaryEvent) report.changes = { ...event.summaryEvent.resourceChanges } as Record<string, number>;
    };
}

function prefixed(stack: string, write: (line: string) => void): (out: string) => void {
    return (out) => {
        for (const line of out.split("\n")) if (line.length > 0) write(`[${stack}] ${line}`);
    };
}

async function runStack(stackName: string, opts: RunOptions): Promise<StackReport> {
    const write = opts.write ?? ((line: string) => process.stdout.write(line + "\n"));
    const config = opts.policyConfigFor(stackName);
    const common = {
        policyPacks: [opts.policyPackPath],
        ...(config ? { policyPackConfigs: [config] } : {}),
        onOutput: prefixed(stackName, write),
    };
    let report: StackReport = { stack: stackName, operation: "preview", changes: {}, violations: [] };
    try {
        const stack = await opts.openStack(stackName);
        try {
            await stack.preview({ ...common, onEvent: collector(report) });
        } catch (err) {
            // The CLI fails a preview with mandatory violations; the violations themselves are the report.
            if (!hasMandatory(report)) throw err;
        }
        if (opts.operation === "up") {
            if (hasMandatory(report)) {
                return { ...report, operation: "up", failure: "up refused: the preview has mandatory policy violations" };
            }
            report = { stack: stackName, operation: "up", changes: {}, violations: [] };
            await stack.up({ ...common, onEvent: collector(report) });
        }
    } catch (err) {
        if (isMissingCli(err)) throw new MissingCliError();
        report.failure = failureMessage(err); // report.operation says which step failed: the preview, or the up after it
    }
    return report;
}

/** Runs the operation on every stack, at most `parallel` at a time, one operation per stack. */
export async function runStacks(opts: RunOptions): Promise<StackReport[]> {
    const stacks = [...new Set(opts.stacks)];
    const reports: StackReport[] = new Array(stacks.length);
    let next = 0;
    const worker = async () => {
        while (next < stacks.length) {
            const i = next++;
            reports[i] = await runStack(stacks[i], opts);
        }
    };
    const width = Math.max(1, Math.min(opts.parallel ?? 1, stacks.length));
    await Promise.all(Array.from({ length: width }, worker));
    return reports;
}
