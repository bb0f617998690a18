import { StackValidationPolicy } from "@pulumi/policy";
import { groupBy } from "../lib/collections";
import { displayName, isKind, namespaceOf } from "../lib/kubernetes";
import { at, isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

/** What a Service's selector is matched against: a DaemonSet's namespace and pod labels, each undefined while unknown. */
interface DaemonSetPods {
    namespace?: string;
    labels?: Record<string, unknown>;
}

function daemonSetPods(props: Record<string, any>, provider: Parameters<typeof namespaceOf>[1]): DaemonSetPods {
    const labels = at(props, "spec", "template", "metadata", "labels");
    return {
        namespace: namespaceOf(props, provider),
        labels: isUnknownAt(props, "spec", "template", "metadata", "labels") ? undefined
            : labels !== null && typeof labels === "object" && !Array.isArray(labels) ? labels as Record<string, unknown> : {},
    };
}

/**
 * Whether the selector picks the DaemonSet's pods: false as soon as one known label surely
 * differs (or is missing) or the namespaces surely differ, whatever else is unknown; undefined
 * when only unknowns stand between.
 */
function backs(pods: DaemonSetPods, namespace: string | undefined, selector: Record<string, unknown>): boolean | undefined {
    if (pods.namespace !== undefined && namespace !== undefined && pods.namespace !== namespace) return false;
    if (pods.labels === undefined) return undefined;
    let undecided = pods.namespace === undefined || namespace === undefined;
    for (const [key, wanted] of Object.entries(selector)) {
        if (!Object.hasOwn(pods.labels, key)) return false;
        const label = pods.labels[key];
        if (isUnknown(wanted) || isUnknown(label)) undecided = true;
        else if (label !== wanted) return false;
    }
    return undecided ? undefined : true;
}

/**
 * The stack's DaemonSets by namespace and pod label, so that each Service weighs only those that
 * could back it (a superset: `backs` decides), not every DaemonSet. A DaemonSet whose namespace
 * is unknown could be anywhere; one whose labels (or one label's value) are unknown could carry any.
 */
function daemonSetIndex(all: DaemonSetPods[]): (namespace: string | undefined, selector: Record<string, unknown>) => DaemonSetPods[] {
    const key = (...parts: string[]) => JSON.stringify(parts);
    const buckets = groupBy(all, ({ namespace, labels }) => namespace === undefined ? []
        : labels === undefined ? [key(namespace), key(namespace, "any labels")]
        : [key(namespace), ...Object.entries(labels).map(([label, value]) =>
            isUnknown(value) ? key(namespace, "any value", label) : typeof value === "string" ? key(namespace, "value", label, value) : undefined)]);
    const unplaced = all.filter(pods => pods.namespace === undefined);
    return (namespace, selector) => {
        if (namespace === undefined) return all;
        // One known label of the selector narrows the search: the DaemonSets with that label, or with labels that might be it.
        const probe = Object.entries(selector).find(([, value]) => typeof value === "string" && !isUnknown(value)) as [string, string] | undefined;
        const placed = probe
            ? [key(namespace, "value", ...probe), key(namespace, "any value", probe[0]), key(namespace, "any labels")].flatMap(k => buckets.get(k) ?? [])
            : buckets.get(key(namespace)) ?? [];
        return [...placed, ...unplaced];
    };
}

/**
 * internalTrafficPolicy: Local drops traffic from nodes without a local endpoint; only a DaemonSet
 * guarantees one on every node.
 */
export const internalTrafficPolicyLocal: StackValidationPolicy = {
    name: "internal-traffic-policy-local",
    description: "Services with internalTrafficPolicy: Local select DaemonSet pods (an endpoint on every node).",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        const candidates = daemonSetIndex(args.resources.filter(r => isKind(r.type, "apps", "DaemonSet")).map(d => daemonSetPods(rawProps(d.props), d.provider)));
        for (const service of args.resources.filter(r => isKind(r.type, "core", "Service"))) {
            const props = rawProps(service.props);
            if (at(props, "spec", "internalTrafficPolicy") !== "Local") continue;
            // An unknown selector might be empty; an empty one (or one that is no label map) means manual endpoints: not this policy's concern.
            const selector = at(props, "spec", "selector");
            if (isUnknownAt(props, "spec", "selector") || selector === null || typeof selector !== "object" || Array.isArray(selector) || Object.keys(selector).length === 0) continue;
            const namespace = namespaceOf(props, service.provider);
            if (candidates(namespace, selector as Record<string, unknown>).some(pods => backs(pods, namespace, selector as Record<string, unknown>) !== false)) continue;
            reportViolation(
                `Service ${displayName(props.metadata, service.name, service.provider)} sets internalTrafficPolicy: Local but selects no DaemonSet pods: callers on nodes without a local endpoint get their traffic dropped. ` +
                `Fix: use spec.trafficDistribution: PreferSameZone (internalTrafficPolicy: Cluster) unless a DaemonSet backs it.`,
                service.urn,
            );
        }
    },
};
