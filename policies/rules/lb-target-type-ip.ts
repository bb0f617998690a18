import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { targetGroupTypes } from "../lib/aws-types";
import { instanceTargetCostNote, TRAFFIC_CONFIG_SCHEMA, TrafficConfig, ZONE_COUNT_CONFIG_SCHEMA } from "../lib/cost-model";
import {
    backendServiceNames, ByName, byName, classParamsTargetType, IngressClasses, ingressClasses, resolveAlbClass, UNRESOLVED, Unresolved,
} from "../lib/ingress-class";
import { displayName, isKind, namespaceOf } from "../lib/kubernetes";
import { CROSS_AZ_PER_GB_EACH_DIRECTION } from "../lib/prices";
import { isInstanceMode, TargetGroupEvidence, targetGroupEvidence, targetGroupTargets } from "../lib/target-groups";
import { at, isUnknown, isUnknownAt, rawProps, shown } from "../lib/unknowns";

const roundTrip = `$${(2 * CROSS_AZ_PER_GB_EACH_DIRECTION).toFixed(2)}/GB round trip`;
const extraHop = `instance targets add a kube-proxy/NodePort hop, so with N zones every request has a (N-1)/N chance to cross zones at ${roundTrip}`;
const albTargetType = "alb.ingress.kubernetes.io/target-type";
const nlbTargetType = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
const nlbType = "service.beta.kubernetes.io/aws-load-balancer-type";
/** spec.loadBalancerClass values AWS load balancers answer to (absent = the cluster's default, AWS's on EKS). */
const awsLoadBalancerClasses = new Set(["service.k8s.aws/nlb", "eks.amazonaws.com/nlb"]);

const describeValue = (value: unknown) => value === undefined ? "unset (instance)" : shown(value);

/** An annotation of a resource's raw props; UNRESOLVED when anything on the way (metadata, annotations, value) is unknown. */
function annotationOf(props: Record<string, any>, key: string): unknown {
    return isUnknownAt(props, "metadata", "annotations", key) ? UNRESOLVED : at(props, "metadata", "annotations", key);
}

function targetGroupFinding(resource: PolicyResource, evidence: TargetGroupEvidence): string | undefined {
    const props = rawProps(resource.props);
    if (isInstanceMode(resource) !== true) return undefined;
    // Gateway Load Balancer target groups front appliance instances by design.
    if (isUnknown(props.protocol) || props.protocol === "GENEVE") return undefined;
    // Only Kubernetes nodes add the kube-proxy hop: not ECS tasks, Lambda, plain instances, or a group nothing forwards to.
    const targets = targetGroupTargets(resource, evidence);
    if (targets.kind !== "kubernetes-nodes") return undefined;
    return `Target group '${resource.name}' has targetType ${describeValue(props.targetType)} and ${targets.evidence}: ${extraHop}. Fix: set targetType: "ip".`;
}

function loadBalancerServiceFinding(resource: PolicyResource): string | undefined {
    const props = rawProps(resource.props);
    if (at(props, "spec", "type") !== "LoadBalancer" || isUnknownAt(props, "spec", "loadBalancerClass")) return undefined;
    const loadBalancerClass = at(props, "spec", "loadBalancerClass");
    if (loadBalancerClass !== undefined && !awsLoadBalancerClasses.has(loadBalancerClass as string)) return undefined;
    const value = annotationOf(props, nlbTargetType);
    if (value === UNRESOLVED || value === "ip") return undefined;
    // The legacy type nlb-ip means IP targets whatever nlb-target-type says (the LBC checks it first).
    const type = annotationOf(props, nlbType);
    if (type === UNRESOLVED || type === "nlb-ip") return undefined;
    return `LoadBalancer Service ${displayName(props.metadata, resource.name, resource.provider)} has ${nlbTargetType} ${describeValue(value)}: ${extraHop}. ` +
        `Fix: annotate ${nlbTargetType}: ip.`;
}

/**
 * An Ingress an ALB controller handles. The target type comes from the class's IngressClassParams
 * (elbv2.k8s.aws spec.targetType) if set, else per backend from the backend Service's
 * target-type annotation, else the Ingress's, else instance. Anything unknown on the way: silent.
 */
