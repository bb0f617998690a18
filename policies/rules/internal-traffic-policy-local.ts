import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { displayName, isKind } from "../lib/kubernetes";
import { isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

function namespaceOf(resource: PolicyResource): string {
    const namespace = rawProps(resource.props).metadata?.namespace;
    return typeof namespace === "string" ? namespace : "default";
}

/** True when every selector label is on the pod template (undefined when the labels are unknown). */
function selects(selector: Record<string, unknown>, workload: PolicyResource): boolean | undefined {
    const labels = rawProps(workload.props).spec?.template?.metadata?.labels;
    if (isUnknown(labels) || Object.values(labels ?? {}).some(isUnknown)) return undefined;
    return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
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
            const matches = daemonSets
                .filter(d => namespaceOf(d) === namespaceOf(service))
                .map(d => selects(selector, d));
            if (matches.includes(true) || matches.includes(undefined)) continue;
            reportViolation(
                `Service ${displayName(props.metadata, service.name)} sets internalTrafficPolicy: Local but selects no DaemonSet pods: callers on nodes without a local endpoint get their traffic dropped. ` +
                `Fix: use spec.trafficDistribution: PreferSameZone (internalTrafficPolicy: Cluster) unless a DaemonSet backs it.`,
                service.urn,
            );
        }
    },
};
