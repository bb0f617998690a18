/**
 * How a stack's program reaches the Pulumi CLI the tools here drive (the CI driver, the engine
 * tests): through the CLI's Node.js language host, `pulumi-language-nodejs`, as `pulumi up` runs
 * it; or, when that CLI has no language host beside it (one built by `npm run engine:setup` where
 * the Go module proxy does not serve the host), as an inline Automation API program, run in this
 * process by the SDK's own language server the way the language host would run it.
 */
import { accessSync, constants, realpathSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { projectOf } from "./preview/project";
import { resolveFromProjectAsFallback, runModule } from "./preview/run-program";

export const LANGUAGE_HOST = "pulumi-language-nodejs";

/**
 * Opens (creating it if needed) a stack of the project in `dir`: a local program when the CLI
 * (`pulumiCommand`, else `pulumi` on PATH) has a Node.js language host, else an inline program.
 */
export async function openStack(options: {
    dir: string;
    stackName: string;
    pulumiCommand?: PulumiCommand;
    envVars?: Record<string, string>;
}): Promise<Stack> {
    const { dir, stackName, pulumiCommand, envVars } = options;
    const env = { ...process.env, ...envVars };
    const pulumi = pulumiCommand?.command ?? which("pulumi", env.PATH);
    const workspaceOptions = { workDir: dir, pulumiCommand, envVars };
    // No CLI at all: the local-program path reports it the way the Automation API does.
    if (!pulumi || hasNodejsLanguageHost(pulumi, env)) {
        return LocalWorkspace.createOrSelectStack({ stackName, workDir: dir }, workspaceOptions);
    }
    return LocalWorkspace.createOrSelectStack({ stackName, projectName: projectOf(dir).name, program: inlineProgram(dir) }, workspaceOptions);
}

/**
 * Whether this `pulumi` runs Node.js programs and policy packs itself: its language host sits
 * next to the binary (where the CLI looks first) or, unless ambient plugins are ignored, on PATH.
 */
export function hasNodejsLanguageHost(pulumi: string, env: NodeJS.ProcessEnv = process.env): boolean {
    if (isExecutable(path.join(path.dirname(realpathSync(pulumi)), LANGUAGE_HOST))) return true;
    if (env.PULUMI_IGNORE_AMBIENT_PLUGINS) return false;
    return which(LANGUAGE_HOST, env.PATH) !== undefined;
}

/**
 * The program as the language host runs it: from the project directory, the module loaded afresh
 * for every run (an update after a preview runs it again), then run as the offline preview runs it.
 */
export function inlineProgram(dir: string): () => Promise<Record<string, unknown> | void> {
    const { entry } = projectOf(dir);
    return async () => {
        process.chdir(dir); // programs read files relative to their project
        for (const loaded of Object.keys(require.cache)) {
            if (loaded.startsWith(dir + path.sep) && !loaded.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[loaded];
        }
        // Loading is synchronous, so concurrent stacks never see each other's resolution hook.
        const restore = resolveFromProjectAsFallback(dir);
        let exported;
        try {
            exported = require(entry);
        } finally {
            restore();
        }
        return runModule(exported);
    };
}

/** The first executable of that name on PATH. */
export function which(command: string, searchPath = process.env.PATH): string | undefined {
    return (searchPath ?? "").split(path.delimiter).filter(Boolean).map(dir => path.join(dir, command)).find(isExecutable);
}

export function isExecutable(file: string): boolean {
    try {
        accessSync(file, constants.X_OK);
        return true;
    } catch {
        return false;
    }
}
