/**
 * npm run engine:setup
 *
 * Makes the real Pulumi engine available offline, in ENGINE_CACHE (outside the repository):
 * - a `pulumi` of a suitable version already on PATH, with its Node.js language host, is used as is;
 * - else the CLI is built with `go` from the Go module proxy, version-stamped, with the Node.js
 *   language host beside it when the proxy serves that module;
 * - the stand-in `aws` and `kubernetes` providers are installed in the engine's own plugin cache
 *   at the versions of @pulumi/aws and @pulumi/kubernetes in node_modules.
 * A second run with everything in place takes seconds. Prints what it did and how long it took.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LANGUAGE_HOST, hasNodejsLanguageHost, which } from "../open-stack";
import { ENGINE_CACHE, ENGINE_HOME, ENGINE_MANIFEST, EngineManifest, PROJECT_ROOT, engineHasLanguageHost } from "./engine";
import { standInVersion } from "./standin-provider";

const CLI_MODULE = "github.com/pulumi/pulumi/pkg/v3";
const SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3";
const LANGUAGE_HOST_MODULE = "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3";
/**
 * The newest CLI that starts a Node.js policy pack without a Node.js language host (through the
 * `pulumi-analyzer-policy-nodejs` plugin). From v3.274.0 on the CLI starts packs only through the
 * language host (pkg/resource/plugin/analyzer_plugin.go), so without one it cannot run the pack.
 */
const NEWEST_CLI_WITHOUT_LANGUAGE_HOST = "3.260.0";
/** Same as the CLI's own go.mod: the clipboard module is replaced by Pulumi's fork. */
const CLIPBOARD_REPLACE = "github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e";