function ingressFinding(resource: PolicyResource, classes: IngressClasses, services: ByName): string | undefined {
    const props = rawProps(resource.props);
    const albClass = resolveAlbClass(props, classes);
    if (albClass === undefined || albClass === UNRESOLVED) return undefined;
    const name = displayName(props.metadata, resource.name, resource.provider);
    const classText = `(${albClass.isDefault ? "default class" : "class"} ${albClass.className})`;

    const params = classParamsTargetType(albClass.ingressClass, classes);
    if (params === UNRESOLVED || params?.targetType === "ip") return undefined;
    if (params?.targetType === "instance") {
        return `Ingress ${name} ${classText} gets targetType 'instance' from IngressClassParams ${params.paramsName} (it overrides the ${albTargetType} annotations): ${extraHop}. ` +
            `Fix: set spec.targetType: ip on IngressClassParams ${params.paramsName}.`;
    }

    const ingressValue = annotationOf(props, albTargetType);
    const namespace: string | Unresolved = namespaceOf(props, resource.provider) ?? UNRESOLVED;
    const backends = backendServiceNames(props);
    let fromIngress = backends.length === 0 && ingressValue !== UNRESOLVED && ingressValue !== "ip";
    const overrides: { service: string; value: unknown }[] = [];
    for (const backend of new Set(backends)) {
        if (backend === UNRESOLVED) continue;
        const service = services(backend, namespace);
        if (service === UNRESOLVED) continue;
        const serviceProps = service ? rawProps(service.props) : {};
        const serviceValue = service ? annotationOf(serviceProps, albTargetType) : undefined;
        if (serviceValue === UNRESOLVED) continue;
        if (serviceValue !== undefined) {
            if (serviceValue !== "ip") overrides.push({ service: displayName(serviceProps.metadata, service!.name, service!.provider), value: serviceValue });
        } else if (ingressValue !== UNRESOLVED && ingressValue !== "ip") {
            fromIngress = true;
        }
    }
    if (!fromIngress && overrides.length === 0) return undefined;

    const serviceList = overrides.map(o => o.service).join(", ");
    const overrideText = overrides.map(o => `Service ${o.service} whose ${albTargetType} ${describeValue(o.value)}`).join(" and ");
    const ingressText = () => `has ${albTargetType} ${describeValue(ingressValue)}`; // only when the Ingress's own value is known and counts
    if (overrides.length === 0) return `Ingress ${name} ${classText} ${ingressText()}: ${extraHop}. Fix: annotate ${albTargetType}: ip.`;
    const overridesText = `routes to ${overrideText} ${overrides.length > 1 ? "override" : "overrides"} the Ingress's`;
    const problem = fromIngress ? `${ingressText()}, and ${overridesText}` : overridesText;
    const fix = fromIngress ? `annotate ${albTargetType}: ip on the Ingress and on Service ${serviceList}` : `annotate Service ${serviceList} with ${albTargetType}: ip`;
    return `Ingress ${name} ${classText} ${problem}: ${extraHop}. Fix: ${fix}.`;
}

/**
 * Load balancers send traffic straight to pod IPs, not through a node port on a random instance.
 * A stack policy: an Ingress's target type depends on its IngressClass, IngressClassParams and
 * backend Services, which are other resources.
 */
export const lbTargetTypeIp: StackValidationPolicy = {
    name: "lb-target-type-ip",
    description: "Load balancer targets are pod IPs (target type ip), not Kubernetes nodes (instance mode); target groups of ECS tasks, Lambda or plain instances, and ones nothing forwards to, are not its concern.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { traffic: TRAFFIC_CONFIG_SCHEMA, zoneCount: ZONE_COUNT_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const { traffic, zoneCount = 3 } = args.getConfig<{ traffic?: TrafficConfig; zoneCount?: number }>();
        const northSouthGb = traffic?.northSouthGbPerMonth ?? 0;
        const costNote = northSouthGb > 0 ? ` ${instanceTargetCostNote(northSouthGb, zoneCount)}` : "";
        // Indexed once per stack, not scanned once per Ingress or target group.
        const services = byName(args.resources.filter(r => isKind(r.type, "core", "Service")));
        const classes = ingressClasses(args.resources);
        const evidence = targetGroupEvidence(args.resources);
        for (const resource of args.resources) {
            let finding: string | undefined;
            if (targetGroupTypes.has(resource.type)) finding = targetGroupFinding(resource, evidence);
            else if (isKind(resource.type, "networking.k8s.io", "Ingress") || isKind(resource.type, "extensions", "Ingress")) finding = ingressFinding(resource, classes, services);
            else if (isKind(resource.type, "core", "Service")) finding = loadBalancerServiceFinding(resource);
            if (finding !== undefined) reportViolation(finding + costNote, resource.urn);
        }
    },
};
