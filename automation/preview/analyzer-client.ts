/**
 * Talks to a policy pack the way the Pulumi engine does: starts it with
 * `node @pulumi/pulumi/cmd/run-policy-pack <engine> <pack-dir>` (cwd = pack dir, where the SDK
 * reads the pack's version), reads the port it prints and speaks the Analyzer gRPC protocol.
 * Everything a policy sees (enforcement levels, config, remediation, not-applicable) is
 * @pulumi/policy's own server code answering these calls.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { PreviewError } from "./errors";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface PolicyInfo {
    name: string;
    description: string;
    kind: "resource" | "stack";
    enforcementLevel: EnforcementLevel;
    /** JSON-schema properties and required keys of the policy's config, if it takes any. */
    configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export interface PackInfo {
    name: string;
    version: string;
    policies: PolicyInfo[];
    /** Config the pack passed to `new PolicyPack(name, args, initialConfig)`. */
    initialConfig: Record<string, PolicyConfig>;
}

export interface PolicyConfig {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

/** A resource as the Analyzer protocol carries it. */
export interface AnalyzedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    /** Properties in gRPC form: secret signature objects and the unknown sentinel survive as they are. */
    properties: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Its explicit provider, as policies see it in `args.provider` (e.g. a Kubernetes provider's default namespace). */
    provider?: { urn: string; type: string; name: string; properties: Record<string, unknown> };
}

export interface Diagnostic {
    policy: string;
    level: EnforcementLevel;
    urn?: string;
    message: string;
}

export interface Remediation {
    policy: string;
    /** The policy's description. */
    description: string;
    /** The remediated properties, when the policy changed the resource. */
    properties?: Record<string, unknown>;
    /** Why the remediation could not run, when it could not. */
    diagnostic?: string;
}

const LEVELS: Record<number, EnforcementLevel> = {
    [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
    [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES = Object.fromEntries(Object.entries(LEVELS).map(([code, level]) => [level, Number(code)])) as Record<EnforcementLevel, number>;

/** How long a pack may take to print its port (ts-node type-checks it first; about 2 s here). */
const START_TIMEOUT_MS = 60_000;
/** gRPC allows 4 MB by default; the SDK server accepts 400 MB, so a big stack must be able to send that much. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

/** An Analyzer call that ran past the client's deadline: the pack is busy with it and will not answer another call. */
export class PolicyCallTimeout extends PreviewError {
    constructor(readonly method: string, readonly seconds: number) {
        super(`policy pack ${method} did not answer within ${seconds} s (--policy-timeout ${seconds})`);
    }
}

export class PolicyPackClient {
    private constructor(
        private readonly process: ChildProcess,
        private readonly client: analyzerRpc.AnalyzerClient,
        private readonly callTimeoutSeconds?: number,
    ) {}

    /** Starts the pack in packDir and connects to it; callTimeoutSeconds bounds every call after that. */
    static async start(packDir: string, options: { callTimeoutSeconds?: number } = {}): Promise<PolicyPackClient> {
        const dir = path.resolve(packDir);
        let runner: string;
        try {
            runner = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] })), "cmd", "run-policy-pack");
        } catch {
            throw new PreviewError(`policy pack ${dir} cannot resolve @pulumi/pulumi: run npm ci`);
        }
        // The engine address is only used for log messages; there is no engine here, and the pack does not need one to answer.
        const child = spawn(process.execPath, [runner, "127.0.0.1:0", dir], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
        process.once("exit", () => { if (child.exitCode === null) child.kill("SIGKILL"); }); // never outlive the preview, however it ends
        const port = await readPort(child, dir);
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
            "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
        });
        return new PolicyPackClient(child, client, options.callTimeoutSeconds);
    }

    async info(): Promise<PackInfo> {
        const info = await this.call<Empty, analyzerProto.AnalyzerInfo>("getAnalyzerInfo", new Empty());
        const initialConfig: Record<string, PolicyConfig> = {};
        info.getInitialconfigMap().forEach((config, name) => { initialConfig[name] = fromPolicyConfig(config); });
        return {
            name: info.getName(),
            version: info.getVersion(),
            initialConfig,
            policies: info.getPoliciesList().map(p => {
                const schema = p.getConfigschema();
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    kind: p.getPolicyType() === analyzerProto.PolicyType.POLICY_TYPE_STACK ? "stack" : "resource",
                    enforcementLevel: LEVELS[p.getEnforcementlevel()],
                    configSchema: schema && {
                        properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                        required: schema.getRequiredList(),
                    },
                };
            }),
        };
    }

    /** Tells the pack which stack it runs for (the engine sends this before any analysis). */
    async configureStack(project: string, stack: string, config: Record<string, string>, secretKeys: string[]): Promise<void> {
        const request = new analyzerProto.AnalyzerStackConfigureRequest();
        request.setProject(project);
        request.setStack(stack);
        request.setDryRun(true);
        request.setConfigSecretKeysList(secretKeys);
        for (const [key, value] of Object.entries(config)) request.getConfigMap().set(key, value);
        await this.call("configureStack", request);
    }

    /** Sends the reconciled, validated config: enforcement level and properties per policy. */
    async configure(config: Record<string, Required<Pick<PolicyConfig, "enforcementLevel">> & PolicyConfig>): Promise<void> {
        const request = new analyzerProto.ConfigureAnalyzerRequest();
        for (const [name, policyConfig] of Object.entries(config)) {
            const message = new analyzerProto.PolicyConfig();
            message.setEnforcementlevel(LEVEL_CODES[policyConfig.enforcementLevel]);
            message.setProperties(Struct.fromJavaScript((policyConfig.properties ?? {}) as never));
            request.getPolicyconfigMap().set(name, message);
        }
        await this.call("configure", request);
    }

    async analyze(resource: AnalyzedResource): Promise<Diagnostic[]> {
        const request = analyzeRequest(resource);
        const response = await this.call<analyzerProto.AnalyzeRequest, analyzerProto.AnalyzeResponse>("analyze", request);
        return diagnostics(response, resource.urn);
    }

    async remediate(resource: AnalyzedResource): Promise<Remediation[]> {
        const request = analyzeRequest(resource);
        const response = await this.call<analyzerProto.AnalyzeRequest, analyzerProto.RemediateResponse>("remediate", request);
        return response.getRemediationsList().map(r => ({
            policy: r.getPolicyname(),
            description: r.getDescription(),
            properties: r.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
            diagnostic: r.getDiagnostic() || undefined,
        }));
    }

    async analyzeStack(resources: AnalyzedResource[]): Promise<Diagnostic[]> {
        const request = new analyzerProto.AnalyzeStackRequest();
        request.setResourcesList(resources.map(resource => {
            const message = describeResource(new analyzerProto.AnalyzerResource(), resource);
            if (resource.parent) message.setParent(resource.parent);
            message.setDependenciesList(resource.dependencies);
            for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
                const dependencies = new analyzerProto.AnalyzerPropertyDependencies();
                dependencies.setUrnsList(urns);
                message.getPropertydependenciesMap().set(key, dependencies);
            }
            return message;
        }));
        const response = await this.call<analyzerProto.AnalyzeStackRequest, analyzerProto.AnalyzeResponse>("analyzeStack", request);
        return diagnostics(response);
    }

    /** Closes the connection and ends the pack process this client started (SIGKILL: a pack stuck in a policy cannot handle a signal). */
    stop(): void {
        this.client.close();
        if (this.process.exitCode === null) this.process.kill("SIGKILL");
    }

    private call<Request, Response = unknown>(method: string, request: Request): Promise<Response> {
        const invoke = (this.client as unknown as Record<string, Function>)[method].bind(this.client);
        const seconds = this.callTimeoutSeconds;
        const options: grpc.CallOptions = seconds === undefined ? {} : { deadline: Date.now() + seconds * 1000 };
        return new Promise((resolve, reject) => invoke(request, new grpc.Metadata(), options, (error: grpc.ServiceError | null, response: Response) => {
            if (!error) resolve(response);
            else if (error.code === grpc.status.DEADLINE_EXCEEDED && seconds !== undefined) reject(new PolicyCallTimeout(method, seconds));
            else {
                // The SDK puts a policy's stack trace in the details: keep what failed and why, on one line.
                const lines = (error.details || error.message).split("\n").map(l => l.trim()).filter(l => l && !l.startsWith("at "));
                reject(new PreviewError(`policy pack ${method} failed: ${lines.slice(0, 2).join(" ")}`));
            }
        }));
    }
}

