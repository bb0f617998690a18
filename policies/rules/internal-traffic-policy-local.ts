import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { displayName, isKind, namespaceOf } from "../lib/kubernetes";
import { isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

/** True when every selector label is on the pod template (undefined when the labels are unknown). */
function selects(selector: Record<string, unknown>, workload: PolicyResource): boolean | undefined {
    const props = rawProps(workload.props);
    if (isUnknownAt(props, "spec", "template", "metadata", "labels")) return undefined;
    const labels = props.spec?.template?.metadata?.labels;
    if (Object.values(labels ?? {}).some(isUnknown)) return undefined;
    return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** True when the DaemonSet's pods are the Service's endpoints: same namespace, selected labels (undefined when unknown). */
function backs(daemonSet: PolicyResource, service: PolicyResource, selector: Record<string, unknown>): boolean | undefined {
    const [ours, theirs] = [namespaceOf(rawProps(daemonSet.props), daemonSet.provider), namespaceOf(rawProps(service.props), service.provider)];
    if (ours === undefined || theirs === undefined) return undefined;
    return ours === theirs && selects(selector, daemonSet);
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
            if (isUnknownAt(props, "spec", "selector") || !selector || Object.values(selector).some(isUnknown)) continue;
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
