import { ResourceValidationPolicy } from "@pulumi/policy";
import { targetGroupTypes } from "../lib/aws-types";
import { instanceTargetCostNote, TRAFFIC_CONFIG_SCHEMA, TrafficConfig, ZONE_COUNT_CONFIG_SCHEMA } from "../lib/cost-model";
import { displayName, isKind } from "../lib/kubernetes";
import { CROSS_AZ_PER_GB_EACH_DIRECTION } from "../lib/prices";
import { at, isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

const roundTrip = `$${(2 * CROSS_AZ_PER_GB_EACH_DIRECTION).toFixed(2)}/GB round trip`;
const extraHop = `instance targets add a kube-proxy/NodePort hop, so with N zones every request has a (N-1)/N chance to cross zones at ${roundTrip}`;
const albTargetType = "alb.ingress.kubernetes.io/target-type";
const nlbTargetType = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
const nlbType = "service.beta.kubernetes.io/aws-load-balancer-type";
const legacyIngressClass = "kubernetes.io/ingress.class";
/** spec.loadBalancerClass values AWS load balancers answer to (absent = the cluster's default, AWS's on EKS). */
const awsLoadBalancerClasses = new Set(["service.k8s.aws/nlb", "eks.amazonaws.com/nlb"]);

/** Load balancers send traffic straight to pod IPs, not through a node port on a random instance. */
export const lbTargetTypeIp: ResourceValidationPolicy = {
    name: "lb-target-type-ip",
    description: "Load balancer targets are pod IPs (target type ip), not instances.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { traffic: TRAFFIC_CONFIG_SCHEMA, zoneCount: ZONE_COUNT_CONFIG_SCHEMA } },
    validateResource: (args, rawReport) => {
        const { traffic, zoneCount = 3 } = args.getConfig<{ traffic?: TrafficConfig; zoneCount?: number }>();
        const northSouthGb = traffic?.northSouthGbPerMonth ?? 0;
        const costNote = northSouthGb > 0 ? ` ${instanceTargetCostNote(northSouthGb, zoneCount)}` : "";
        const reportViolation = (message: string) => rawReport(message + costNote);
        const props = rawProps(args.props);
        // Unknown anywhere on the path (metadata built in an apply, annotations, the value) keeps the rule silent.
        const annotationUnknown = (key: string) => isUnknownAt(props, "metadata", "annotations", key);
        const annotation = (key: string) => at(props, "metadata", "annotations", key);
        if (targetGroupTypes.has(args.type)) {
            const targetType = props.targetType;
            if (isUnknown(targetType) || targetType === "ip" || targetType === "lambda" || targetType === "alb") return;
            // Gateway Load Balancer target groups front appliance instances by design.
            if (isUnknown(props.protocol) || props.protocol === "GENEVE") return;
            reportViolation(
                `Target group '${args.name}' has targetType ${targetType === undefined ? "unset (instance)" : `'${targetType}'`}: ${extraHop}. ` +
                `Fix: set targetType: "ip".`,
            );
        } else if (isKind(args.type, "networking.k8s.io", "Ingress") || isKind(args.type, "extensions", "Ingress")) {
            if (isUnknownAt(props, "spec", "ingressClassName")) return;
            const className = props.spec?.ingressClassName;
            if (className === undefined && annotationUnknown(legacyIngressClass)) return;
            const ingressClass = className ?? annotation(legacyIngressClass);
            if (ingressClass !== "alb") return;
            if (annotationUnknown(albTargetType)) return;
            const value = annotation(albTargetType);
            if (value === "ip") return;
            reportViolation(
                `Ingress ${displayName(at(props, "metadata"), args.name)} (class alb) has ${albTargetType} ${value === undefined ? "unset (instance)" : `'${value}'`}: ${extraHop}. ` +
                `Fix: annotate ${albTargetType}: ip.`,
            );
        } else if (isKind(args.type, "core", "Service")) {
            if (at(props, "spec", "type") !== "LoadBalancer" || isUnknownAt(props, "spec", "loadBalancerClass")) return;
            const loadBalancerClass = at(props, "spec", "loadBalancerClass");
            if (loadBalancerClass !== undefined && !awsLoadBalancerClasses.has(loadBalancerClass as string)) return;
            if (annotationUnknown(nlbTargetType)) return;
            const value = annotation(nlbTargetType);
            if (value === "ip") return;
            // The legacy type nlb-ip means IP targets whatever nlb-target-type says (the LBC checks it first).
            if (annotationUnknown(nlbType) || annotation(nlbType) === "nlb-ip") return;
            reportViolation(
                `LoadBalancer Service ${displayName(at(props, "metadata"), args.name)} has ${nlbTargetType} ${value === undefined ? "unset (instance)" : `'${value}'`}: ${extraHop}. ` +
                `Fix: annotate ${nlbTargetType}: ip.`,
            );
        }
    },
};
