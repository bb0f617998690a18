/**
 * Runs a Pulumi program in this process under the mock runtime in preview mode and records
 * every resource registration as the engine would see it: the serialized inputs (secrets and
 * unknowns marked), parent, dependencies and which resource each input came from.
 *
 * The mock `newResource` callback sees neither parent nor dependencies, so the recording wraps
 * the mock monitor's registerResource and reads the RegisterResourceRequest itself.
 */
import Module from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { PreviewError, oneLine } from "./errors";
import { OfflineMocks } from "./mocks";
import { StackSettings } from "./project";

/** One registered resource, as the Analyzer protocol describes it. */
export interface RegisteredResource {
    urn: string;
    type: string;
    name: string;
    /** Parent URN; the root stack resource has none. */
    parent?: string;
    custom: boolean;
    /** A multi-language component (eks.Cluster, awsx): its children are built elsewhere and stay invisible offline. */
    remote: boolean;
    /** The fake id a custom resource got. */
    id?: string;
    /** Inputs as they travel over gRPC: secrets wrapped in the secret signature, unknowns as the unknown sentinel. */
    inputs: Record<string, unknown>;
    /** The state the mocks answered with: inputs plus fake outputs (arn, name, endpoint, ...). */
    outputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** URN of its explicit provider (a `pulumi:providers:*` resource also recorded here), if it has one. */
    providerUrn?: string;
    /** Where the program declared it (sourcePositionOf), when known. */
    source?: SourcePosition;
}

/** A position in a program file: the absolute path and its 1-based line and column. */
export interface SourcePosition { file: string; line: number; column: number }

export interface ProgramRun {
    resources: RegisteredResource[];
    /** Things the reader should know, e.g. invokes answered without an offline value. */
    notes: string[];
}

/** Where this tool's own @pulumi/* packages live: programs elsewhere resolve them from here. */
const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

interface ProtoPosition { getUri(): string; getLine(): number; getColumn(): number }
interface MonitorRequest {
    getSourceposition(): ProtoPosition | undefined;
    getStacktrace(): { getFramesList(): { getPc(): ProtoPosition | undefined }[] } | undefined;
    getType(): string; getName(): string; getParent(): string; getCustom(): boolean; getRemote(): boolean; getProvider(): string;
    getDependenciesList(): string[]; getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getPropertydependenciesMap(): { forEach(f: (value: { getUrnsList(): string[] }, key: string) => void): void };
}
interface MonitorResponse { getUrn(): string; getId(): string; getObject(): { toJavaScript(): Record<string, unknown> } | undefined }
type Callback = (error: unknown, response?: MonitorResponse) => void;
interface MockMonitorInternals {
    registerResource(request: MonitorRequest, callback: Callback): Promise<void>;
    newUrn(parent: string, type: string, name: string): string;
}

/** newStack: run as the first preview of a stack with nothing deployed (see OfflineMocksOptions). */
export async function runProgram(stack: StackSettings, options: { newStack?: boolean } = {}): Promise<ProgramRun> {
    const notes: string[] = [];
    const resources: RegisteredResource[] = [];
    const region = stack.config["aws:region"] ?? "us-east-1";
    const mocks = new OfflineMocks({
        region,
        newStack: options.newStack,
        onUnansweredInvoke: token => notes.push(`invoke ${token} has no offline answer; the program got its own arguments back`),
    });

    process.chdir(stack.programDir); // programs read files (YAML manifests) relative to their project, as under `pulumi`
    pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
    await pulumi.runtime.setMocks(mocks, stack.project, stack.stack, true);
    recordRegistrations(settings.getMonitor() as unknown as MockMonitorInternals, resources, stack.programDir);
    const restoreResolution = resolveFromProjectAsFallback(stack.programDir);
    const restoreProcess = isolateFromProcess();

    let asyncFailure: unknown;
    const onAsyncFailure = (error: unknown) => { asyncFailure ??= error; };
    process.on("unhandledRejection", onAsyncFailure);
    process.on("uncaughtException", onAsyncFailure);
    try {
        await pulumi.runtime.runInPulumiStack(async () => runModule(require(stack.entry)));
        await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    } catch (error) {
        asyncFailure ??= error;
    } finally {
        // A failed program or registration also rejects promises nobody awaits; let them arrive here, not crash the process.
        await new Promise(resolve => setImmediate(resolve));
        process.off("unhandledRejection", onAsyncFailure);
        process.off("uncaughtException", onAsyncFailure);
        restoreProcess();
        restoreResolution();
    }
    if (asyncFailure !== undefined) throw new PreviewError(`program ${stack.programDir} failed: ${oneLine(asyncFailure)}`);
    return { resources, notes };
}

/**
 * What Pulumi runs of a program's module: its default export when that is all it exports (an
 * ES-style `export default` compiled to CommonJS), called and awaited when it is a function; what
 * that gives is the stack's outputs.
 */
export async function runModule(exported: any): Promise<Record<string, unknown> | void> {
    if (exported && typeof exported === "object" && Object.keys(exported).length === 1 && "default" in exported) exported = exported.default;
    return typeof exported === "function" ? await exported() : exported;
}

