import { ResourceValidationPolicy } from "@pulumi/policy";
import { displayName, podSpecPath } from "../lib/kubernetes";
import { at, isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

/**
 * Every container requests cpu and memory, so the zone-spread scheduler and autoscalers can place it.
 * A limit without a request counts (Kubernetes copies it into the request), and so do pod-level
 * resources (spec.resources, beta since Kubernetes 1.34), which cover every container of the pod.
 */
export const containerResourceRequests: ResourceValidationPolicy = {
    name: "container-resource-requests",
    description: "Every container (and init container) sets cpu and memory requests.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        const path = podSpecPath(args.type);
        if (!path) return;
        const props = rawProps(args.props);
        if (isUnknownAt(props, ...path) || isUnknownAt(props, ...path, "resources")) return;
        const podSpec = at(props, ...path) as Record<string, any> | undefined;
        const podLevel = requested(podSpec?.resources);
        if (podLevel === undefined) return;
        const workload = `${args.type.split(":").pop()} ${displayName(props.metadata, args.name, args.provider)}`;
        for (const list of ["initContainers", "containers"]) {
            const containers = podSpec?.[list];
            if (!Array.isArray(containers)) continue;
            for (const container of containers) {
                if (isUnknown(container) || isUnknownAt(container, "resources")) continue;
                const own = requested(container?.resources);
                if (own === undefined) continue;
                const missing = ["cpu", "memory"].filter(r => !own.has(r) && !podLevel.has(r));
                if (missing.length === 0) continue;
                reportViolation(
                    `${workload} container '${container?.name ?? "?"}' has no ${missing.join(" or ")} request: the scheduler places pods, and node autoscaling sizes nodes per zone, from requests, so unrequested pods overpack one zone's nodes. ` +
                    `Fix: set resources.requests.${missing.join(" and resources.requests.")}.`,
                );
            }
        }
    },
};

/** The resources (cpu, memory) a resources block requests, limits included; undefined while any of it is unknown. */
function requested(resources: unknown): Set<string> | undefined {
    const found = new Set<string>();
    for (const block of ["requests", "limits"]) {
        if (isUnknownAt(resources, block)) return undefined;
        for (const resource of ["cpu", "memory"]) {
            if (isUnknownAt(resources, block, resource)) return undefined;
            if (at(resources, block, resource) !== undefined) found.add(resource);
        }
    }
    return found;
}
