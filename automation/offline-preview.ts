/**
 * npm run preview:offline -- [--stack dev] [--program DIR] [--policy-pack-config FILE] [--traffic FILE] [--compare-to FILE] [--new-stack] [--json] [--timeout SECONDS] [--policy-timeout SECONDS]
 *
 * Runs a Pulumi program under the mock runtime and the cross-az-guardrails pack over it, the way
 * `pulumi preview --policy-pack policies` would, with no cloud account. Exit 0: no mandatory
 * violation; 1: mandatory violations; 2: usage, config or program error (one line on stderr).
 * --new-stack previews as for a stack with nothing deployed: every id and computed output unknown.
 * --timeout bounds the program's run (default 120 s), --policy-timeout each policy pack call
 * (default 60 s): past either, exit 2 naming the program, or the policy and the resource.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PreviewError, oneLine } from "./preview/errors";
import { costDiff, exitCode, humanReport, jsonReport } from "./preview/report";
import { DEFAULT_POLICY_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS, PROJECT_ROOT, runOfflinePreview } from "./preview/run-preview";

const USAGE = "usage: npm run preview:offline -- [--stack dev] [--program DIR] [--policy-pack-config FILE] [--traffic FILE] [--compare-to FILE] [--new-stack] [--json] [--timeout SECONDS] [--policy-timeout SECONDS]";

async function main(argv: string[]): Promise<number> {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", multiple: true, default: ["dev"] },
                program: { type: "string", default: PROJECT_ROOT },
                "policy-pack-config": { type: "string" },
                traffic: { type: "string" },
                "compare-to": { type: "string" },
                "policy-pack": { type: "string", default: path.join(PROJECT_ROOT, "policies") },
                "new-stack": { type: "boolean", default: false },
                json: { type: "boolean", default: false },
                timeout: { type: "string", default: String(DEFAULT_TIMEOUT_SECONDS) },
                "policy-timeout": { type: "string", default: String(DEFAULT_POLICY_TIMEOUT_SECONDS) },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (error) {
        throw new PreviewError(`${oneLine(error)}; ${USAGE}`);
    }
    if (values.stack.length > 1) throw new PreviewError(`--stack given ${values.stack.length} times (${values.stack.join(", ")}): one preview runs one stack; ${USAGE}`);
    const seconds = (flag: "timeout" | "policy-timeout") => {
        if (!/^[1-9][0-9]*$/.test(values[flag])) throw new PreviewError(`--${flag} must be a whole number of seconds, 1 or more, got ${JSON.stringify(values[flag])}; ${USAGE}`);
        return Number(values[flag]);
    };
    const absolute = (p: string | undefined) => p === undefined ? undefined : path.resolve(p);
    const base = values["compare-to"] === undefined ? undefined : readBaseReport(values["compare-to"]);
    const result = await runOfflinePreview({
        stack: values.stack[0],
        programDir: absolute(values.program)!,
        packDir: absolute(values["policy-pack"])!,
        policyPackConfig: absolute(values["policy-pack-config"]),
        newStack: values["new-stack"],
        trafficFile: absolute(values.traffic),
        timeoutSeconds: seconds("timeout"),
        policyTimeoutSeconds: seconds("policy-timeout"),
    });
    const diff = base && costDiff(result, base);
    const report = (values.json ? jsonReport(result, diff) : humanReport(result, diff)) + "\n";
    await new Promise(flushed => process.stdout.write(report, flushed)); // all of it, before process.exit
    return exitCode(result);
}

/** An earlier `--json` report to compare costs with: its cost lines and total "after". */
function readBaseReport(file: string): Parameters<typeof costDiff>[1] {
    let document: any;
    try {
        document = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new PreviewError(`--compare-to ${file} ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `is not JSON: ${oneLine(error)}`}`);
    }
    const lines = document?.cost?.lines;
    if (!Array.isArray(lines) || typeof document?.cost?.totals?.after !== "number"
        || !lines.every((l: any) => typeof l?.item === "string" && typeof l?.after === "number")) {
        throw new PreviewError(`--compare-to ${file} is not a preview:offline --json report (no cost.lines with item and after, or no cost.totals.after)`);
    }
    return { file, cost: document.cost };
}

// Taken before any program runs: while one does, runProgram makes process.exit fail the program instead.
const exit = process.exit.bind(process);

function fail(error: unknown): void {
    process.stderr.write(`offline preview: ${error instanceof PreviewError ? error.message : oneLine(error)}\n`);
    exit(2);
}

// A program's timer may throw after the program returned (runProgram listens while it runs): still
// the program failing, reported in one line.
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
    process.on(event, (error: unknown) => {
        if (process.listenerCount(event) === 1) fail(new PreviewError(`program failed after it returned: ${oneLine(error)}`));
    });
}

// Exit explicitly: a program's timers or sockets must not keep the preview running after its report.
main(process.argv.slice(2)).then(code => exit(code), fail);
