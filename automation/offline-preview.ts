/**
 * npm run preview:offline -- [flags]   (npm run preview:offline -- --help lists them: commands.ts)
 *
 * Runs a Pulumi program under the mock runtime and the cross-az-guardrails pack over it, the way
 * `pulumi preview --policy-pack policies` would, with no cloud account. Exit 0: no mandatory
 * violation; 1: mandatory violations; 2: usage, config or program error (one line on stderr).
 * --new-stack previews as for a stack with nothing deployed: every id and computed output unknown.
 * --timeout bounds the program's run, --policy-timeout each policy pack call: past either, exit 2
 * naming the program, or the policy and the resource that did not finish.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { OFFLINE_PREVIEW, formatOf } from "./commands";
import { helpText, parseCommand } from "./flags";
import { PreviewError, oneLine } from "./preview/errors";
import { markdownReport } from "./preview/markdown";
import { colourFor, costDiff, exitCode, humanReport, jsonReport } from "./preview/report";
import { runOfflinePreview } from "./preview/run-preview";
import { sarifReport } from "./preview/sarif";

async function main(argv: string[]): Promise<number> {
    const parsed = parseCommand(OFFLINE_PREVIEW, argv);
    if (parsed.help) {
        await write(helpText(OFFLINE_PREVIEW) + "\n");
        return 0;
    }
    const { values } = parsed;
    const format = formatOf(values);
    const absolute = (p: string | undefined) => p === undefined ? undefined : path.resolve(p);
    const base = values["compare-to"] === undefined ? undefined : readBaseReport(values["compare-to"]);
    const result = await runOfflinePreview({
        stack: values.stack,
        programDir: path.resolve(values.program),
        packDir: path.resolve(values["policy-pack"]),
        policyPackConfig: absolute(values["policy-pack-config"]),
        newStack: values["new-stack"],
        trafficFile: absolute(values.traffic),
        timeoutSeconds: Number(values.timeout),
        policyTimeoutSeconds: Number(values["policy-timeout"]),
    });
    const diff = base && costDiff(result, base);
    const report = {
        human: () => humanReport(result, diff, { colour: colourFor(process.stdout) }),
        json: () => jsonReport(result, diff),
        sarif: () => sarifReport(result),
        markdown: () => markdownReport(result, diff),
    }[format]();
    await write(report + "\n");
    return exitCode(result);
}

/** Writes all of it to stdout before the process exits. */
const write = (text: string) => new Promise(flushed => process.stdout.write(text, flushed));

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
