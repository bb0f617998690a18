/**
 * When an interface VPC endpoint pays for itself: its hours in every AZ plus PrivateLink
 * processing, against the NAT processing and the cross-AZ NAT transfer its traffic would
 * otherwise pay. Each endpoint's balance is independent of the others (NAT charges are linear in
 * GB, NAT hours do not change), so the cheapest set is every endpoint whose saving exceeds its
 * cost, plus those the workloads cannot run without.
 */
import {
    AwsTrafficService, CostLayout, crossAzTransferCost, interfaceEndpointHoursCost, natProcessingCost, NetworkCostLayout,
    privateLinkProcessingCost, TrafficProfile, vpcShare,
} from "./cost-model";
import { CROSS_AZ_PER_GB_EACH_DIRECTION, HOURS_PER_MONTH, INTERFACE_ENDPOINT_PER_AZ_HOUR, NAT_PROCESSING_PER_GB, PRIVATELINK_PROCESSING_PER_GB } from "./prices";

/**
 * The traffic figure each interface endpoint carries. ecr.api and ecr.dkr carry auth and
 * manifests only: the image layers are S3 objects, taken by the (free) S3 gateway endpoint.
 * Other endpoints (ssm, kms, ...) carry no figure the traffic section has.
 */
export const INTERFACE_ENDPOINT_TRAFFIC: Readonly<Record<string, AwsTrafficService>> = { logs: "logs", sts: "sts" };

/** The gateway endpoints every VPC can have for free. */
const GATEWAY_ENDPOINTS = ["s3", "dynamodb"];

/**
 * Interface endpoints private subnets need to run at all when they have no NAT gateway: image
 * pulls (ecr.api, ecr.dkr; layers through the S3 gateway endpoint), credentials (sts), logs;
 * EKS nodes also reach ec2 and, for Pod Identity, eks-auth. Sources: the EKS User Guide, "Deploy
 * private clusters with limited internet access", and the ECS Developer Guide, "Amazon ECS
 * interface VPC endpoints (AWS PrivateLink)".
 */
export function endpointsRequiredWithoutNat(workloads: { eks: boolean; ecs: boolean }): string[] {
    if (!workloads.eks && !workloads.ecs) return [];
    return ["ecr.api", "ecr.dkr", "sts", "logs", ...(workloads.eks ? ["ec2", "eks-auth"] : [])];
}

export interface EndpointBalance {
    service: string;
    /** GB/month of its traffic (0 when the traffic section has no figure for it). */
    gbPerMonth: number;
    /** Endpoint hours in every AZ plus PrivateLink processing. */
    monthlyCost: number;
    /** What the same bytes cost through the NAT gateways: processing plus the cross-AZ share. */
    monthlySaving: number;
    /** GB/month above which it pays for itself; undefined when no volume does (no NAT to save on). */
    breakEvenGbPerMonth?: number;
}

/** One VPC's NAT layout, as the balance needs it. */
export interface NatLayout {
    zoneCount: number;
    natGatewayCount: number;
    /** Zones whose private subnets reach a NAT gateway in another zone. */
    azsWithoutOwnNat: number;
}

export function endpointBalance(service: string, gbPerMonth: number, azCount: number, nat: NatLayout): EndpointBalance {
    const crossShare = nat.zoneCount > 0 ? Math.min(nat.azsWithoutOwnNat, nat.zoneCount) / nat.zoneCount : 0;
    const monthlyCost = interfaceEndpointHoursCost(azCount) + privateLinkProcessingCost(gbPerMonth);
    const monthlySaving = nat.natGatewayCount > 0 ? natProcessingCost(gbPerMonth) + crossAzTransferCost(gbPerMonth, crossShare) : 0;
    const savedPerGb = NAT_PROCESSING_PER_GB + 2 * CROSS_AZ_PER_GB_EACH_DIRECTION * crossShare - PRIVATELINK_PROCESSING_PER_GB;
    const breakEvenGbPerMonth = nat.natGatewayCount > 0 && savedPerGb > 0 ? azCount * INTERFACE_ENDPOINT_PER_AZ_HOUR * HOURS_PER_MONTH / savedPerGb : undefined;
    return { service, gbPerMonth, monthlyCost, monthlySaving, breakEvenGbPerMonth };
}

