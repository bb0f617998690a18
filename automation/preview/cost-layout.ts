/**
 * Reads the facts the cost model needs from a resource graph: per VPC, its zones, NAT gateways,
 * zones that reach a NAT in another zone and VPC endpoints (policies/lib/vpc-layout.ts, the
 * reader the policy pack uses too); which Services route in-zone and which load-balancer targets
 * are instance-mode. What the graph does not declare is assumed to be the default (random
 * routing, instance targets) and said so in a note; a network it does not declare is not priced.
 */
import type { PolicyResource } from "@pulumi/policy";
import { CostLayout, endpointLayoutOf } from "../../policies/lib/cost-model";
import { knownEndpoints, stackNetwork } from "../../policies/lib/vpc-layout";
import { targetGroupTypes } from "../../policies/lib/aws-types";
import { isInstanceMode, targetGroupEvidence, targetGroupTargets } from "../../policies/lib/target-groups";

/** A resource as the stack policies see it: secrets unwrapped, unknowns the engine's unknown marker, aws ids among the props. */
export interface GraphResource {
    urn: string;
    type: string;
    name: string;
    inputs: Record<string, any>;
    propertyDependencies: Record<string, string[]>;
}

export interface EastWestVolumes {
    /** Traffic of Services without a figure of their own, split evenly over them. */
    unattributedGbPerMonth: number;
    /** Per Kubernetes Service name (metadata.name). */
    perServiceGbPerMonth: Record<string, number>;
}

/** Zones assumed when the graph declares no subnets. */
export const ASSUMED_ZONE_COUNT = 3;

const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = /^kubernetes:networking\.k8s\.io\/v1(beta1)?:Ingress$/;
const IN_ZONE_DISTRIBUTIONS = ["PreferSameZone", "PreferSameNode", "PreferClose"];

export function costLayoutFromGraph(resources: GraphResource[], eastWest: EastWestVolumes): { layout: CostLayout; notes: string[] } {
    const policyView = asPolicyResources(resources);
    const network = stackNetwork(policyView);
    const notes = [...network.notes];
    const zones = new Set(network.vpcs.flatMap(vpc => vpc.privateZones));
    let zoneCount = zones.size;
    if (zoneCount === 0) {
        zoneCount = ASSUMED_ZONE_COUNT;
        notes.push(`no subnets with a known AZ: assumed ${ASSUMED_ZONE_COUNT} AZs`);
    }
    if (network.vpcs.length === 0) {
        notes.push("no VPC with private subnets declared: the NAT gateway and VPC endpoint lines are $0 before and after (egress leaves through a network the program does not show)");
    } else if (network.vpcs.length > 1) {
        notes.push(`NAT-bound and AWS-service traffic split evenly over ${network.vpcs.length} VPCs (${network.vpcs.map(v => v.name).join(", ")}); "before" gives each one NAT gateway`);
    }
    const of = (match: (type: string) => boolean) => resources.filter(r => match(r.type));
    const eastWestShare = eastWestInZoneShare(of(t => t === SERVICE), eastWest, notes);
    const northSouth = northSouthShares(of, policyView, notes);
    return {
        layout: {
            zoneCount,
            networks: network.vpcs.map(vpc => {
                const vpcZoneCount = Math.max(vpc.privateZones.length, 1);
                return {
                    name: vpc.name,
                    zoneCount: vpcZoneCount,
                    natGatewayCount: vpc.natGatewayCount,
                    azsWithoutOwnNat: vpc.zonesWithoutOwnNat.length,
                    endpoints: endpointLayoutOf(knownEndpoints(vpc.endpoints), vpcZoneCount),
                };
            }),
            eastWestInZoneShare: eastWestShare,
            northSouthInstanceShare: northSouth.instance,
            northSouthKubernetesShare: northSouth.kubernetes,
        },
        notes,
    };
}

/** The shape stack policies get, so the network is read by the pack's own reader. */
function asPolicyResources(resources: GraphResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const converted = resources.map(r => {
        const resource = { urn: r.urn, type: r.type, name: r.name, props: r.inputs, propertyDependencies: {} } as unknown as PolicyResource;
        byUrn.set(r.urn, resource);
        return resource;
    });
    resources.forEach((r, i) => {
        const dependencies = converted[i].propertyDependencies as Record<string, PolicyResource[]>;
        for (const [key, urns] of Object.entries(r.propertyDependencies)) dependencies[key] = urns.map(urn => byUrn.get(urn)).filter((d): d is PolicyResource => !!d);
    });
    return converted;
}

