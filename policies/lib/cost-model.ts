/**
 * The cost model: pure functions from traffic volumes and layout facts to monthly dollars.
 * Policy messages, the offline preview's cost report and the in-cluster measurement all quote
 * these, so a figure means the same thing everywhere.
 *
 * Assumptions (docs/cost-model.md repeats them):
 * - A byte that crosses an AZ boundary costs $0.02/GB: billed out of one AZ and into the other.
 * - Traffic is spread evenly over the zones: with N zones, random routing crosses with
 *   probability (N-1)/N, and k of N zones without their own NAT send k/N of NAT-bound traffic
 *   across a zone.
 * - Gateway endpoints (S3, DynamoDB) are free; an interface endpoint costs PrivateLink data
 *   processing only (a pod reaching an endpoint ENI in another AZ is not billed as cross-AZ).
 * - ECR image layers are served from S3, so `ecr` traffic takes the S3 path (gateway endpoint if
 *   there is one); the ecr.api/ecr.dkr API calls themselves are small and not priced.
 * - Zone-preferring Services (PreferSameZone, PreferSameNode, PreferClose, topology-aware
 *   routing) keep east-west traffic in-zone; the <1% that crosses during EndpointSlice updates
 *   is left out.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import {
    CROSS_AZ_PER_GB_EACH_DIRECTION, HOURS_PER_MONTH, INTERFACE_ENDPOINT_PER_AZ_HOUR, NAT_GATEWAY_PER_HOUR,
    NAT_PROCESSING_PER_GB, PRIVATELINK_PROCESSING_PER_GB,
} from "./prices";

/**
 * Share of requests that land in another zone when kube-proxy picks an endpoint at random
 * and endpoints are spread evenly over zoneCount zones: (N-1)/N.
 */
export function randomRoutingCrossAzShare(zoneCount: number): number {
    return zoneCount <= 1 ? 0 : (zoneCount - 1) / zoneCount;
}

/**
 * Monthly cost of gbPerMonth of traffic of which crossAzShare leaves its zone. A byte that
 * crosses is billed twice, out of one AZ and into the other ($0.01 + $0.01 per GB).
 */
export function crossAzTransferCost(gbPerMonth: number, crossAzShare: number): number {
    return gbPerMonth * crossAzShare * 2 * CROSS_AZ_PER_GB_EACH_DIRECTION;
}

/** AWS services whose traffic the cost model routes (GB per month each). */
export const AWS_TRAFFIC_SERVICES = ["s3", "ecr", "logs", "sts", "dynamodb"] as const;
export type AwsTrafficService = (typeof AWS_TRAFFIC_SERVICES)[number];

/** The stack's traffic volumes, GB per month. Mirrors the `traffic` stack config section. */
export interface TrafficProfile {
    /** Pod-to-pod traffic through Services (not attributed to a named service). */
    eastWestGbPerMonth: number;
    /** Traffic from private subnets to AWS service APIs. */
    awsServiceGbPerMonth: Record<AwsTrafficService, number>;
    /** Traffic from private subnets to the internet (always through NAT). */
    internetEgressGbPerMonth: number;
    /** Load-balancer (north-south) traffic to the workloads behind it. */
    northSouthGbPerMonth: number;
}

/** JSON schema of a TrafficProfile, for a policy's configSchema: `configSchema: {properties: {traffic: TRAFFIC_CONFIG_SCHEMA}}`. */
export const TRAFFIC_CONFIG_SCHEMA: PolicyConfigJSONSchema = {
    type: "object",
    description: "The stack's traffic volumes in GB/month; the offline preview fills it from the stack's `traffic` config section.",
    properties: {
        eastWestGbPerMonth: { type: "number", minimum: 0 },
        awsServiceGbPerMonth: {
            type: "object",
            properties: Object.fromEntries(AWS_TRAFFIC_SERVICES.map(s => [s, { type: "number", minimum: 0 }])),
            additionalProperties: false,
        },
        internetEgressGbPerMonth: { type: "number", minimum: 0 },
        northSouthGbPerMonth: { type: "number", minimum: 0 },
    },
    additionalProperties: false,
};

/** A TrafficProfile as a policy's config carries it: any volume may be left out (0). */
export type TrafficConfig = Partial<Omit<TrafficProfile, "awsServiceGbPerMonth">> & { awsServiceGbPerMonth?: Partial<Record<AwsTrafficService, number>> };

