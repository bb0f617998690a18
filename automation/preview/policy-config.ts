/**
 * The engine's half of policy config: parse a policy-pack-config file, reconcile it with each
 * policy's defaults (level, schema `default`s) and the pack's initial config, validate every
 * policy's properties against its configSchema, and hand the result to the pack's Configure.
 * Mirrors pulumi/pulumi's ReconcilePolicyPackConfig; the SDK applies config as given.
 *
 * One addition: the stack's `traffic` config section is passed as the `traffic` property of
 * every policy whose configSchema declares one, unless the pack config file sets it for that
 * policy, so policy messages can price what they find with the stack's own volumes.
 */
import * as fs from "node:fs";
import Ajv from "ajv";
import { EnforcementLevel, PackInfo, PolicyConfig } from "./analyzer-client";
import { PreviewError } from "./errors";

export type ResolvedPolicyConfig = Record<string, { enforcementLevel: EnforcementLevel; properties?: Record<string, unknown> }>;

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Reads a `--policy-pack-config` file: `{policy: level}` or `{policy: {enforcementLevel?, ...properties}}`; "all" sets every level. */
export function readPolicyPackConfig(file: string): Record<string, PolicyConfig> {
    let raw: unknown;
    try {
        const text = fs.readFileSync(file, "utf8");
        raw = text.trim() === "" ? {} : JSON.parse(text);
    } catch (error) {
        throw new PreviewError(`--policy-pack-config ${file} ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `is not valid JSON: ${(error as Error).message}`}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new PreviewError(`--policy-pack-config ${file} must hold a JSON object keyed by policy name`);
    const result: Record<string, PolicyConfig> = {};
    for (const [policy, value] of Object.entries(raw)) {
        if (typeof value === "string") {
            result[policy] = { enforcementLevel: level(file, policy, value) };
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            result[policy] = {
                enforcementLevel: enforcementLevel === undefined ? undefined : level(file, policy, enforcementLevel),
                properties: Object.keys(properties).length > 0 ? properties : undefined,
            };
        } else {
            throw new PreviewError(`--policy-pack-config ${file} ${policy} must be an enforcement level (${LEVELS.join("|")}) or an object, got ${JSON.stringify(value)}`);
        }
    }
    return result;
}

function level(file: string, policy: string, value: unknown): EnforcementLevel {
    if (typeof value === "string" && (LEVELS as string[]).includes(value)) return value as EnforcementLevel;
    throw new PreviewError(`--policy-pack-config ${file} ${policy}.enforcementLevel must be one of ${LEVELS.join("|")}, got ${JSON.stringify(value)}`);
}

/**
 * Defaults from each policy (level, schema defaults), then the pack's initial config, then the
 * file's, then the stack's traffic; validated against each configSchema. Throws PreviewError
 * naming the policy, the property and what the schema allows.
 */
export function resolvePolicyConfig(pack: PackInfo, fileConfig: Record<string, PolicyConfig>, traffic?: unknown): ResolvedPolicyConfig {
    const known = new Set(pack.policies.map(p => p.name));
    const unknown = Object.keys(fileConfig).filter(name => name !== "all" && !known.has(name));
    if (unknown.length > 0) {
        // The engine ignores these silently; a misspelt policy name would then keep its default level unnoticed.
        throw new PreviewError(`policy pack config names ${unknown.join(", ")}, which pack ${pack.name} does not have (it has ${[...known].join(", ")})`);
    }
    let result: ResolvedPolicyConfig = {};
    for (const policy of pack.policies) {
        const defaults = Object.entries(policy.configSchema?.properties ?? {})
            .filter(([, schema]) => typeof schema === "object" && schema !== null && "default" in schema)
            .map(([key, schema]) => [key, (schema as { default: unknown }).default]);
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties: defaults.length > 0 ? Object.fromEntries(defaults) : undefined };
    }
    result = apply(result, pack.initialConfig);
    result = apply(result, fileConfig);

    const setByFile = (policy: string) => fileConfig[policy]?.properties?.traffic !== undefined;
    if (traffic !== undefined) {
        for (const policy of pack.policies) {
            if (policy.configSchema?.properties.traffic === undefined || setByFile(policy.name)) continue;
            result[policy.name].properties = { ...result[policy.name].properties, traffic };
        }
    }
    validate(pack, result);
    return result;
}

/**
 * A policy-pack-config file's content as the engine reads it (`pulumi preview --policy-pack-config`),
 * with the stack's traffic added where resolvePolicyConfig adds it: the file's entries as written,
 * plus `traffic` for every policy whose configSchema declares it and the file does not set it.
 * Levels and defaults stay the engine's to resolve.
 */
export function packConfigWithTraffic(pack: PackInfo, fileConfig: Record<string, PolicyConfig>, traffic: unknown): Record<string, unknown> {
    const entries: Record<string, { enforcementLevel?: EnforcementLevel } & Record<string, unknown>> = {};
    for (const [name, given] of Object.entries(fileConfig)) entries[name] = { enforcementLevel: given.enforcementLevel, ...given.properties };
    for (const policy of pack.policies) {
        if (policy.configSchema?.properties.traffic === undefined || fileConfig[policy.name]?.properties?.traffic !== undefined) continue;
        entries[policy.name] = { ...entries[policy.name], traffic };
    }
    return JSON.parse(JSON.stringify(entries)); // without the undefined levels
}

function apply(result: ResolvedPolicyConfig, config: Record<string, PolicyConfig>): ResolvedPolicyConfig {
    const next: ResolvedPolicyConfig = structuredClone(result);
    const all = config.all?.enforcementLevel;
    if (all) for (const name of Object.keys(next)) next[name].enforcementLevel = all;
    for (const [name, given] of Object.entries(config)) {
        if (!next[name]) continue;
        if (given.enforcementLevel) next[name].enforcementLevel = given.enforcementLevel;
        if (given.properties) next[name].properties = { ...next[name].properties, ...given.properties };
    }
    return next;
}

/**
 * Validates each policy's properties against its configSchema, as the engine does, and also
 * rejects properties the schema does not declare: the SDK sends a configSchema as its properties
 * and required keys only, so the engine cannot tell `zonecount` from `zoneCount` and would ignore it.
 * enforcementLevel never reaches this check: readPolicyPackConfig takes it out of the properties.
 */
function validate(pack: PackInfo, config: ResolvedPolicyConfig): void {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    const errors: string[] = [];
    for (const policy of pack.policies) {
        const declared = policy.configSchema?.properties ?? {};
        const check = ajv.compile({ type: "object", properties: declared, required: policy.configSchema?.required ?? [], additionalProperties: false });
        const properties = config[policy.name].properties ?? {};
        if (check(properties)) continue;
        for (const error of check.errors ?? []) {
            const where = error.instancePath ? error.instancePath.slice(1).replace(/\//g, ".") : "config";
            if (error.keyword === "additionalProperties") {
                const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
                const property = `${error.instancePath ? `${where}.` : ""}${(error.params as { additionalProperty: string }).additionalProperty}`;
                errors.push(`${policy.name}: unknown property ${property} (${known.length > 0 ? `it takes ${known.join(", ")}` : "it takes none"})`);
                continue;
            }
            const got = error.instancePath ? ` , got ${JSON.stringify(valueAt(properties, error.instancePath))}`.replace(" ,", ",") : "";
            errors.push(`${policy.name}: ${where} ${error.message}${got}`);
        }
    }
    if (errors.length > 0) throw new PreviewError(`policy pack config is invalid: ${errors.join("; ")}`);
}

function valueAt(object: unknown, pointer: string): unknown {
    return pointer.split("/").slice(1).reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);
}