/** Wraps the mock monitor so every successful registration is recorded with its request's graph facts and source position. */
function recordRegistrations(monitor: MockMonitorInternals, into: RegisteredResource[], programDir: string): void {
    const originalNewUrn = monitor.newUrn.bind(monitor);
    // The engine qualifies a type with its parent's whole qualified type (a component's component's
    // child is `Outer$Inner$aws:...`), leaving the root stack out; the mock monitor takes only the
    // parent's own type, and keeps the root stack.
    monitor.newUrn = (parent, type, name) => {
        const parentType = parent ? parent.split("::")[2] : ROOT_STACK_TYPE;
        return originalNewUrn("", parentType === ROOT_STACK_TYPE ? type : `${parentType}$${type}`, name);
    };

    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) => register(request, (error, response) => {
        if (!error && response) {
            const propertyDependencies: Record<string, string[]> = {};
            request.getPropertydependenciesMap().forEach((value, key) => { propertyDependencies[key] = value.getUrnsList(); });
            const parent = request.getParent() || undefined;
            into.push({
                urn: response.getUrn(),
                type: request.getType(),
                name: request.getName(),
                parent,
                custom: request.getCustom(),
                remote: request.getRemote(),
                id: request.getCustom() ? response.getId() || undefined : undefined,
                inputs: request.getObject()?.toJavaScript() ?? {},
                outputs: response.getObject()?.toJavaScript() ?? {},
                dependencies: request.getDependenciesList(),
                propertyDependencies,
                providerUrn: providerUrnOf(request.getProvider()),
                source: sourcePositionOf(request, programDir) ?? into.find(r => r.urn === parent)?.source,
            });
        }
        callback(error, response);
    });
}

/** This tool's own files: the runtime's frames run through them (runInPulumiStack), they are not the program's. */
const TOOL_DIR = path.join(PROJECT_ROOT, "automation");

/**
 * Where the program declared a resource: the first frame of the registration's stack trace that is
 * the program's own code (in its directory, outside node_modules and this tool). The SDK's
 * sourcePosition is that trace's first frame, the caller of the resource's constructor; a
 * resource a library declares (a YAML manifest's objects, an awsx child) has a later frame, or
 * none when the library built it in a callback (then its parent's position stands for it).
 * Both come from the constructor's `new Error().stack`: frames without "(file:line:column)" give
 * none, and lines are the TypeScript ones because tsx enables source maps.
 */
function sourcePositionOf(request: MonitorRequest, programDir: string): SourcePosition | undefined {
    const frames = request.getStacktrace()?.getFramesList().map(frame => frame.getPc()) ?? [request.getSourceposition()];
    for (const position of frames) {
        if (!position?.getUri().startsWith("file:")) continue;
        const file = fileURLToPath(position.getUri());
        const inside = (dir: string) => file.startsWith(dir + path.sep);
        if (inside(programDir) && !inside(TOOL_DIR) && !file.split(path.sep).includes("node_modules")) {
            return { file, line: position.getLine(), column: position.getColumn() };
        }
    }
    return undefined;
}

/**
 * While the program runs, what it prints goes to stderr (stdout carries only the report, `--json`
 * included) and `process.exit` fails the program instead of ending the preview. Returns the undo.
 */
function isolateFromProcess(): () => void {
    const { write } = process.stdout;
    const { exit } = process;
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
    process.exit = ((code?: number) => {
        throw new Error(`it called process.exit(${code ?? ""}); a Pulumi program ends by returning`);
    }) as typeof process.exit;
    return () => {
        process.stdout.write = write;
        process.exit = exit;
    };
}

/** A provider reference is `<urn>::<id>`; the URN is everything before the last `::`. */
function providerUrnOf(reference: string): string | undefined {
    return reference ? reference.slice(0, reference.lastIndexOf("::")) : undefined;
}

/**
 * Lets a program outside this project use this project's packages: `@pulumi/pulumi` always
 * resolves to the instance the mocks are installed in, anything else the program's own
 * node_modules cannot provide is looked up here. Returns a function that undoes it.
 */
export function resolveFromProjectAsFallback(programDir: string): () => void {
    type Resolve = (request: string, parent: NodeModule | undefined, isMain: boolean, options?: unknown) => string;
    const moduleInternals = Module as unknown as { _resolveFilename: Resolve };
    const original = moduleInternals._resolveFilename;
    const fromProgram = (parent: NodeModule | undefined) => !!parent?.filename && parent.filename.startsWith(programDir + path.sep)
        && !parent.filename.includes(`${path.sep}node_modules${path.sep}`);
    moduleInternals._resolveFilename = function (this: unknown, request, parent, isMain, options) {
        const fromProject = () => original.call(this, request, parent, isMain, { paths: [PROJECT_ROOT] });
        // One @pulumi/pulumi for everyone, the program's own node_modules included: the mocks live in its runtime state.
        if (request === "@pulumi/pulumi" || request.startsWith("@pulumi/pulumi/")) return fromProject();
        try {
            return original.call(this, request, parent, isMain, options);
        } catch (error) {
            if (fromProgram(parent) && !request.startsWith(".") && !path.isAbsolute(request)) return fromProject();
            throw error;
        }
    };
    return () => { moduleInternals._resolveFilename = original; };
}