/** The zone count a resource policy prices with, from its config: `zoneCount` (default 3). */
export const ZONE_COUNT_CONFIG_SCHEMA: PolicyConfigJSONSchema = {
    type: "integer",
    minimum: 2,
    default: 3,
    description: "AZs the stack's workloads run in; prices the cross-AZ share in messages.",
};

/** Fills the missing volumes of a partial profile (as a policy gets it from config) with 0. */
export function trafficProfile(partial: TrafficConfig = {}): TrafficProfile {
    return {
        eastWestGbPerMonth: partial.eastWestGbPerMonth ?? 0,
        awsServiceGbPerMonth: Object.fromEntries(AWS_TRAFFIC_SERVICES.map(s => [s, partial.awsServiceGbPerMonth?.[s] ?? 0])) as Record<AwsTrafficService, number>,
        internetEgressGbPerMonth: partial.internetEgressGbPerMonth ?? 0,
        northSouthGbPerMonth: partial.northSouthGbPerMonth ?? 0,
    };
}

/** The VPC endpoints a layout has, by service name as in the network config (s3, dynamodb, ecr.dkr, logs, ...). */
export interface EndpointLayout {
    gateway: string[];
    /** Interface endpoints and how many AZs each has an ENI in. */
    interface: { service: string; azCount: number }[];
}

/**
 * The endpoint layout of a stack's aws:ec2/vpcEndpoint inputs (serviceName, vpcEndpointType,
 * subnetIds); an interface endpoint without known subnets is counted in every zone. Leave out
 * endpoints whose service or type is unknown first (knownEndpoints in vpc-layout.ts): this module
 * also ships to pods, so it cannot read the policy SDK's unknown markers.
 */
export function endpointLayoutOf(endpoints: Record<string, any>[], zoneCount: number): EndpointLayout {
    const layout: EndpointLayout = { gateway: [], interface: [] };
    for (const { serviceName, vpcEndpointType = "Gateway", subnetIds } of endpoints) { // Gateway: AWS's default type
        if (typeof serviceName !== "string") continue;
        const service = endpointService(serviceName);
        if (vpcEndpointType === "Gateway") layout.gateway.push(service);
        else if (vpcEndpointType === "Interface") layout.interface.push({ service, azCount: Array.isArray(subnetIds) ? subnetIds.length : zoneCount });
    }
    return layout;
}

/** Where each AWS service's traffic goes: free gateway endpoint, interface endpoint (PrivateLink), or NAT. */
export interface AwsTrafficRouting {
    viaGatewayEndpointGb: number;
    viaInterfaceEndpointGb: number;
    viaNatGb: number;
}

/** "com.amazonaws.us-east-1.ecr.dkr" -> "ecr.dkr", the name the network config and the cost model use. */
export const endpointService = (serviceName: string) => serviceName.replace(/^com\.amazonaws\.[a-z0-9-]+\./, "");

/** The endpoint service that carries each traffic service's bytes (ECR layers are S3 objects). */
const ENDPOINT_FOR: Record<AwsTrafficService, string> = { s3: "s3", ecr: "s3", logs: "logs", sts: "sts", dynamodb: "dynamodb" };

export function routeAwsServiceTraffic(volumes: Record<AwsTrafficService, number>, endpoints: EndpointLayout): AwsTrafficRouting {
    const routing: AwsTrafficRouting = { viaGatewayEndpointGb: 0, viaInterfaceEndpointGb: 0, viaNatGb: 0 };
    for (const service of AWS_TRAFFIC_SERVICES) {
        const endpoint = ENDPOINT_FOR[service];
        if (endpoints.gateway.includes(endpoint)) routing.viaGatewayEndpointGb += volumes[service];
        else if (endpoints.interface.some(e => e.service === endpoint)) routing.viaInterfaceEndpointGb += volumes[service];
        else routing.viaNatGb += volumes[service];
    }
    return routing;
}

/** GB/month that reaches the NAT gateways: internet egress plus AWS-service traffic no endpoint takes. */
export function natBoundGbPerMonth(traffic: TrafficProfile, endpoints: EndpointLayout): number {
    return traffic.internetEgressGbPerMonth + routeAwsServiceTraffic(traffic.awsServiceGbPerMonth, endpoints).viaNatGb;
}