/** The GB/month of the stack's traffic an interface endpoint would carry. */
export function endpointTrafficGb(service: string, traffic: TrafficProfile): number {
    const trafficService = INTERFACE_ENDPOINT_TRAFFIC[service];
    return trafficService ? traffic.awsServiceGbPerMonth[trafficService] : 0;
}

/**
 * The cheapest interface endpoints for one VPC: the required ones, and each endpoint with a
 * traffic figure whose saving exceeds its cost. `candidates` are the services to weigh.
 */
export function cheapestInterfaceEndpoints(candidates: readonly string[], required: readonly string[], traffic: TrafficProfile, nat: NatLayout): string[] {
    const paysForItself = (service: string) => {
        const balance = endpointBalance(service, endpointTrafficGb(service, traffic), nat.zoneCount, nat);
        return balance.monthlySaving > balance.monthlyCost;
    };
    return candidates.filter(service => required.includes(service) || paysForItself(service));
}

/** One endpoint change between the declared layout and the cheapest one. */
export interface EndpointChange {
    network: string;
    service: string;
    kind: "gateway" | "interface";
    action: "add" | "drop";
}

/**
 * The cheapest endpoint set for the layout's own NAT gateways, VPC by VPC: both gateway endpoints
 * (free), and the interface endpoints cheapestInterfaceEndpoints picks from those declared and
 * those with a traffic figure. A VPC without NAT gateways keeps every interface endpoint it has:
 * without them its subnets have no way out.
 */
export function cheapestEndpointLayout(layout: CostLayout, traffic: TrafficProfile): { layout: CostLayout; changes: EndpointChange[] } {
    const changes: EndpointChange[] = [];
    const perVpcTraffic = vpcShare(traffic, layout.networks.length);
    const networks = layout.networks.map((network): NetworkCostLayout => {
        const declared = network.endpoints.interface.map(e => e.service);
        const candidates = [...new Set([...declared, ...Object.keys(INTERFACE_ENDPOINT_TRAFFIC)])];
        const required = network.natGatewayCount === 0 ? declared : [];
        const chosen = cheapestInterfaceEndpoints(candidates, required, perVpcTraffic, network);
        const gateway = [...new Set([...network.endpoints.gateway, ...GATEWAY_ENDPOINTS])];
        for (const service of gateway.filter(s => !network.endpoints.gateway.includes(s))) changes.push({ network: network.name, service, kind: "gateway", action: "add" });
        for (const service of declared.filter(s => !chosen.includes(s))) changes.push({ network: network.name, service, kind: "interface", action: "drop" });
        for (const service of chosen.filter(s => !declared.includes(s))) changes.push({ network: network.name, service, kind: "interface", action: "add" });
        return {
            ...network,
            endpoints: {
                gateway,
                interface: chosen.map(service => network.endpoints.interface.find(e => e.service === service) ?? { service, azCount: network.zoneCount }),
            },
        };
    });
    return { layout: { ...layout, networks }, changes };
}

/** The layout with one endpoint change made. */
export function withEndpointChange(layout: CostLayout, change: EndpointChange): CostLayout {
    return {
        ...layout,
        networks: layout.networks.map(network => {
            if (network.name !== change.network) return network;
            const { gateway, interface: interfaces } = network.endpoints;
            if (change.kind === "gateway") {
                return { ...network, endpoints: { ...network.endpoints, gateway: change.action === "add" ? [...gateway, change.service] : gateway.filter(s => s !== change.service) } };
            }
            return {
                ...network,
                endpoints: {
                    ...network.endpoints,
                    interface: change.action === "add" ? [...interfaces, { service: change.service, azCount: network.zoneCount }] : interfaces.filter(e => e.service !== change.service),
                },
            };
        }),
    };
}

/** How the report words a change: "drop the logs interface endpoint of VPC 'main'". */
export function describeEndpointChange(change: EndpointChange): string {
    return change.action === "drop"
        ? `drop the ${change.service} ${change.kind} endpoint of VPC '${change.network}'`
        : `add ${change.kind === "gateway" ? "the" : "a"} ${change.service} ${change.kind} endpoint to VPC '${change.network}'`;
}
