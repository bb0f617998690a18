/**
 * npm run engine:preview -- [--stack dev] [--program DIR] [--policy-pack-config FILE] [--traffic FILE] [--policy-pack DIR] [--new-stack] [--json]
 *
 * A real `pulumi preview --policy-pack` of a program on the engine `npm run engine:setup` set up,
 * in a scratch copy on a local file backend, with the stand-in providers as the cloud: the same
 * flags and defaults as preview:offline, so both run side by side on one program. Prints the
 * engine's own output and exits with the CLI's exit code; 2 with one line for a usage error.
 * --json prints {schemaVersion, stack, exitCode, resources:[{urn,type,name}], violations:[{policy,level,urn,message}], notes}
 * instead, the engine's output going to stderr.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT, readEngine } from "./engine/engine";
import { runEnginePreview } from "./engine/preview";
import { loadStackSettings } from "./preview/project";
import { JSON_SCHEMA_VERSION } from "./preview/report";
import { defaultPackConfig, readTraffic } from "./preview/run-preview";

const USAGE = "usage: npm run engine:preview -- [--stack dev] [--program DIR] [--policy-pack-config FILE] [--traffic FILE] [--policy-pack DIR] [--new-stack] [--json]";

function parse(argv: string[]) {
    try {
        return parseArgs({
            args: argv,
            options: {
                stack: { type: "string", default: "dev" },
                program: { type: "string", default: PROJECT_ROOT },
                "policy-pack-config": { type: "string" },
                traffic: { type: "string" },
                "policy-pack": { type: "string", default: path.join(PROJECT_ROOT, "policies") },
                // Every engine preview here is the first of a new stack (a fresh backend): the flag is accepted for parity.
                "new-stack": { type: "boolean", default: false },
                json: { type: "boolean", default: false },
            },
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (error) {
        throw new Error(`${(error as Error).message}; ${USAGE}`);
    }
}

async function main(argv: string[]): Promise<number> {
    const values = parse(argv);
    const stack = loadStackSettings(values.program, values.stack); // the offline preview's checks and messages
    const packDir = path.resolve(values["policy-pack"]);
    const policyPackConfig = values["policy-pack-config"] ? path.resolve(values["policy-pack-config"]) : defaultPackConfig(packDir, stack.stack);
    const engine = readEngine();
    // With --json, stdout carries the document only: the engine's output, and anything the program prints, go to stderr.
    const { write } = process.stdout;
    if (values.json) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
    const result = await runEnginePreview({
        engine, programDir: stack.programDir, stack: stack.stack, packDir, policyPackConfig, traffic: readTraffic(stack, values.traffic === undefined ? undefined : path.resolve(values.traffic)).section,
        onOutput: text => process.stdout.write(text),
    });
    process.stdout.write = write;
    process.stderr.write(result.stderr);
    if (values.json) {
        const { stack: name, exitCode, resources, violations, notes } = result;
        const document = { schemaVersion: JSON_SCHEMA_VERSION, stack: name, exitCode, resources, violations, notes };
        await new Promise(flushed => process.stdout.write(JSON.stringify(document, null, 2) + "\n", flushed));
    }
    return result.exitCode;
}

main(process.argv.slice(2)).then(
    code => process.exit(code),
    error => {
        const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
        process.stderr.write(`engine preview: ${message}\n`);
        process.exit(2);
    },
);
