import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { randomRoutingCostNote, TRAFFIC_CONFIG_SCHEMA, TrafficConfig, ZONE_COUNT_CONFIG_SCHEMA } from "../lib/cost-model";
import { displayName, isKind, namespaceOf } from "../lib/kubernetes";
import { CROSS_AZ_PER_GB_EACH_DIRECTION } from "../lib/prices";
import { at, isUnknown, isUnknownAt, rawProps, shown } from "../lib/unknowns";

/** Values of spec.trafficDistribution that keep traffic in-zone. */
export const zoneLocalDistributions = ["PreferSameZone", "PreferSameNode", "PreferClose"];

/** A Service deliberately left on random routing, with why. */
export interface ServiceExemption {
    name: string;
    /** Namespace; any namespace when omitted. */
    namespace?: string;
    reason: string;
}

interface Config {
    exemptServices?: ServiceExemption[];
    traffic?: TrafficConfig;
    zoneCount?: number;
}

/**
 * Whether this Service is routed through kube-proxy's endpoint selection (and not exempt). A
 * Service without a selector has no controller-managed EndpointSlices, so trafficDistribution
 * would do nothing there: whoever writes its EndpointSlices decides.
 */
function needsDistribution(args: ResourceValidationArgs): "yes" | "no" | "unknown" {
    if (!isKind(args.type, "core", "Service")) return "no";
    const props = rawProps(args.props);
    if (["type", "clusterIP", "selector"].some(key => isUnknownAt(props, "spec", key))) return "unknown";
    if (at(props, "spec", "type") === "ExternalName" || at(props, "spec", "clusterIP") === "None") return "no";
    const selector = at(props, "spec", "selector");
    if (selector === null || typeof selector !== "object" || Object.keys(selector).length === 0) return "no";
    return exemption(args);
}

/**
 * Whether an exemption names this Service: "no" when one surely does, "unknown" when one could
 * (its name or namespace is an output not known yet, e.g. an auto-named Namespace's name), "yes"
 * when none can, whatever the unknowns turn out to be.
 */
function exemption(args: ResourceValidationArgs): "yes" | "no" | "unknown" {
    const { exemptServices = [] } = args.getConfig<Config>();
    const props = rawProps(args.props);
    const nameUnknown = isUnknownAt(props, "metadata", "name");
    const name = nameUnknown ? undefined : props.metadata?.name ?? args.name;
    const namespace = namespaceOf(props, args.provider); // undefined while unknown
    const nameMatches = (e: ServiceExemption) => nameUnknown || e.name === name;
    const namespaceMatches = (e: ServiceExemption) => e.namespace === undefined || namespace === undefined || e.namespace === namespace;
    const candidates = exemptServices.filter(e => nameMatches(e) && namespaceMatches(e));
    if (candidates.length === 0) return "yes";
    const sure = !nameUnknown && candidates.some(e => e.namespace === undefined || e.namespace === namespace);
    return sure ? "no" : "unknown";
}

/** Services route to endpoints in the caller's zone (or node) instead of uniformly at random. */
export const serviceTrafficDistribution: ResourceValidationPolicy = {
    name: "service-traffic-distribution",
    description: "ClusterIP, NodePort and LoadBalancer Services set spec.trafficDistribution so traffic stays in its zone.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            exemptServices: {
                type: "array",
                description: "Services left on random routing on purpose (e.g. a measurement baseline).",
                items: {
                    type: "object",
                    properties: {
                        name: { type: "string", minLength: 1 },
                        namespace: { type: "string", minLength: 1 },
                        reason: { type: "string", minLength: 1, pattern: "\\S" },
                    },
                    required: ["name", "reason"],
                    additionalProperties: false,
                },
            },
            traffic: TRAFFIC_CONFIG_SCHEMA,
            zoneCount: ZONE_COUNT_CONFIG_SCHEMA,
        },
    },
    validateResource: (args, reportViolation) => {
        if (needsDistribution(args) !== "yes") return;
        const props = rawProps(args.props);
        const value = props.spec?.trafficDistribution;
        if (isUnknown(value) || zoneLocalDistributions.includes(value)) return;
        const { traffic, zoneCount = 3 } = args.getConfig<Config>();
        const eastWestGb = traffic?.eastWestGbPerMonth ?? 0;
        reportViolation(
            `Service ${displayName(props.metadata, args.name, args.provider)} ${value === undefined ? "has no spec.trafficDistribution" : `has spec.trafficDistribution ${shown(value)}`}: ` +
            `with endpoints in N zones every request has a (N-1)/N chance to cross zones at $${(2 * CROSS_AZ_PER_GB_EACH_DIRECTION).toFixed(2)}/GB round trip. ` +
            `Fix: set spec.trafficDistribution: PreferSameZone (or exempt it in this policy's exemptServices with a reason).` +
            (eastWestGb > 0 ? ` ${randomRoutingCostNote(eastWestGb, zoneCount)}` : ""),
        );
    },
    remediateResource: args => {
        if (needsDistribution(args) !== "yes") return undefined;
        const props = rawProps(args.props);
        const value = props.spec?.trafficDistribution;
        if (isUnknown(value) || zoneLocalDistributions.includes(value)) return undefined;
        return { ...props, spec: { ...props.spec, trafficDistribution: "PreferSameZone" } };
    },
};