/** Services that load-balance over endpoints (headless and ExternalName Services do not). */
function routedServices(services: GraphResource[]): GraphResource[] {
    return services.filter(s => {
        const spec = s.inputs.spec ?? {};
        return spec.type !== "ExternalName" && spec.clusterIP !== "None";
    });
}

function routesInZone(service: GraphResource): boolean {
    const annotations = service.inputs.metadata?.annotations ?? {};
    return IN_ZONE_DISTRIBUTIONS.includes(service.inputs.spec?.trafficDistribution)
        || annotations["service.kubernetes.io/topology-mode"]?.toLowerCase?.() === "auto"
        || annotations["service.kubernetes.io/topology-aware-hints"]?.toLowerCase?.() === "auto";
}

function eastWestInZoneShare(allServices: GraphResource[], volumes: EastWestVolumes, notes: string[]): number {
    const services = routedServices(allServices);
    if (services.length === 0) {
        notes.push("no Kubernetes Service declared: east-west traffic assumed randomly routed");
        return 0;
    }
    const named = (s: GraphResource) => volumes.perServiceGbPerMonth[s.inputs.metadata?.name];
    const unattributed = services.filter(s => named(s) === undefined);
    const share = unattributed.length > 0 ? volumes.unattributedGbPerMonth / unattributed.length : 0;
    let total = 0;
    let inZone = 0;
    for (const service of services) {
        const gb = named(service) ?? share;
        total += gb;
        if (routesInZone(service)) inZone += gb;
    }
    const missing = Object.keys(volumes.perServiceGbPerMonth).filter(name => !services.some(s => s.inputs.metadata?.name === name));
    if (missing.length > 0) notes.push(`traffic for ${missing.join(", ")} matches no declared Service: left out of east-west`);
    if (unattributed.length > 0 && volumes.unattributedGbPerMonth > 0) {
        notes.push(`east-west ${volumes.unattributedGbPerMonth} GB split evenly over ${unattributed.length} Service(s) without a figure of their own`);
    }
    return total > 0 ? inZone / total : 0;
}

/**
 * Of the north-south traffic (split evenly over the declared targets): the share that reaches
 * instance-mode targets on Kubernetes nodes (the kube-proxy hop, "after"), and the share that
 * reaches Kubernetes workloads at all (the hop the default layout's instance targets would add,
 * "before"). ECS tasks, Lambda and plain instances have no such hop in either mode; a target group
 * nothing forwards to carries nothing.
 */
function northSouthShares(of: (match: (type: string) => boolean) => GraphResource[], policyView: PolicyResource[], notes: string[]): { instance: number; kubernetes: number } {
    const targets: { kubernetes: boolean; instance: boolean }[] = [];
    const evidence = targetGroupEvidence(policyView);
    for (const group of policyView.filter(r => targetGroupTypes.has(r.type))) {
        const instance = isInstanceMode(group);
        const kind = targetGroupTargets(group, evidence).kind;
        if (instance === undefined || kind === "unused" || kind === "undetermined") continue;
        targets.push({ kubernetes: kind === "kubernetes-nodes", instance });
    }
    for (const ingress of of(t => INGRESS.test(t))) {
        const annotations = ingress.inputs.metadata?.annotations ?? {};
        const ingressClass = ingress.inputs.spec?.ingressClassName ?? annotations["kubernetes.io/ingress.class"];
        if (ingressClass !== "alb") continue;
        targets.push({ kubernetes: true, instance: annotations["alb.ingress.kubernetes.io/target-type"] !== "ip" });
    }
    for (const service of of(t => t === SERVICE).filter(s => s.inputs.spec?.type === "LoadBalancer")) {
        const annotations = service.inputs.metadata?.annotations ?? {};
        targets.push({ kubernetes: true, instance: annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] !== "ip" });
    }
    if (targets.length === 0) {
        notes.push("no load-balancer target declared: north-south traffic assumed to reach instance targets on Kubernetes nodes");
        return { instance: 1, kubernetes: 1 };
    }
    const share = (match: (t: { kubernetes: boolean; instance: boolean }) => boolean) => targets.filter(match).length / targets.length;
    return { instance: share(t => t.kubernetes && t.instance), kubernetes: share(t => t.kubernetes) };
}
