// CLI: npm run ci -- preview|up --stack NAME [--stack NAME ...] [flags]   (--help lists them: commands.ts)
import { existsSync, appendFileSync } from "node:fs";
import * as path from "node:path";
import { MissingCliError, Operation, exitCode, runStacks } from "./ci-driver";
import { summaryJson, summaryMarkdown } from "./ci-summary";
import { CI } from "./commands";
import { UsageError, helpText, parseCommand } from "./flags";
import { openStack } from "./open-stack";
import { stacksIn } from "./preview/project";

const projectRoot = path.resolve(__dirname, "..");

function usageError(message: string): never {
    process.stderr.write(`${message}\n`);
    process.exit(2);
}

async function main(): Promise<number> {
    let parsed;
    try {
        parsed = parseCommand(CI, process.argv.slice(2));
    } catch (err) {
        if (err instanceof UsageError) usageError(err.message);
        throw err;
    }
    if (parsed.help) {
        process.stdout.write(helpText(CI) + "\n");
        return 0;
    }
    const { values } = parsed;
    const operation = parsed.positional as Operation;
    // A mistyped stack would otherwise be created and deployed with every default.
    const missing = values.stack.filter(stack => !existsSync(path.join(projectRoot, `Pulumi.${stack}.yaml`)));
    if (missing.length > 0) {
        usageError(`${missing.map(stack => `--stack ${stack} has no Pulumi.${stack}.yaml`).join("; ")} in ${projectRoot} (stacks here: ${stacksIn(projectRoot).join(", ") || "none"})`);
    }
    const parallel = Number(values.parallel);

    const reports = await runStacks({
        operation,
        stacks: values.stack,
        parallel,
        // The program goes through the language host of the `pulumi` on PATH, or runs inline when that CLI has none.
        openStack: (stackName) => openStack({ dir: projectRoot, stackName }),
        policyPackPath: path.join(projectRoot, "policies"),
        policyConfigFor: (stack) => {
            const file = path.join(projectRoot, "policies", "config", `${stack}.json`);
            return existsSync(file) ? file : undefined;
        },
        // --json owns stdout: engine output goes to stderr so the document stays parseable.
        write: values.json ? (line) => process.stderr.write(line + "\n") : undefined,
    });
    const summaryFile = values.summary ?? process.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) appendFileSync(summaryFile, summaryMarkdown(reports) + "\n");
    if (values.json) process.stdout.write(JSON.stringify(summaryJson(reports), null, 2) + "\n");
    else process.stderr.write(summaryMarkdown(reports) + "\n");
    return exitCode(reports);
}

main().then(
    (code) => process.exit(code),
    (err) => {
        if (err instanceof MissingCliError) {
            process.stderr.write(err.message + "\n");
            process.exit(2);
        }
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    },
);