/** NAT gateway data processing ($0.045/GB in any AZ). */
export const natProcessingCost = (gbPerMonth: number) => gbPerMonth * NAT_PROCESSING_PER_GB;
/** Hourly charge of natGatewayCount NAT gateways for a month ($32.40 each). */
export const natGatewayHoursCost = (natGatewayCount: number) => natGatewayCount * NAT_GATEWAY_PER_HOUR * HOURS_PER_MONTH;
/** Hourly charge of interface endpoints for a month: one ENI per endpoint per AZ ($7.20 each). */
export const interfaceEndpointHoursCost = (endpointAzCount: number) => endpointAzCount * INTERFACE_ENDPOINT_PER_AZ_HOUR * HOURS_PER_MONTH;
/** PrivateLink data processing of traffic through interface endpoints ($0.01/GB). */
export const privateLinkProcessingCost = (gbPerMonth: number) => gbPerMonth * PRIVATELINK_PROCESSING_PER_GB;

/**
 * nat-gateway-per-az: monthly cross-AZ cost of NAT-bound traffic when azsWithoutOwnNat of
 * zoneCount zones send it to a NAT gateway in another zone (a single NAT: k = N-1).
 */
export function natCrossAzEgressCost(natBoundGb: number, azsWithoutOwnNat: number, zoneCount: number): number {
    return zoneCount <= 0 ? 0 : crossAzTransferCost(natBoundGb, Math.min(azsWithoutOwnNat, zoneCount) / zoneCount);
}

/** nat-gateway-per-az: GB/month of one AZ's NAT-bound traffic above which its own NAT gateway pays for itself (1,620 GB). */
export function natGatewayBreakEvenGbPerMonth(): number {
    return natGatewayHoursCost(1) / (2 * CROSS_AZ_PER_GB_EACH_DIRECTION);
}

/**
 * lb-target-type-ip: monthly cost of the extra kube-proxy hop of instance-mode targets. The
 * load balancer reaches a NodePort on some node, and kube-proxy forwards to a random pod, in
 * another zone with probability (N-1)/N. ip targets reach the pod directly.
 */
export function instanceTargetExtraHopCost(northSouthGb: number, zoneCount: number): number {
    return crossAzTransferCost(northSouthGb, randomRoutingCrossAzShare(zoneCount));
}

/** service-traffic-distribution: monthly cross-AZ cost of a Service routing gbPerMonth at random over zoneCount zones. */
export function randomRoutingCost(gbPerMonth: number, zoneCount: number): number {
    return crossAzTransferCost(gbPerMonth, randomRoutingCrossAzShare(zoneCount));
}

/** "$1,234.56/month": the one way policy messages and the cost report print money. */
export function formatMonthlyUsd(dollars: number): string {
    return `$${dollars.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}/month`;
}

/** One VPC with private subnets, as the cost report prices it. */
export interface NetworkCostLayout {
    /** The VPC's name in the report. */
    name: string;
    /** AZs of its private subnets. */
    zoneCount: number;
    natGatewayCount: number;
    /** Zones whose private subnets route 0.0.0.0/0 to a NAT gateway in another zone. */
    azsWithoutOwnNat: number;
    endpoints: EndpointLayout;
}

/** What the cost report needs to know about a layout, read from the resource graph (or the defaults). */
export interface CostLayout {
    /** AZs the workloads run in (east-west and load-balancer traffic). */
    zoneCount: number;
    /** The VPCs with private subnets the program declares; NAT-bound and AWS-service traffic is split evenly over them. */
    networks: NetworkCostLayout[];
    /** Share (0-1) of east-west GB carried by Services that route in-zone. */
    eastWestInZoneShare: number;
    /** Share (0-1) of north-south GB that reaches instance-mode targets on Kubernetes nodes (the kube-proxy hop). */
    northSouthInstanceShare: number;
    /** Share (0-1) of north-south GB that reaches Kubernetes workloads: what instance mode would put behind the hop. */
    northSouthKubernetesShare: number;
}

/**
 * The layout "before" compares against: the same VPCs and AZs, each with one NAT gateway and no
 * endpoints; random routing; instance targets wherever the targets are Kubernetes workloads.
 */
