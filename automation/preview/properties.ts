/**
 * Property values as they travel over gRPC, and the three views the preview needs of them:
 * what the engine sends a policy pack, what stack policies read of it, and what the report shows.
 */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
/** The engine's marker for a value not known until the resource exists. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Replacer = { secret(value: unknown): unknown; unknown(): unknown };

function transform(value: unknown, replace: Replacer): unknown {
    if (value === UNKNOWN) return replace.unknown();
    if (Array.isArray(value)) return value.map(v => transform(v, replace));
    if (value === null || typeof value !== "object") return value;
    const object = value as Record<string, unknown>;
    if (object[SIG] === SECRET_SIG) return replace.secret(transform(object.value, replace));
    // The engine sends a policy pack a resource reference as the resource's id (custom) or urn (component).
    if (object[SIG] === RESOURCE_SIG) return typeof object.id === "string" && object.id !== "" ? object.id : object.urn;
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, transform(v, replace)]));
}

/** What the engine sends a policy pack: secrets and unknowns kept, references flattened, internal `__` keys dropped. */
export function analyzerProperties(inputs: Record<string, unknown>): Record<string, unknown> {
    const keep = (v: unknown) => ({ [SIG]: SECRET_SIG, value: v });
    const visible = Object.entries(inputs).filter(([key]) => !key.startsWith("__"));
    return transform(Object.fromEntries(visible), { secret: keep, unknown: () => UNKNOWN }) as Record<string, unknown>;
}

/** What stack policies read (the pack's SDK unwraps secrets): secrets unwrapped, unknowns kept as the unknown marker. */
export function policyViewProperties(properties: Record<string, unknown>): Record<string, any> {
    return transform(properties, { secret: v => v, unknown: () => UNKNOWN }) as Record<string, any>;
}

/** What the report prints: secrets "[secret]", unknowns "[unknown]". */
export function reportedProperties(inputs: Record<string, unknown>): Record<string, unknown> {
    const visible = Object.entries(inputs).filter(([key]) => !key.startsWith("__"));
    return transform(Object.fromEntries(visible), { secret: () => "[secret]", unknown: () => "[unknown]" }) as Record<string, unknown>;
}
