import { at, isUnknownAt, rawProps } from "./unknowns";

/** Kubernetes type tokens: `kubernetes:<group>/<version>:<Kind>` (core group is `core`). */
export interface KubernetesKind {
    group: string;
    version: string;
    kind: string;
}

/**
 * Parses a Kubernetes type token. Typed `@pulumi/kubernetes` classes, `kubernetes:yaml:ConfigFile`
 * children and CustomResources all register as `kubernetes:<apiVersion>:<kind>`.
 */
export function kubernetesKind(type: string): KubernetesKind | undefined {
    const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
    if (!match) return undefined;
    const [groupVersion, kind] = [match[1], match[2]];
    const slash = groupVersion.lastIndexOf("/");
    if (slash < 0) return { group: "core", version: groupVersion, kind };
    return { group: groupVersion.slice(0, slash), version: groupVersion.slice(slash + 1), kind };
}

/** True for a Kubernetes resource of one of the given kinds, in any API version. */
export function isKind(type: string, group: string, ...kinds: string[]): boolean {
    const k = kubernetesKind(type);
    return k !== undefined && k.group === group && kinds.includes(k.kind);
}

/** Workload kinds whose pod template lives at spec.template.spec. */
export const templatedWorkloads = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"];

/** Path from a workload's props to its pod spec, or undefined when the type carries no pod spec. */
export function podSpecPath(type: string): string[] | undefined {
    const k = kubernetesKind(type);
    if (!k) return undefined;
    if (k.group === "core" && k.kind === "Pod") return ["spec"];
    if ((k.group === "apps" || k.group === "batch") && templatedWorkloads.includes(k.kind)) return ["spec", "template", "spec"];
    if (k.group === "batch" && k.kind === "CronJob") return ["spec", "jobTemplate", "spec", "template", "spec"];
    return undefined;
}

/** The provider a policy sees in `args.provider` / `resource.provider` (props behind the SDK's proxy). */
type ProviderLike = { props: unknown } | undefined;

/**
 * The namespace a namespaced resource lands in: metadata.namespace, else its Kubernetes provider's
 * default namespace (`new k8s.Provider(..., {namespace})`), else "default". Undefined while unknown.
 */
export function namespaceOf(props: unknown, provider?: ProviderLike): string | undefined {
    if (isUnknownAt(props, "metadata") || isUnknownAt(props, "metadata", "namespace")) return undefined;
    const namespace = at(props, "metadata", "namespace");
    if (typeof namespace === "string" && namespace !== "") return namespace;
    const providerProps = provider && rawProps(provider.props);
    if (providerProps && isUnknownAt(providerProps, "namespace")) return undefined;
    const providerNamespace = providerProps?.namespace;
    return typeof providerNamespace === "string" && providerNamespace !== "" ? providerNamespace : "default";
}

/**
 * Display name of a Kubernetes resource: namespace/name from metadata (namespace as namespaceOf),
 * else the Pulumi name; what is unknown during preview is said in words.
 */
export function displayName(metadata: unknown, fallback: string, provider?: ProviderLike): string {
    const name = isUnknownAt({ metadata }, "metadata", "name") ? `<a name known only after deployment; resource '${fallback}'>`
        : typeof at(metadata, "name") === "string" ? at(metadata, "name") : fallback;
    const namespace = namespaceOf({ metadata }, provider) ?? "<a namespace known only after deployment>";
    return `${namespace}/${name}`;
}
