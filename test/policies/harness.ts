/**
 * Runs policies the way @pulumi/policy 1.21's server (server.js) does, in-process: enforcement level
 * resolution (pack config > policy default > pack default), `disabled` skipped, `remediate` reported
 * as mandatory when validating, props wrapped in the SDK's `unknownCheckingProxy`, UnknownValueError
 * turned into the SDK's advisory "can't run during preview" diagnostic, `notApplicable`, `getConfig`
 * (config minus enforcementLevel), `stackTags`, stack resources linked by parent, dependencies and
 * propertyDependencies, and remediation only for policies at level `remediate`.
 */
import Ajv from "ajv";
import {
    EnforcementLevel, Policies, Policy, PolicyProviderResource, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy,
    StackValidationPolicy, unknownCheckingProxy, UnknownValueError,
} from "@pulumi/policy";

const proxy: Record<string, string> = require("@pulumi/policy/proxy");

/** What the engine sends for an unknown string (and most unknown values) during preview. */
export const UNKNOWN: string = proxy.unknownStringValue;
/** The engine's sentinels for unknown arrays and objects. */
export const UNKNOWN_ARRAY: string = proxy.unknownArrayValue;
export const UNKNOWN_OBJECT: string = proxy.unknownObjectValue;

/** A resource as the engine would send it (properties deserialized, urns for references). */
export interface Fixture {
    type: string;
    name: string;
    props: Record<string, any>;
    /** property name -> names of the fixtures it depends on */
    propertyDependencies?: Record<string, string[]>;
    parent?: string;
    /** Its URN when the default (`urn:pulumi:test::cross-az-platform::<type>::<name>`) will not do, e.g. a component's child. */
    urn?: string;
    /** Its explicit provider, e.g. `{type: "pulumi:providers:kubernetes", name: "apps", props: {namespace: "apps"}}`. */
    provider?: { type: string; name: string; props: Record<string, any> };
}

/** Pack config as in policies/config/<stack>.json: a level string or an object with enforcementLevel. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface Diagnostic {
    policyName: string;
    message: string;
    urn?: string;
    enforcementLevel: EnforcementLevel;
}

/** A policy that declared itself not applicable, with the reason it gave (as the server's PolicyNotApplicable). */
export interface NotApplicable {
    policyName: string;
    reason: string;
}

export interface RunResult {
    diagnostics: Diagnostic[];
    notApplicable: NotApplicable[];
}

export const urnOf = (f: Pick<Fixture, "type" | "name" | "urn">) => f.urn ?? `urn:pulumi:test::cross-az-platform::${f.type}::${f.name}`;

class NotApplicableError extends Error {}
const throwNotApplicable = (reason?: string): never => { throw new NotApplicableError(reason ?? ""); };

function normalize(config: PackConfig = {}): Record<string, Record<string, unknown>> {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? { enforcementLevel: v } : v]));
}

function levelOf(policy: Policy, config: Record<string, Record<string, unknown>>, packLevel: EnforcementLevel): EnforcementLevel {
    return (config[policy.name]?.enforcementLevel as EnforcementLevel | undefined) || policy.enforcementLevel || packLevel;
}

function getConfigFor(policy: Policy, config: Record<string, Record<string, unknown>>) {
    return <T extends object>(): T => {
        const { enforcementLevel: _ignored, ...rest } = config[policy.name] ?? {};
        return rest as T;
    };
}

function reporter(policy: Policy, level: EnforcementLevel, out: Diagnostic[], defaultUrn?: string) {
    // Mirrors makeReportViolationFun for string messages: description, newline, message.
    return (message: any, urn?: string) => {
        out.push({ policyName: policy.name, message: message ? `${policy.description}\n${message}` : policy.description!, urn: urn ?? defaultUrn, enforcementLevel: level });
    };
}

function handle(e: unknown, policy: Policy, result: RunResult) {
    if (e instanceof UnknownValueError) {
        result.diagnostics.push({ policyName: policy.name, message: `can't run policy '${policy.name}' during preview: ${(e as Error).message}`, enforcementLevel: "advisory" });
    } else if (e instanceof NotApplicableError) {
        result.notApplicable.push({ policyName: policy.name, reason: (e as Error).message });
    } else {
        throw e;
    }
}

/** The provider as the server's getProviderResource builds it: props behind the unknown-checking proxy. */
function providerOf(f: Fixture): PolicyProviderResource | undefined {
    return f.provider && { ...f.provider, urn: urnOf(f.provider), props: unknownCheckingProxy(structuredClone(f.provider.props)) };
}

function resourceArgs(policy: Policy, f: Fixture, config: Record<string, Record<string, unknown>>, stackTags: Map<string, string>): ResourceValidationArgs {
    const props = unknownCheckingProxy(structuredClone(f.props));
    return {
        type: f.type, props, urn: urnOf(f), name: f.name, opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: {} } as any,
        provider: providerOf(f), stackTags, getConfig: getConfigFor(policy, config), notApplicable: throwNotApplicable,
        isType: () => false, asType: () => undefined,
    } as ResourceValidationArgs;
}

