// The SDK marks these @internal (absent from its .d.ts) but they are the wire sentinels the engine
// sends and the proxy keys its server uses, so read them from the SDK rather than copying them.
const proxy: Record<string, string> = require("@pulumi/policy/proxy");
const { getSpecialProxyTarget, isSpecialProxy } = proxy;

/** The sentinels the engine sends for values that are unknown during preview. */
const unknownSentinels = new Set<unknown>([
    "unknownArchiveValue", "unknownArrayValue", "unknownAssetValue", "unknownBooleanValue",
    "unknownNumberValue", "unknownObjectValue", "unknownStringValue",
].map(key => proxy[key]));

/** True when a value is unknown during preview (an engine sentinel). */
export function isUnknown(value: unknown): boolean {
    return unknownSentinels.has(value);
}

/**
 * The plain object behind the SDK's unknown-checking proxy. Reading an unknown through the proxy
 * throws, and the SDK turns that into an advisory "can't run during preview" diagnostic; the rules
 * read raw props and test `isUnknown` themselves so an unknown stays silent.
 */
export function rawProps(props: unknown): Record<string, any> {
    const p = props as any;
    if (p === null || typeof p !== "object") return {}; // a string, number or unknown holds no properties to read
    return p[isSpecialProxy] === true ? p[getSpecialProxyTarget] ?? {} : p;
}

/** Follows a path of own keys; returns undefined if any step is missing, not an object, or unknown. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
    let current: any = value;
    for (const key of path) {
        if (current === undefined || current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
        current = current[key];
        if (isUnknown(current)) return undefined;
    }
    return current;
}

/** True when the value, or anything nested in it, is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (value === null || typeof value !== "object") return false;
    return Object.values(value).some(containsUnknown);
}

/** The value if it is a list, else no list (a wrong type or an unknown reads as empty: test isUnknown first where that matters). */
export function listAt(value: unknown, ...path: (string | number)[]): unknown[] {
    const found = at(value, ...path);
    return Array.isArray(found) ? found : [];
}

/** What a message says for a value it cannot show: the engine's sentinel is an internal string. */
export const KNOWN_AFTER_DEPLOYMENT = "a value known only after deployment";

/**
 * How a message shows a value read from the program: a string quoted (cut at 80 characters), a
 * number or boolean as it is, unset as "unset", a list or an object by what it is; an unknown in
 * words. Never the engine's sentinel, never "[object Object]".
 */
export function shown(value: unknown): string {
    if (isUnknown(value)) return KNOWN_AFTER_DEPLOYMENT;
    if (typeof value === "string") return `'${value.length > 80 ? `${value.slice(0, 80)}...` : value}'`;
    if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
    if (value === undefined) return "unset";
    return Array.isArray(value) ? "a list" : "an object";
}

/** True when some step of the path is an unknown sentinel (so the real value cannot be judged). */
export function isUnknownAt(value: unknown, ...path: (string | number)[]): boolean {
    let current: any = value;
    for (const key of path) {
        if (isUnknown(current)) return true;
        if (current === undefined || current === null || typeof current !== "object") return false;
        current = current[key];
    }
    return isUnknown(current);
}