/** Analyze and Remediate take the same request: one resource with its options. */
const analyzeRequest = (resource: AnalyzedResource) => describeResource(new analyzerProto.AnalyzeRequest(), resource);

/** The fields an AnalyzeRequest and AnalyzeStack's AnalyzerResource share, provider included. */
function describeResource<Message extends analyzerProto.AnalyzeRequest | analyzerProto.AnalyzerResource>(message: Message, resource: AnalyzedResource): Message {
    message.setType(resource.type);
    message.setName(resource.name);
    message.setUrn(resource.urn);
    message.setProperties(Struct.fromJavaScript(resource.properties as never));
    message.setOptions(resourceOptions(resource));
    if (resource.provider) {
        const provider = new analyzerProto.AnalyzerProviderResource();
        provider.setType(resource.provider.type);
        provider.setName(resource.provider.name);
        provider.setUrn(resource.provider.urn);
        provider.setProperties(Struct.fromJavaScript(resource.provider.properties as never));
        message.setProvider(provider);
    }
    return message;
}

/** The engine always sends options; the SDK refuses requests without them ("A more recent version of the Pulumi CLI is required"). */
function resourceOptions(resource: AnalyzedResource): analyzerProto.AnalyzerResourceOptions {
    const options = new analyzerProto.AnalyzerResourceOptions();
    if (resource.parent) options.setParent(resource.parent);
    return options;
}

