import { ResourceValidationPolicy } from "@pulumi/policy";
import { displayName, podSpecPath } from "../lib/kubernetes";
import { at, isUnknownAt, listAt, rawProps, shown } from "../lib/unknowns";

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
        const podSpec = at(props, ...path);
        const podLevel = requested(at(podSpec, "resources"));
        if (podLevel === undefined) return;
        const workload = `${args.type.split(":").pop()} ${displayName(props.metadata, args.name, args.provider)}`;
        for (const list of ["initContainers", "containers"]) {
            listAt(podSpec, list).forEach((container, i) => {
                // An entry that is not an object is no container (the API server rejects it); an unknown one may request anything.
                if (container === null || typeof container !== "object" || isUnknownAt(container, "resources")) return;
                const own = requested(at(container, "resources"));
                if (own === undefined) return;
                const missing = ["cpu", "memory"].filter(r => !own.has(r) && !podLevel.has(r));
                if (missing.length === 0) return;
                reportViolation(
                    `${workload} container ${containerName(container, list, i)} has no ${missing.join(" or ")} request: the scheduler places pods, and node autoscaling sizes nodes per zone, from requests, so unrequested pods overpack one zone's nodes. ` +
                    `Fix: set resources.requests.${missing.join(" and resources.requests.")}.`,
                );
            });
        }
    },
};

/** 'name' when the container has a name; else where it is (`containers[1]`), its name known only after deployment or missing. */
function containerName(container: object, list: string, index: number): string {
    const name = at(container, "name");
    if (typeof name === "string") return shown(name);
    return `${list}[${index}]${isUnknownAt(container, "name") ? " (a name known only after deployment)" : ""}`;
}

/** The resources (cpu, memory) a resources block requests, limits included; undefined while any of it is unknown. */
function requested(resources: unknown): Set<string> | undefined {
    const found = new Set<string>();
    for (const block of ["requests", "limits"]) {
        if (isUnknownAt(resources, block)) return undefined;
        for (const resource of ["cpu", "memory"]) {
            if (isUnknownAt(resources, block, resource)) return undefined;
            if (at(resources, block, resource) != null) found.add(resource);
        }
    }
    return found;
}
