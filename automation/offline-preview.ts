/**
 * npm run preview:offline -- [--stack dev] [--program DIR] [--policy-pack-config FILE] [--new-stack] [--json]
 *
 * Runs a Pulumi program under the mock runtime and the cross-az-guardrails pack over it, the way
 * `pulumi preview --policy-pack policies` would, with no cloud account. Exit 0: no mandatory
 * violation; 1: mandatory violations; 2: usage, config or program error (one line on stderr).
 * --new-stack previews as for a stack with nothing deployed: every id and computed output unknown.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PreviewError, oneLine } from "./preview/errors";
import { exitCode, humanReport, jsonReport } from "./preview/report";
import { PROJECT_ROOT, runOfflinePreview } from "./preview/run-preview";

const USAGE = "usage: npm run preview:offline -- [--stack dev] [--program DIR] [--policy-pack-config FILE] [--new-stack] [--json]";

async function main(argv: string[]): Promise<number> {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", default: "dev" },
                program: { type: "string", default: PROJECT_ROOT },
                "policy-pack-config": { type: "string" },
                "policy-pack": { type: "string", default: path.join(PROJECT_ROOT, "policies") },
                "new-stack": { type: "boolean", default: false },
                json: { type: "boolean", default: false },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (error) {
        throw new PreviewError(`${oneLine(error)}; ${USAGE}`);
    }
    const absolute = (p: string | undefined) => p === undefined ? undefined : path.resolve(p);
    const result = await runOfflinePreview({
        stack: values.stack,
        programDir: absolute(values.program)!,
        packDir: absolute(values["policy-pack"])!,
        policyPackConfig: absolute(values["policy-pack-config"]),
        newStack: values["new-stack"],
    });
    process.stdout.write((values.json ? jsonReport(result) : humanReport(result)) + "\n");
    return exitCode(result);
}

main(process.argv.slice(2)).then(
    code => { process.exitCode = code; },
    error => {
        process.stderr.write(`offline preview: ${error instanceof PreviewError ? error.message : oneLine(error)}\n`);
        process.exitCode = 2;
    },
);
