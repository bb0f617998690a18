/**
 * npm run pack-config -- --stack prod [--program DIR] [--policy-pack-config FILE] [--check]   (flags: commands.ts)
 *
 * Writes the stack's `traffic` section into the pack config `policies/config/<stack>.json`, as the
 * `traffic` property of every policy whose configSchema takes one. `pulumi preview --policy-pack`
 * cannot read stack config (a pack sees only its own config), so this is how real previews price
 * their findings with the stack's volumes, as the offline preview does. Every other entry of the
 * file stays as written. --check changes nothing: exit 1 when the file is not what it would write.
 * Exit 2: usage or config error (one line on stderr).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { allPolicies } from "../policies/rules";
import { PACK_CONFIG } from "./commands";
import { helpText, parseCommand, UsageError } from "./flags";
import { PreviewError, oneLine } from "./preview/errors";
import { loadStackSettings } from "./preview/project";
import { PROJECT_ROOT, readTraffic } from "./preview/run-preview";

/** The pack config file's entries with `traffic` set (or, when the stack has none, removed) for the policies that take it. */
function withTraffic(entries: Record<string, unknown>, traffic: unknown): Record<string, unknown> {
    const result = { ...entries };
    for (const policy of allPolicies) {
        if (policy.configSchema?.properties.traffic === undefined) continue;
        const given = result[policy.name];
        const entry: Record<string, unknown> = typeof given === "string" ? { enforcementLevel: given } : { ...(given as Record<string, unknown> | undefined) };
        if (traffic === undefined) delete entry.traffic;
        else entry.traffic = traffic;
        result[policy.name] = Object.keys(entry).length === 1 && typeof entry.enforcementLevel === "string" ? entry.enforcementLevel : entry;
    }
    return result;
}

function main(argv: string[]): number {
    const parsed = parseCommand(PACK_CONFIG, argv);
    if (parsed.help) {
        process.stdout.write(helpText(PACK_CONFIG) + "\n");
        return 0;
    }
    const { values } = parsed;
    const stack = loadStackSettings(values.program, values.stack!); // required: parseCommand refuses argv without it
    const file = path.resolve(values["policy-pack-config"] ?? path.join(PROJECT_ROOT, "policies", "config", `${stack.stack}.json`));
    let entries: Record<string, unknown> = {};
    if (existsSync(file)) {
        try {
            entries = JSON.parse(readFileSync(file, "utf8"));
        } catch (error) {
            throw new PreviewError(`--policy-pack-config ${file} is not valid JSON: ${oneLine(error)}`);
        }
    }
    const wanted = JSON.stringify(withTraffic(entries, readTraffic(stack).section), null, 2) + "\n";
    const relative = path.relative(process.cwd(), file);
    if (existsSync(file) && readFileSync(file, "utf8") === wanted) {
        process.stdout.write(`${relative} is up to date with the traffic of Pulumi.${stack.stack}.yaml\n`);
        return 0;
    }
    if (values.check) {
        process.stderr.write(`${relative} is out of date with the traffic of Pulumi.${stack.stack}.yaml: run npm run pack-config -- --stack ${stack.stack}\n`);
        return 1;
    }
    writeFileSync(file, wanted);
    process.stdout.write(`wrote ${relative} with the traffic of Pulumi.${stack.stack}.yaml\n`);
    return 0;
}

try {
    process.exitCode = main(process.argv.slice(2));
} catch (error) {
    process.stderr.write(`pack-config: ${error instanceof PreviewError || error instanceof UsageError ? error.message : oneLine(error)}\n`);
    process.exitCode = 2;
}
