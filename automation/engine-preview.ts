/**
 * npm run engine:preview -- [flags]   (npm run engine:preview -- --help lists them: commands.ts)
 *
 * A real `pulumi preview --policy-pack` of a program on the engine `npm run engine:setup` set up,
 * in a scratch copy on a local file backend, with the stand-in providers as the cloud: the same
 * flags and defaults as preview:offline, so both run side by side on one program. Prints the
 * engine's own output and exits with the CLI's exit code; 2 with one line for a usage error.
 * --format json (--json) prints {schemaVersion, stack, exitCode, resources:[{urn,type,name}], violations:[{policy,level,urn,message}], notes}
 * instead, the engine's output going to stderr.
 */
import * as path from "node:path";
import { ENGINE_PREVIEW, formatOf } from "./commands";
import { readEngine } from "./engine/engine";
import { runEnginePreview } from "./engine/preview";
import { helpText, parseCommand } from "./flags";
import { loadStackSettings } from "./preview/project";
import { JSON_SCHEMA_VERSION } from "./preview/report";
import { defaultPackConfig, readTraffic } from "./preview/run-preview";

async function main(argv: string[]): Promise<number> {
    const parsed = parseCommand(ENGINE_PREVIEW, argv);
    if (parsed.help) {
        await new Promise(flushed => process.stdout.write(helpText(ENGINE_PREVIEW) + "\n", flushed));
        return 0;
    }
    const { values } = parsed;
    const json = formatOf(values) === "json";
    const stack = loadStackSettings(values.program, values.stack); // the offline preview's checks and messages
    const packDir = path.resolve(values["policy-pack"]);
    const policyPackConfig = values["policy-pack-config"] ? path.resolve(values["policy-pack-config"]) : defaultPackConfig(packDir, stack.stack);
    const engine = readEngine();
    // With --json, stdout carries the document only: the engine's output, and anything the program prints, go to stderr.
    const { write } = process.stdout;
    if (json) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
    const result = await runEnginePreview({
        engine, programDir: stack.programDir, stack: stack.stack, packDir, policyPackConfig, traffic: readTraffic(stack, values.traffic === undefined ? undefined : path.resolve(values.traffic)).section,
        onOutput: text => process.stdout.write(text),
    });
    process.stdout.write = write;
    process.stderr.write(result.stderr);
    if (json) {
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
