/**
 * The real Pulumi engine, offline: where `npm run engine:setup` left the CLI, the environment every
 * CLI run here gets (a local file backend, the stand-in providers' plugin cache, no downloads), and
 * the scratch copy of a project each run works in.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hasNodejsLanguageHost, isExecutable } from "../open-stack";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Everything engine:setup builds or installs lives here, outside the repository, shared by checkouts. */
export const ENGINE_CACHE = process.env.CROSSAZ_ENGINE_CACHE
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "cross-az-platform", "engine");
/** What engine:setup chose, for every later run. */
export const ENGINE_MANIFEST = path.join(ENGINE_CACHE, "engine.json");
/** PULUMI_HOME of engine runs: its plugin cache holds only the stand-ins, never a user's real plugins. */
export const ENGINE_HOME = path.join(ENGINE_CACHE, "home");

export interface EngineManifest {
    /** Absolute path of the `pulumi` binary. */
    pulumi: string;
    /** What `pulumi version` printed, without the v. */
    version: string;
}

/** The engine engine:setup chose; a clear error when setup has not run. */
export function readEngine(): EngineManifest {
    if (!existsSync(ENGINE_MANIFEST)) throw new Error(`no Pulumi engine set up in ${ENGINE_CACHE}: run npm run engine:setup`);
    const manifest = JSON.parse(readFileSync(ENGINE_MANIFEST, "utf8")) as EngineManifest;
    if (!isExecutable(manifest.pulumi)) throw new Error(`${manifest.pulumi} (from ${ENGINE_MANIFEST}) is gone: run npm run engine:setup`);
    return manifest;
}

/** Whether the engine runs programs through its own Node.js language host: beside the binary, since engine runs ignore ambient plugins. */
export function engineHasLanguageHost(engine: EngineManifest): boolean {
    return hasNodejsLanguageHost(engine.pulumi, { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" });
}

/**
 * The environment of every engine run: the engine's own binary first on PATH, then this project's
 * node_modules/.bin (its Node.js 24 for the language host, the stand-ins and the pack), the
 * stand-ins' plugin cache, a local file backend, a passphrase, and nothing fetched from the network.
 */
export function engineEnv(engine: EngineManifest, backendDir: string): Record<string, string> {
    return {
        PATH: [path.dirname(engine.pulumi), path.join(PROJECT_ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(path.delimiter),
        PULUMI_HOME: ENGINE_HOME,
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: "offline-engine",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        // A user's own aws or kubernetes plugin on PATH must not replace a stand-in.
        PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
        // The stand-in launchers in the plugin cache run the stand-ins of this checkout.
        CROSSAZ_ENGINE_ROOT: PROJECT_ROOT,
        NO_COLOR: "1",
    };
}

/**
 * A copy of a Pulumi project to run the engine in, so creating stacks there never writes to the
 * original's Pulumi.<stack>.yaml. node_modules is linked, not copied: the program's own when it has
 * one, else this project's (as the offline preview resolves them). The backend lives beside it.
 */
export interface Scratch { dir: string; backendDir: string; remove(): void }

export function scratchCopy(programDir: string): Scratch {
    const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "crossaz-engine-")));
    const dir = path.join(root, path.basename(programDir));
    cpSync(programDir, dir, {
        recursive: true,
        filter: source => !["node_modules", ".git"].includes(path.basename(source)),
    });
    const ownModules = path.join(programDir, "node_modules");
    symlinkSync(existsSync(ownModules) ? realpathSync(ownModules) : path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
    const backendDir = path.join(root, "state");
    mkdirSync(backendDir);
    return { dir, backendDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

