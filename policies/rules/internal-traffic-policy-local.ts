import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { displayName, isKind, namespaceOf } from "../lib/kubernetes";
import { isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

/**
 * Whether the selector picks the DaemonSet's pods: false as soon as one known label surely
 * differs (or is missing), whatever else is unknown; undefined when only unknowns stand between.
 */
function selects(selector: Record<string, unknown>, workload: PolicyResource): boolean | undefined {
    const props = rawProps(workload.props);
    if (isUnknownAt(props, "spec", "template", "metadata", "labels")) return undefined;
    const labels: Record<string, unknown> = props.spec?.template?.metadata?.labels ?? {};
    let undecided = false;
    for (const [key, wanted] of Object.entries(selector)) {
        const label = labels[key];
        if (label === undefined) return false;
        if (isUnknown(wanted) || isUnknown(label)) undecided = true;
        else if (label !== wanted) return false;
    }
    return undecided ? undefined : true;
}

/** True when the DaemonSet's pods are the Service's endpoints: same namespace, selected labels (undefined when unknown). */
function backs(daemonSet: PolicyResource, service: PolicyResource, selector: Record<string, unknown>): boolean | undefined {
    const selected = selects(selector, daemonSet);
    if (selected === false) return false;
    const [ours, theirs] = [namespaceOf(rawProps(daemonSet.props), daemonSet.provider), namespaceOf(rawProps(service.props), service.provider)];
    if (ours !== undefined && theirs !== undefined && ours !== theirs) return false;
    return ours === undefined || theirs === undefined ? undefined : selected;
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
        const daemonSets = args.resources.filter(r => isKind(r.type, "apps", "DaemonSet"));
        for (const service of args.resources.filter(r => isKind(r.type, "core", "Service"))) {
            const props = rawProps(service.props);
            if (props.spec?.internalTrafficPolicy !== "Local") continue;
            const selector = props.spec?.selector;
            // An unknown selector might be empty (manual endpoints, not this policy's concern); unknown values in it are weighed per DaemonSet.
            if (isUnknownAt(props, "spec", "selector") || !selector) continue;
            const matches = daemonSets.map(d => backs(d, service, selector));
            if (matches.includes(true) || matches.includes(undefined)) continue;
            reportViolation(
                `Service ${displayName(props.metadata, service.name, service.provider)} sets internalTrafficPolicy: Local but selects no DaemonSet pods: callers on nodes without a local endpoint get their traffic dropped. ` +
                `Fix: use spec.trafficDistribution: PreferSameZone (internalTrafficPolicy: Cluster) unless a DaemonSet backs it.`,
                service.urn,
            );
        }
    },
};