const started = Date.now();
const log = (line: string) => process.stdout.write(`engine:setup: ${line}\n`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function main(): void {
    const sdk = packageVersion("@pulumi/pulumi");
    log(`@pulumi/pulumi ${sdk} in node_modules; engine cache ${ENGINE_CACHE}`);
    const engine = usableCliOnPath(sdk) ?? buildCli(sdk);
    mkdirSync(ENGINE_CACHE, { recursive: true });
    writeFileSync(ENGINE_MANIFEST, JSON.stringify(engine, null, 2) + "\n");
    installPlugins(engine);
    log(`ready in ${seconds(started)}: ${engine.pulumi} v${engine.version}, Node.js language host: ${engineHasLanguageHost(engine) ? "yes" : `no (programs run as inline Automation API programs)`}`);
}

/** A `pulumi` on PATH at least as new as the SDK, with its language host: the user's own install. */
function usableCliOnPath(sdk: string): EngineManifest | undefined {
    const pulumi = which("pulumi");
    if (!pulumi || realpathSync(pulumi).startsWith(ENGINE_CACHE + path.sep)) return undefined;
    const version = cliVersion(pulumi);
    if (compareVersions(version, sdk) < 0) {
        log(`${pulumi} is v${version}, older than the SDK (${sdk}): building one instead`);
        return undefined;
    }
    if (!hasNodejsLanguageHost(pulumi)) {
        log(`${pulumi} v${version} has no ${LANGUAGE_HOST} beside it or on PATH: building one instead`);
        return undefined;
    }
    log(`using ${pulumi} v${version} from PATH (no build)`);
    return { pulumi, version };
}

function buildCli(sdk: string): EngineManifest {
    if (!which("go")) throw new Error("neither a suitable pulumi nor go is on PATH: install the Pulumi CLI, or Go to build it");
    const hostServed = goModuleServed(LANGUAGE_HOST_MODULE, "latest");
    const wanted = hostServed ? sdk : NEWEST_CLI_WITHOUT_LANGUAGE_HOST;
    if (!hostServed) {
        log(`${LANGUAGE_HOST_MODULE} is not served by the Go module proxy; the CLI that can start a policy pack without it is v${NEWEST_CLI_WITHOUT_LANGUAGE_HOST} (SDK ${sdk})`);
    }
    const version = servedCliVersion(wanted);
    if (version !== wanted) log(`${CLI_MODULE}@v${wanted} is not served: using the nearest served version, v${version}`);

    const binDir = path.join(ENGINE_CACHE, `pulumi-v${version}`, "bin");
    const pulumi = path.join(binDir, "pulumi");
    if (existsSync(pulumi) && cliVersion(pulumi) === version && (!hostServed || existsSync(path.join(binDir, LANGUAGE_HOST)))) {
        log(`pulumi v${version} already built in ${binDir}`);
        return { pulumi, version };
    }
    const moduleDir = path.join(ENGINE_CACHE, "go", `pulumi-v${version}`);
    mkdirSync(moduleDir, { recursive: true });
    const packages = [`${CLI_MODULE}/cmd/pulumi`, ...(hostServed ? [LANGUAGE_HOST_MODULE] : [])];
    writeFileSync(path.join(moduleDir, "go.mod"), [
        "module offline.invalid/pulumi-engine", "", "go 1.25", "",
        `require ${CLI_MODULE} v${version}`, `require ${SDK_MODULE} v${version}`, "",
        `replace ${CLIPBOARD_REPLACE}`, "",
    ].join("\n"));
    writeFileSync(path.join(moduleDir, "tools.go"), [
        "//go:build tools", "", "// The binaries engine:setup builds.", "package tools", "",
        "import (", ...packages.map(p => `\t_ "${p}"`), ")", "",
    ].join("\n"));
    const tidyStarted = Date.now();
    log(`resolving ${packages.join(" and ")} at v${version} (go mod tidy in ${moduleDir})`);
    if (hostServed) go(["get", `${LANGUAGE_HOST_MODULE}@latest`], moduleDir);
    go(["mod", "tidy"], moduleDir);
    log(`resolved in ${seconds(tidyStarted)}`);
    for (const pkg of packages) {
        const buildStarted = Date.now();
        const output = path.join(binDir, pkg === LANGUAGE_HOST_MODULE ? LANGUAGE_HOST : "pulumi");
        log(`building ${output} (several minutes on a cold Go build cache)`);
        go(["build", "-trimpath", "-tags", "osusergo,grpcnotrace",
            "-ldflags", `-w -s -X ${SDK_MODULE}/go/common/version.Version=v${version}`, "-o", output, pkg], moduleDir);
        log(`built in ${seconds(buildStarted)}`);
    }
    return { pulumi, version: cliVersion(pulumi) };
}

/** Launchers in the engine's plugin cache: the stand-in providers and, for a CLI without a language host, the policy-pack shim. */
function installPlugins(engine: EngineManifest): void {
    const launchers = path.join(ENGINE_CACHE, "launchers");
    mkdirSync(launchers, { recursive: true });
    const env = { ...process.env, PULUMI_HOME: ENGINE_HOME, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const install = (kind: string, name: string, version: string, script: string) => {
        const file = path.join(launchers, `pulumi-${kind}-${name}`);
        const installed = path.join(ENGINE_HOME, "plugins", `${kind}-${name}-v${version}`, `pulumi-${kind}-${name}`);
        if (existsSync(installed) && readFileSync(installed, "utf8") === script) return;
        writeFileSync(file, script, { mode: 0o755 });
        execFileSync(engine.pulumi, ["plugin", "install", kind, name, version, "--file", file, "--reinstall"], { env, stdio: "pipe" });
        log(`installed ${kind} plugin ${name} v${version}`);
    };
    for (const pkg of ["aws", "kubernetes"] as const) {
        install("resource", pkg, standInVersion(pkg), [
            "#!/bin/sh",
            `# Stand-in ${pkg} provider for cross-az-platform's engine tests: no cloud, fake ids and outputs.`,
            "# Runs automation/engine/standin-provider.ts of the checkout the engine run names in CROSSAZ_ENGINE_ROOT.",
            `cd "\${CROSSAZ_ENGINE_ROOT:?names the cross-az-platform checkout}" && exec node --import tsx automation/engine/standin-provider.ts ${pkg} "$@"`,
            "",
        ].join("\n"));
    }
    if (!engineHasLanguageHost(engine)) {
        install("analyzer", "policy-nodejs", engine.version, [
            "#!/bin/sh",
            "# How a Pulumi CLI without a Node.js language host starts a Node.js policy pack: in the pack's",
            "# directory, with <engine address> . [-option=value ...]; the pack's own @pulumi/pulumi runs it.",
            `runner=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [process.cwd()] }))') || exit 1`,
            `exec node "$runner" "$@"`,
            "",
        ].join("\n"));
    }
}

function packageVersion(name: string): string {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`, { paths: [PROJECT_ROOT] }), "utf8")) as { version: string }).version;
}

function cliVersion(pulumi: string): string {
    return execFileSync(pulumi, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim().replace(/^v/, "");
}

function go(args: string[], cwd: string): string {
    return execFileSync("go", args, {
        cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, CGO_ENABLED: "0", GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod -buildvcs=false" },
    });
}

function goModuleServed(module: string, version: string): boolean {
    const scratch = path.join(os.tmpdir(), "crossaz-engine-probe");
    mkdirSync(scratch, { recursive: true });
    try {
        execFileSync("go", ["mod", "download", "-json", `${module}@${version}`], { cwd: scratch, stdio: "ignore", env: { ...process.env, GOFLAGS: "" } });
        return true;
    } catch {
        return false;
    }
}

/** The wanted CLI version if the proxy serves it, else the served version nearest to it (newer first on a tie). */
function servedCliVersion(wanted: string): string {
    if (goModuleServed(CLI_MODULE, `v${wanted}`)) return wanted;
    const listed = go(["list", "-m", "-versions", CLI_MODULE], os.tmpdir()).trim().split(/\s+/).slice(1).map(v => v.replace(/^v/, ""));
    if (listed.length === 0) throw new Error(`the Go module proxy serves no version of ${CLI_MODULE}`);
    const distance = (v: string) => Math.abs(minor(v) - minor(wanted));
    return listed.sort((a, b) => distance(a) - distance(b) || compareVersions(b, a))[0];
}

const minor = (version: string) => Number(version.split(".")[1]);

function compareVersions(a: string, b: string): number {
    const parts = (v: string) => v.split(/[.-]/).slice(0, 3).map(Number);
    const [pa, pb] = [parts(a), parts(b)];
    for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
    return 0;
}

if (require.main === module) {
    try {
        main();
    } catch (error) {
        process.stderr.write(`engine:setup: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    }
}