export function defaultLayout(layout: CostLayout): CostLayout {
    return {
        zoneCount: layout.zoneCount,
        networks: layout.networks.map(network => ({
            name: network.name,
            zoneCount: network.zoneCount,
            natGatewayCount: 1,
            azsWithoutOwnNat: Math.max(network.zoneCount - 1, 0),
            endpoints: { gateway: [], interface: [] },
        })),
        eastWestInZoneShare: 0,
        northSouthInstanceShare: layout.northSouthKubernetesShare,
        northSouthKubernetesShare: layout.northSouthKubernetesShare,
    };
}

export const COST_LINE_ITEMS = [
    "east-west-cross-az", "lb-extra-hop", "nat-processing", "nat-cross-az", "nat-gateway-hours",
    "interface-endpoint-hours", "privatelink-processing",
] as const;
export type CostLineItem = (typeof COST_LINE_ITEMS)[number];

/** One line's dollars and the inputs of its formula, so a reader can redo the arithmetic. */
export interface CostLineFigure {
    dollars: number;
    formula: string;
}

/** Monthly cost of every line for one layout. */
export function estimateMonthlyCost(traffic: TrafficProfile, layout: CostLayout): Record<CostLineItem, CostLineFigure> {
    const n = layout.zoneCount;
    const randomShare = randomRoutingCrossAzShare(n);
    const eastWestRandomGb = traffic.eastWestGbPerMonth * (1 - layout.eastWestInZoneShare);
    const instanceGb = traffic.northSouthGbPerMonth * layout.northSouthInstanceShare;
    return {
        "east-west-cross-az": {
            dollars: crossAzTransferCost(eastWestRandomGb, randomShare),
            formula: `${gb(eastWestRandomGb)} randomly routed x ${share(randomShare)} cross-AZ (${n} AZs) x $0.02`,
        },
        "lb-extra-hop": {
            dollars: instanceTargetExtraHopCost(instanceGb, n),
            formula: `${gb(instanceGb)} to instance targets x ${share(randomShare)} cross-AZ x $0.02`,
        },
        ...networkLines(traffic, layout.networks),
    };
}

type NetworkLineItem = Exclude<CostLineItem, "east-west-cross-az" | "lb-extra-hop">;
const NETWORK_LINE_ITEMS = COST_LINE_ITEMS.filter((item): item is NetworkLineItem => item !== "east-west-cross-az" && item !== "lb-extra-hop");

/**
 * The NAT and endpoint lines, summed over the VPCs; each VPC carries an even share of the
 * NAT-bound and AWS-service traffic. With no VPC declared they are $0: the traffic leaves through
 * a network the program does not show, and nothing here can change what it costs.
 */
function networkLines(traffic: TrafficProfile, networks: NetworkCostLayout[]): Record<NetworkLineItem, CostLineFigure> {
    if (networks.length === 0) {
        return Object.fromEntries(NETWORK_LINE_ITEMS.map(item => [item, { dollars: 0, formula: "no VPC with private subnets declared" }])) as Record<NetworkLineItem, CostLineFigure>;
    }
    const perNetwork = networks.map(network => networkFigures(vpcShare(traffic, networks.length), network));
    return Object.fromEntries(NETWORK_LINE_ITEMS.map(item => [item, {
        dollars: perNetwork.reduce((sum, figures) => sum + figures[item].dollars, 0),
        formula: networks.length === 1 ? perNetwork[0][item].formula
            : perNetwork.map((figures, i) => `${networks[i].name}: ${figures[item].formula}`).join("; "),
    }])) as Record<NetworkLineItem, CostLineFigure>;
}

