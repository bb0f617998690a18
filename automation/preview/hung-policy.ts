/**
 * What did not finish, after an Analyzer call ran past its deadline. The pack answers one call at
 * a time per policy run and a looping policy never yields, so every call in flight times out with
 * it: the one that timed out first need not be the culprit. A fresh pack therefore goes over the
 * same resources one call at a time until one times out, then runs each policy alone on it.
 */
import { AnalyzedResource, PackInfo, PolicyCallTimeout, PolicyPackClient } from "./analyzer-client";
import { PreviewError } from "./errors";
import { ResolvedPolicyConfig } from "./policy-config";

/** Starts a pack configured for the stack as the preview's is. */
export type StartPack = () => Promise<PolicyPackClient>;

type Method = "analyze" | "remediate" | "analyzeStack";

/** The config with every policy but `policy` disabled. */
function onlyPolicy(config: ResolvedPolicyConfig, policy: string): ResolvedPolicyConfig {
    return Object.fromEntries(Object.entries(config).map(([name, c]) => [name, name === policy ? c : { ...c, enforcementLevel: "disabled" as const }]));
}

/**
 * The error to report for `timeout`: the policy by name and the resource (or the stack) it did
 * not finish, when running it alone reproduces the hang; else the resource and the pack.
 */
export async function explainTimeout(timeout: PolicyCallTimeout, info: PackInfo, config: ResolvedPolicyConfig, startPack: StartPack, subjects: AnalyzedResource[]): Promise<PreviewError> {
    const method = timeout.method as Method;
    const within = `within ${timeout.seconds} s (--policy-timeout ${timeout.seconds})`;
    const kind = method === "analyzeStack" ? "stack" : "resource";
    const candidates = info.policies.filter(p => p.kind === kind).map(p => p.name);
    const call = (pack: PolicyPackClient, resource: AnalyzedResource) => method === "analyzeStack" ? pack.analyzeStack(subjects) : pack[method](resource);
    const what = (resource: AnalyzedResource) => method === "analyzeStack" ? `the stack (${subjects.length} resources)` : `${resource.type} '${resource.name}' (${resource.urn})`;

    let hung: AnalyzedResource | undefined;
    if (method === "analyzeStack") {
        hung = subjects[0];
    } else {
        hung = await firstToHang(startPack, subjects, call);
        if (!hung) return new PreviewError(`policy pack ${method} did not finish ${within} with calls in parallel, and finished each resource alone: raise --policy-timeout`);
    }
    // One pack, reconfigured per policy, until a policy hangs it.
    const pack = await startPack();
    try {
        for (const policy of candidates) {
            await pack.configure(onlyPolicy(config, policy));
            try {
                await call(pack, hung);
            } catch (error) {
                if (error instanceof PolicyCallTimeout) return new PreviewError(`policy ${policy} did not finish analyzing ${what(hung)} ${within}`);
                // Errors other than the hang are not what is being explained here.
            }
        }
    } finally {
        pack.stop();
    }
    return new PreviewError(`policy pack ${info.name} did not finish analyzing ${what(hung)} ${within} (no single policy does on its own)`);
}

/** One call at a time on a fresh pack: the first resource whose call times out. */
async function firstToHang(startPack: StartPack, resources: AnalyzedResource[], call: (pack: PolicyPackClient, r: AnalyzedResource) => Promise<unknown>): Promise<AnalyzedResource | undefined> {
    const pack = await startPack();
    try {
        for (const resource of resources) {
            try {
                await call(pack, resource);
            } catch (error) {
                if (error instanceof PolicyCallTimeout) return resource;
            }
        }
        return undefined;
    } finally {
        pack.stop();
    }
}
