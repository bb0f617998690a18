import { ResourceValidationPolicy } from "@pulumi/policy";
import { displayName, podSpecPath } from "../lib/kubernetes";
import { at, isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

/** Every container requests cpu and memory, so the zone-spread scheduler and autoscalers can place it. */
export const containerResourceRequests: ResourceValidationPolicy = {
    name: "container-resource-requests",
    description: "Every container (and init container) sets cpu and memory requests.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        const path = podSpecPath(args.type);
        if (!path) return;
        const props = rawProps(args.props);
        if (isUnknownAt(props, ...path)) return;
        const podSpec = at(props, ...path) as Record<string, any> | undefined;
        const workload = `${args.type.split(":").pop()} ${displayName(props.metadata, args.name)}`;
        for (const list of ["initContainers", "containers"]) {
            const containers = podSpec?.[list];
            if (!Array.isArray(containers)) continue;
            for (const container of containers) {
                if (isUnknown(container) || isUnknownAt(container, "resources") || isUnknownAt(container, "resources", "requests")) continue;
                const requests = container?.resources?.requests ?? {};
                const missing = ["cpu", "memory"].filter(r => requests[r] === undefined);
                if (missing.length === 0) continue;
                reportViolation(
                    `${workload} container '${container?.name ?? "?"}' has no ${missing.join(" or ")} request: Auto Mode sizes nodes per zone from requests, so unrequested pods overpack one zone's nodes. ` +
                    `Fix: set resources.requests.${missing.join(" and resources.requests.")}.`,
                );
            }
        }
    },
};