function networkFigures(traffic: TrafficProfile, network: NetworkCostLayout): Record<NetworkLineItem, CostLineFigure> {
    const n = network.zoneCount;
    const routing = routeAwsServiceTraffic(traffic.awsServiceGbPerMonth, network.endpoints);
    const natGb = network.natGatewayCount > 0 ? traffic.internetEgressGbPerMonth + routing.viaNatGb : 0;
    const endpointAzs = network.endpoints.interface.reduce((sum, e) => sum + e.azCount, 0);
    return {
        "nat-processing": {
            dollars: natProcessingCost(natGb),
            formula: `${gb(natGb)} through NAT x $0.045`,
        },
        "nat-cross-az": {
            dollars: natCrossAzEgressCost(natGb, network.azsWithoutOwnNat, n),
            formula: `${gb(natGb)} through NAT x ${network.azsWithoutOwnNat}/${n} AZs without own NAT x $0.02`,
        },
        "nat-gateway-hours": {
            dollars: natGatewayHoursCost(network.natGatewayCount),
            formula: `${network.natGatewayCount} NAT x 720 h x $0.045`,
        },
        "interface-endpoint-hours": {
            dollars: interfaceEndpointHoursCost(endpointAzs),
            formula: `${network.endpoints.interface.length} endpoints, ${endpointAzs} endpoint-AZs x 720 h x $0.01`,
        },
        "privatelink-processing": {
            dollars: privateLinkProcessingCost(routing.viaInterfaceEndpointGb),
            formula: `${gb(routing.viaInterfaceEndpointGb)} through interface endpoints x $0.01`,
        },
    };
}

/** One VPC's share of the stack's NAT-side traffic (internet egress, AWS services) when `vpcCount` VPCs split it evenly. */
export function vpcShare(traffic: TrafficProfile, vpcCount: number): TrafficProfile {
    const factor = 1 / Math.max(vpcCount, 1);
    return {
        ...traffic,
        internetEgressGbPerMonth: traffic.internetEgressGbPerMonth * factor,
        awsServiceGbPerMonth: Object.fromEntries(AWS_TRAFFIC_SERVICES.map(s => [s, traffic.awsServiceGbPerMonth[s] * factor])) as Record<AwsTrafficService, number>,
    };
}

/** Dollars (or any figure) rounded to cents, as every report prints them. */
export const cents = (value: number) => Math.round(value * 100) / 100;
const gb = (value: number) => `${cents(value)} GB`;
const share = (value: number) => `${cents(value * 100)}%`;

/** "1,620 GB/month": how messages print a monthly volume. */
export const formatGbPerMonth = (gb: number) => `${Math.round(gb).toLocaleString("en-US")} GB/month`;
const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * nat-gateway-per-az's price sentence for a stack with traffic inputs: what the zones without
 * their own NAT pay in cross-AZ transfer, against the hours of the NAT gateways that would fix it.
 */
export function natGatewayPerAzCostNote(traffic: TrafficProfile, endpoints: EndpointLayout, azsWithoutOwnNat: number, zoneCount: number): string {
    const natGb = natBoundGbPerMonth(traffic, endpoints);
    return `At ${formatGbPerMonth(natGb)} through NAT, ${azsWithoutOwnNat} of ${zoneCount} AZs reaching a NAT gateway in another AZ cost `
        + `${formatMonthlyUsd(natCrossAzEgressCost(natGb, azsWithoutOwnNat, zoneCount))} in cross-AZ transfer ($0.02/GB, both directions); `
        + `${azsWithoutOwnNat} more NAT gateway(s) cost ${formatMonthlyUsd(natGatewayHoursCost(azsWithoutOwnNat))} `
        + `(break-even ${formatGbPerMonth(natGatewayBreakEvenGbPerMonth())} of NAT-bound traffic per AZ).`;
}

/** lb-target-type-ip's price sentence: the kube-proxy hop of instance targets for the stack's northSouthGb of load-balancer traffic. */
export function instanceTargetCostNote(northSouthGb: number, zoneCount: number): string {
    return `If the stack's ${formatGbPerMonth(northSouthGb)} of load-balancer traffic reaches instance targets, the extra kube-proxy hop crosses AZs `
        + `${percent(randomRoutingCrossAzShare(zoneCount))} of the time over ${zoneCount} AZs: ${formatMonthlyUsd(instanceTargetExtraHopCost(northSouthGb, zoneCount))} ($0.02/GB).`;
}

/** service-traffic-distribution's price sentence: the stack's east-west gbPerMonth routed at random. */
export function randomRoutingCostNote(gbPerMonth: number, zoneCount: number): string {
    return `If the stack's ${formatGbPerMonth(gbPerMonth)} of east-west traffic were routed at random over ${zoneCount} AZs, `
        + `${percent(randomRoutingCrossAzShare(zoneCount))} of it would cross AZs: ${formatMonthlyUsd(randomRoutingCost(gbPerMonth, zoneCount))} ($0.02/GB); PreferSameZone keeps it in-zone.`;
}