function diagnostics(response: analyzerProto.AnalyzeResponse, defaultUrn?: string): Diagnostic[] {
    return response.getDiagnosticsList().map(d => ({
        policy: d.getPolicyname(),
        level: LEVELS[d.getEnforcementlevel()],
        urn: d.getUrn() || defaultUrn,
        message: d.getMessage(),
    }));
}

function fromPolicyConfig(config: analyzerProto.PolicyConfig): PolicyConfig {
    const properties = config.getProperties()?.toJavaScript() as Record<string, unknown> | undefined;
    // An unset level arrives as 0 (advisory); the SDK only sends a PolicyConfig with a level or properties.
    return { enforcementLevel: LEVELS[config.getEnforcementlevel()], properties };
}

function readPort(child: ChildProcess, dir: string): Promise<number> {
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        const fail = (why: string) => {
            clearTimeout(timer);
            if (child.exitCode === null) child.kill();
            // The pack's runner wraps the cause ("Error: [runtime] Running program ... failed"): show the cause.
            const lines = stderr.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map(l => l.trim()).filter(l => l && !l.startsWith("at "));
            const detail = lines.find(l => /error TS\d+/.test(l))
                ?? lines.find(l => /^\w*Error\b/.test(l) && !l.includes("[runtime]")) ?? lines[0] ?? "";
            reject(new PreviewError(`policy pack ${dir} ${why}${detail ? `: ${detail}` : ""}`));
        };
        const timer = setTimeout(() => fail(`printed no port within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
        child.stderr!.on("data", chunk => { stderr += chunk; });
        child.stdout!.on("data", chunk => {
            stdout += chunk;
            const port = /^\s*(\d+)\s*$/m.exec(stdout)?.[1];
            if (port) {
                clearTimeout(timer);
                child.stdout!.removeAllListeners("data");
                child.stdout!.resume();
                resolve(Number(port));
            }
        });
        child.on("exit", code => fail(`exited with code ${code} before it started`));
        child.on("error", error => fail(`could not start (${error.message})`));
    });
}
