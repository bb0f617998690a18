/** Which component declared a resource, read from its URN's type chain (`parent$...$type`). */

/** This project's component type tokens, as they appear in its resources' URNs. */
export const OWN_COMPONENTS = {
    network: "crossaz:network:Network",
} as const;

/** Whether a resource was declared inside a component of this type (its URN's type chain names it). */
export function builtBy(resource: { urn: string }, component: string): boolean {
    return (resource.urn.split("::")[2] ?? "").split("$").includes(component);
}