/** Runs every resource policy over each fixture and every stack policy over all of them. */
export async function runPolicies(policies: Policies, fixtures: Fixture[], options: { config?: PackConfig; packLevel?: EnforcementLevel; stackTags?: Record<string, string> } = {}): Promise<RunResult> {
    const config = normalize(options.config);
    const stackTags = new Map(Object.entries(options.stackTags ?? {}));
    const result: RunResult = { diagnostics: [], notApplicable: [] };
    for (const policy of policies) {
        let level = levelOf(policy, config, options.packLevel ?? "advisory");
        if (level === "disabled") continue;
        if (level === "remediate") level = "mandatory";
        if ("validateResource" in policy) {
            const p = policy as ResourceValidationPolicy;
            if (!p.validateResource) { result.notApplicable.push({ policyName: p.name, reason: "Policy does not implement validateResource" }); continue; }
            const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
            for (const f of fixtures) {
                for (const validate of validations) {
                    try {
                        await validate(resourceArgs(p, f, config, stackTags), reporter(p, level, result.diagnostics, urnOf(f)));
                    } catch (e) { handle(e, p, result); }
                }
            }
        } else {
            const p = policy as StackValidationPolicy;
            const resources = fixtures.map(f => {
                const props = unknownCheckingProxy(structuredClone(f.props));
                return { type: f.type, props, urn: urnOf(f), name: f.name, opts: {} as any, provider: providerOf(f), dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined } as PolicyResource;
            });
            const byName = new Map(fixtures.map((f, i) => [f.name, resources[i]]));
            fixtures.forEach((f, i) => {
                const r = resources[i];
                if (f.parent) r.parent = byName.get(f.parent);
                for (const [property, names] of Object.entries(f.propertyDependencies ?? {})) {
                    r.propertyDependencies[property] = names.map(n => byName.get(n)).filter((x): x is PolicyResource => x !== undefined);
                }
                r.dependencies = [...new Set(Object.values(r.propertyDependencies).flat())];
            });
            try {
                await p.validateStack({ resources, getConfig: getConfigFor(p, config), stackTags, notApplicable: throwNotApplicable } as any, reporter(p, level, result.diagnostics));
            } catch (e) { handle(e, p, result); }
        }
    }
    return result;
}

/** Runs remediations like the server's Remediate: only policies at level remediate, in order. */
export async function remediate(policies: Policies, fixture: Fixture, options: { config?: PackConfig } = {}): Promise<Record<string, any> | undefined> {
    const config = normalize(options.config);
    let props: Record<string, any> | undefined;
    for (const policy of policies) {
        if (levelOf(policy, config, "advisory") !== "remediate" || !("remediateResource" in policy)) continue;
        const p = policy as ResourceValidationPolicy;
        if (!p.remediateResource) continue;
        const args = resourceArgs(p, { ...fixture, props: props ?? fixture.props }, config, new Map());
        const out = await p.remediateResource(args);
        if (out) props = JSON.parse(JSON.stringify(out));
    }
    return props;
}

/**
 * Validates one policy's config as the offline preview does before Configure (the engine's check,
 * plus no property the schema does not declare): the policy's configSchema as a closed JSON-schema
 * object, plus enforcementLevel. Returns ajv's error text, or undefined when valid.
 */
export function validatePolicyConfig(policy: Policy, value: PackConfig[string]): string | undefined {
    const config = typeof value === "string" ? { enforcementLevel: value } : value;
    const schema = {
        type: "object",
        properties: {
            enforcementLevel: { enum: ["advisory", "mandatory", "remediate", "disabled"] },
            ...(policy.configSchema?.properties ?? {}),
        },
        required: policy.configSchema?.required ?? [],
        additionalProperties: false,
    };
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
    const validate = ajv.compile(schema);
    return validate(structuredClone(config)) ? undefined : ajv.errorsText(validate.errors);
}

/** One resource policy's verdict on one resource: its messages without the description line, and why it did not apply. */
export interface Verdict {
    violations: string[];
    notApplicable?: string;
}

/** Runs one resource policy over one fixture through runPolicies; an unknown read shows up as a violation, as the server reports it. */
export async function verdict(policy: ResourceValidationPolicy, fixture: Fixture, options: { config?: PackConfig } = {}): Promise<Verdict> {
    const { diagnostics, notApplicable } = await runPolicies([policy], [fixture], options);
    const violations = diagnostics.map(d => d.message.startsWith(`${policy.description}\n`) ? d.message.slice(policy.description.length + 1) : d.message);
    return notApplicable.length > 0 ? { violations, notApplicable: notApplicable[0].reason } : { violations };
}
