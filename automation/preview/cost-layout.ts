/**
 * Reads the facts the cost model needs from a resource graph: zones, NAT gateways and which
 * zones reach a NAT in another zone, VPC endpoints, which Services route in-zone and which
 * load-balancer targets are instance-mode. References are followed through ids first and
 * through propertyDependencies where an id is unknown. What the graph does not declare is
 * assumed to be the default (random routing, instance targets) and said so in a note.
 */
import { CostLayout, endpointLayoutOf } from "../../policies/lib/cost-model";
import { sameZone, zoneOf } from "../../policies/lib/network-graph";

/** A resource with plain inputs (secrets unwrapped, unknowns undefined). */
export interface GraphResource {
    urn: string;
    type: string;
    name: string;
    id?: string;
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

const VPC = "aws:ec2/vpc:Vpc";
const ROUTE_TABLES = ["aws:ec2/routeTable:RouteTable", "aws:ec2/defaultRouteTable:DefaultRouteTable"];
const NAT_GATEWAY = "aws:ec2/natGateway:NatGateway";
const INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway";
const TARGET_GROUP = /^aws:(lb|alb|elasticloadbalancingv2)\/targetGroup:TargetGroup$/;
const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = /^kubernetes:networking\.k8s\.io\/v1(beta1)?:Ingress$/;
const IN_ZONE_DISTRIBUTIONS = ["PreferSameZone", "PreferSameNode", "PreferClose"];

export function costLayoutFromGraph(resources: GraphResource[], eastWest: EastWestVolumes): { layout: CostLayout; notes: string[] } {
    const graph = new Graph(resources);
    const notes: string[] = [];

    // A zone is an AZ name or an AZ id, as the subnet gives it (the pack's rule: a name and an id are not compared).
    const subnetZone = (subnet: GraphResource | undefined) => subnet ? zoneOf(subnet.inputs) : undefined;
    const subnetAz = (subnet: GraphResource | undefined) => subnetZone(subnet)?.name ?? subnetZone(subnet)?.id;
    const subnets = graph.ofType(t => t === "aws:ec2/subnet:Subnet");
    const tableOfSubnet = new Map<GraphResource, GraphResource>();
    for (const association of graph.ofType(t => t === "aws:ec2/routeTableAssociation:RouteTableAssociation")) {
        const subnet = graph.ref(association, "subnetId");
        const table = graph.table(association, "routeTableId");
        if (subnet && table) tableOfSubnet.set(subnet, table);
    }
    // A subnet with no association uses its VPC's main table: a MainRouteTableAssociation's, else the VPC's default table.
    const mainTableOfVpc = new Map<GraphResource, GraphResource>();
    for (const association of graph.ofType(t => t === "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation")) {
        const vpc = graph.ref(association, "vpcId");
        const table = graph.table(association, "routeTableId");
        if (vpc && table) mainTableOfVpc.set(vpc, table);
    }
    for (const subnet of subnets) {
        const vpc = graph.ref(subnet, "vpcId");
        if (!tableOfSubnet.has(subnet) && vpc?.type === VPC) tableOfSubnet.set(subnet, mainTableOfVpc.get(vpc) ?? vpc);
    }
    const defaultRouteTarget = defaultRoutes(graph, IPV4_DEFAULT);
    const nat64RouteTarget = defaultRoutes(graph, NAT64);
    const natGateways = graph.ofType(t => t === "aws:ec2/natGateway:NatGateway").filter(n => n.inputs.connectivityType !== "private");
    const privateSubnets = subnets.filter(subnet => {
        const target = defaultRouteTarget.get(tableOfSubnet.get(subnet)!);
        return target?.type !== "aws:ec2/internetGateway:InternetGateway" && subnet.inputs.mapPublicIpOnLaunch !== true;
    });
    const zones = new Set((privateSubnets.length > 0 ? privateSubnets : subnets).map(subnetAz).filter(Boolean));
    let zoneCount = zones.size;
    if (zoneCount === 0) {
        zoneCount = ASSUMED_ZONE_COUNT;
        notes.push(`no subnets with a known AZ: assumed ${ASSUMED_ZONE_COUNT} AZs`);
    }

    const crossZoneAzs = new Set<string>();
    for (const subnet of privateSubnets) {
        // 0.0.0.0/0, and NAT64 of IPv6-only subnets: either reaching a NAT gateway in another zone crosses.
        for (const routes of [defaultRouteTarget, nat64RouteTarget]) {
            const target = routes.get(tableOfSubnet.get(subnet)!);
            if (target?.type !== NAT_GATEWAY) continue;
            const natZone = subnetZone(graph.ref(target, "subnetId"));
            const zone = subnetZone(subnet);
            if (zone && natZone && sameZone(zone, natZone) === false) crossZoneAzs.add(subnetAz(subnet)!);
        }
    }

    return {
        layout: {
            zoneCount,
            natGatewayCount: natGateways.length,
            azsWithoutOwnNat: crossZoneAzs.size,
            endpoints: endpointLayoutOf(graph.ofType(t => t === "aws:ec2/vpcEndpoint:VpcEndpoint").map(e => e.inputs), zoneCount),
            eastWestInZoneShare: eastWestInZoneShare(graph, eastWest, notes),
            northSouthInstanceShare: northSouthInstanceShare(graph, notes),
        },
        notes,
    };
}

/** The routes the cost layout follows: the IPv4 default route, and NAT64 (IPv6-only subnets reach IPv4 through a NAT gateway). */
const IPV4_DEFAULT = { cidr: "0.0.0.0/0", inline: "cidrBlock", resource: "destinationCidrBlock" };
const NAT64 = { cidr: "64:ff9b::/96", inline: "ipv6CidrBlock", resource: "destinationIpv6CidrBlock" };

/**
 * Route table -> the resource its route to `destination` points at (Route resources and inline routes). A
 * VPC's default table (its main table unless a MainRouteTableAssociation moves it) is keyed by the Vpc.
 */
function defaultRoutes(graph: Graph, destination: typeof IPV4_DEFAULT): Map<GraphResource, GraphResource | undefined> {
    const result = new Map<GraphResource, GraphResource | undefined>();
    for (const table of graph.ofType(t => ROUTE_TABLES.includes(t))) {
        const key = graph.table(table, "id");
        for (const route of (table.inputs.routes ?? []) as Record<string, unknown>[]) {
            if (route[destination.inline] !== destination.cidr || !key) continue;
            // Ids unknown: the table's dependencies on `routes` name the target when there is one of its type.
            const target = "natGatewayId" in route ? graph.byId(route.natGatewayId) ?? graph.single(table, "routes", NAT_GATEWAY)
                : "gatewayId" in route ? graph.byId(route.gatewayId) ?? graph.single(table, "routes", INTERNET_GATEWAY) : undefined;
            result.set(key, target);
        }
    }
    for (const route of graph.ofType(t => t === "aws:ec2/route:Route")) {
        if (route.inputs[destination.resource] !== destination.cidr) continue;
        const table = graph.table(route, "routeTableId");
        const target = graph.ref(route, "natGatewayId") ?? graph.ref(route, "gatewayId");
        if (table) result.set(table, target);
    }
    return result;
}

/** Services that load-balance over endpoints (headless and ExternalName Services do not). */
function routedServices(graph: Graph): GraphResource[] {
    return graph.ofType(t => t === SERVICE).filter(s => {
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

function eastWestInZoneShare(graph: Graph, volumes: EastWestVolumes, notes: string[]): number {
    const services = routedServices(graph);
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

function northSouthInstanceShare(graph: Graph, notes: string[]): number {
    const targets: boolean[] = []; // true = instance mode
    for (const group of graph.ofType(t => TARGET_GROUP.test(t))) {
        const targetType = group.inputs.targetType ?? "instance"; // AWS's default
        if (targetType === "instance" || targetType === "ip") targets.push(targetType === "instance");
    }
    for (const ingress of graph.ofType(t => INGRESS.test(t))) {
        const annotations = ingress.inputs.metadata?.annotations ?? {};
        const ingressClass = ingress.inputs.spec?.ingressClassName ?? annotations["kubernetes.io/ingress.class"];
        if (ingressClass !== "alb") continue;
        targets.push(annotations["alb.ingress.kubernetes.io/target-type"] !== "ip");
    }
    for (const service of graph.ofType(t => t === SERVICE).filter(s => s.inputs.spec?.type === "LoadBalancer")) {
        const annotations = service.inputs.metadata?.annotations ?? {};
        targets.push(annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] !== "ip");
    }
    if (targets.length === 0) {
        notes.push("no load-balancer target declared: north-south traffic assumed to reach instance targets");
        return 1;
    }
    return targets.filter(Boolean).length / targets.length;
}

/** Lookups over one graph: by type, by id, and a property's referenced resource. */
class Graph {
    private readonly ids = new Map<string, GraphResource>();
    private readonly urns = new Map<string, GraphResource>();
    /** A Vpc's main/default route table id, when its inputs carry that output. */
    private readonly mainTableIds = new Map<unknown, GraphResource>();

    constructor(private readonly resources: GraphResource[]) {
        for (const r of resources) {
            this.urns.set(r.urn, r);
            if (r.id) this.ids.set(r.id, r);
            if (r.type !== VPC) continue;
            for (const output of ["mainRouteTableId", "defaultRouteTableId"]) {
                if (typeof r.inputs[output] === "string") this.mainTableIds.set(r.inputs[output], r);
            }
        }
    }

    ofType(match: (type: string) => boolean): GraphResource[] {
        return this.resources.filter(r => match(r.type));
    }

    byId(id: unknown): GraphResource | undefined {
        return typeof id === "string" ? this.ids.get(id) : undefined;
    }

    /** The one resource of this type `resource.<key>` depends on. */
    single(resource: GraphResource, key: string, type: string): GraphResource | undefined {
        const dependencies = (resource.propertyDependencies[key] ?? []).map(urn => this.urns.get(urn)).filter(r => r?.type === type);
        return dependencies.length === 1 ? dependencies[0] : undefined;
    }

    /**
     * The route table `resource.<key>` names, a VPC's default table keyed by its Vpc: a reference to
     * the Vpc (vpc.mainRouteTableId/defaultRouteTableId) or to a DefaultRouteTable (whose
     * defaultRouteTableId is the Vpc's) is that Vpc. `key` "id" keys a table resource itself.
     */
    table(resource: GraphResource, key: string): GraphResource | undefined {
        const target = key === "id" ? resource : this.ref(resource, key) ?? this.mainTableIds.get(resource.inputs[key]);
        if (target?.type !== "aws:ec2/defaultRouteTable:DefaultRouteTable") return target;
        return this.ref(target, "defaultRouteTableId") ?? this.mainTableIds.get(target.inputs.defaultRouteTableId) ?? target;
    }

    /** The resource a property refers to: by its id value, else its single property dependency. */
    ref(resource: GraphResource, key: string): GraphResource | undefined {
        const byId = this.byId(resource.inputs[key]);
        if (byId) return byId;
        const dependencies = resource.propertyDependencies[key] ?? [];
        return dependencies.length === 1 ? this.urns.get(dependencies[0]) : undefined;
    }
}
