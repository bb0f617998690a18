import { ResourceValidationPolicy } from "@pulumi/policy";
import { displayName, isKind } from "../lib/kubernetes";
import { rawProps } from "../lib/unknowns";

/** Annotations that predate spec.trafficDistribution (topology-aware hints/routing). */
const deprecatedAnnotations = ["service.kubernetes.io/topology-mode", "service.kubernetes.io/topology-aware-hints"];

/** Services use spec.trafficDistribution, not the topology annotations or the PreferClose alias. */
export const noDeprecatedTopologyRouting: ResourceValidationPolicy = {
    name: "no-deprecated-topology-routing",
    description: "Services use spec.trafficDistribution: PreferSameZone instead of topology annotations or PreferClose.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (!isKind(args.type, "core", "Service")) return;
        const props = rawProps(args.props);
        const service = displayName(props.metadata, args.name, args.provider);
        const annotations = props.metadata?.annotations;
        for (const annotation of deprecatedAnnotations) {
            if (annotations && typeof annotations === "object" && annotation in annotations) {
                reportViolation(
                    `Service ${service} uses the deprecated annotation ${annotation}: it only routes in-zone when EndpointSlice hints are allocated, and silently falls back to random cross-zone routing. ` +
                    `Fix: remove it and set spec.trafficDistribution: PreferSameZone.`,
                );
            }
        }
        if (props.spec?.trafficDistribution === "PreferClose") {
            reportViolation(
                `Service ${service} sets spec.trafficDistribution: PreferClose, the deprecated alias since Kubernetes 1.34. ` +
                `Fix: set spec.trafficDistribution: PreferSameZone (same behaviour, explicit name).`,
            );
        }
    },
};
