import { PolicyResource } from "@pulumi/policy";
import * as types from "./aws-types";
import { firstBy } from "./collections";
import { isUnknown, rawProps } from "./unknowns";

/** Resources a reference may point to, with membership and known ids looked up without a scan. */
export interface ResourceSet {
    list: PolicyResource[];
    has(resource: PolicyResource): boolean;
    /** The first of them whose id is this known id. */
    withId(id: string): PolicyResource | undefined;
}

export function resourceSet(list: PolicyResource[]): ResourceSet {
    const members = new Set(list);
    const byId = firstBy(list, resource => [knownString(rawProps(resource.props).id)]);
    return { list, has: resource => members.has(resource), withId: id => byId.get(id) };
}

/**
 * The resource `resource.<property>` refers to among `candidates`: through propertyDependencies
 * first (works while ids are unknown), then by a known id. Undefined when it cannot be told.
 */
export function resolveReference(
    resource: PolicyResource, property: string, candidates: ResourceSet, value?: unknown,
): PolicyResource | undefined {
    const dependencies = (resource.propertyDependencies?.[property] ?? []).filter(d => candidates.has(d));
    if (dependencies.length === 1) return dependencies[0];
    const id = knownString(value !== undefined ? value : rawProps(resource.props)[property]);
    return id === undefined ? undefined : candidates.withId(id);
}

/** Where a route table sends 0.0.0.0/0. `unresolved` means it cannot be told during this preview. */
export type DefaultRoute =
    | { kind: "nat"; nat: PolicyResource }
    | { kind: "internet" }
    | { kind: "other" }
    | { kind: "none" }
    | { kind: "unresolved" };

/**
 * A route table a subnet can use: an aws.ec2.RouteTable, an aws.ec2.DefaultRouteTable, or the
 * default route table every VPC is created with (its main table until a MainRouteTableAssociation
 * names another), which exists whether or not the program declares it.
 */
export interface RouteTableNode {
    /** The RouteTable or DefaultRouteTable resource; undefined for a VPC's default table the program does not declare. */
    resource?: PolicyResource;
    /** The VPC whose default route table this is. */
    defaultOf?: PolicyResource;
}

/** How a message names a route table. */
export function routeTableLabel(table: RouteTableNode): string {
    if (table.resource) return `'${table.resource.name}'`;
    return `the main route table of VPC '${table.defaultOf?.name}'`;
}

/**
 * Where a subnet is: the AZ name (`availabilityZone`) and/or the AZ id (`availabilityZoneId`) it
 * gives, whichever are known. Names map to ids per account, so a name and an id cannot be compared offline.
 */
export interface Zone {
    name?: string;
    id?: string;
}

/** The zone a subnet's props give; undefined when neither is known. */
export function zoneOf(props: Record<string, any>): Zone | undefined {
    const name = knownString(props.availabilityZone);
    const id = knownString(props.availabilityZoneId);
    return name !== undefined || id !== undefined ? { name, id } : undefined;
}

/** Whether two zones are the same AZ: by name when both have one, else by id; undefined when it cannot be told. */
export function sameZone(a: Zone, b: Zone): boolean | undefined {
    if (a.name !== undefined && b.name !== undefined) return a.name === b.name;
    if (a.id !== undefined && b.id !== undefined) return a.id === b.id;
    return undefined;
}

/** How a message names a zone: as the program gave it. */
export function zoneLabel(zone: Zone): string {
    return zone.name ?? zone.id ?? "an unknown AZ";
}

/** One subnet with what the pack needs to know about it. */
export interface SubnetFacts {
    subnet: PolicyResource;
    /** The VPC resource, or a known vpc id, or undefined when unresolved. */
    vpcKey?: string;
    vpc?: PolicyResource;
    /** Its AZ; undefined when unknown (or not given: AWS picks one). */
    zone?: Zone;
    /** The route table the subnet uses; undefined when it cannot be told. */
    routeTable?: RouteTableNode;
    /** True when no RouteTableAssociation names the subnet: it uses its VPC's main route table. */
    usesMainTable: boolean;
    defaultRoute: DefaultRoute;
    /** Where its table sends NAT64's 64:ff9b::/96 (IPv6-only subnets reach IPv4 through it); `none` mostly. */
    nat64Route: DefaultRoute;
}

/** The stack's subnets and route tables, with lookups that follow references to route tables. */
export interface NetworkGraph {
    facts: SubnetFacts[];
    vpcs: ResourceSet;
    subnets: ResourceSet;
    /** The facts of one of `subnets`. */
    factsOf(subnet: PolicyResource): SubnetFacts | undefined;
    /** The route table `holder.<property>` refers to (a VPC's main/default table id included); undefined when it cannot be told. */
    routeTableOf(holder: PolicyResource, property: string): RouteTableNode | undefined;
    /** The route tables a list property (`routeTableIds`) refers to; undefined when some cannot be told. */
    routeTablesOf(holder: PolicyResource, property: string): RouteTableNode[] | undefined;
}

type Destination = "ipv4" | "nat64";
/** The routes the pack follows: the IPv4 default route, and NAT64 (IPv6-only subnets reach IPv4 through a NAT gateway). */
const destinations: { key: Destination; cidr: string; inline: string; resource: string }[] = [
    { key: "ipv4", cidr: "0.0.0.0/0", inline: "cidrBlock", resource: "destinationCidrBlock" },
    { key: "nat64", cidr: "64:ff9b::/96", inline: "ipv6CidrBlock", resource: "destinationIpv6CidrBlock" },
];

function byType(resources: PolicyResource[], type: string): ResourceSet {
    return resourceSet(resources.filter(r => r.type === type));
}

/** Reads the stack's network: which table each subnet uses and where its default route goes. Pure; never throws on unknowns. */
export function networkGraph(resources: PolicyResource[]): NetworkGraph {
    const vpcs = byType(resources, types.vpcType);
    const subnets = byType(resources, types.subnetType);
    const tableResources = resourceSet(resources.filter(r => r.type === types.routeTableType || r.type === types.defaultRouteTableType));
    const nats = byType(resources, types.natGatewayType);
    const igws = byType(resources, types.internetGatewayType);

    // Route tables: one node per table resource, and one per VPC for its default table.
    const nodeOf = new Map<PolicyResource, RouteTableNode>();
    const defaultTableOf = new Map<PolicyResource, RouteTableNode>();
    const defaultTable = (vpc: PolicyResource): RouteTableNode => {
        let node = defaultTableOf.get(vpc);
        if (!node) defaultTableOf.set(vpc, node = { defaultOf: vpc });
        return node;
    };
    /** The VPC whose main/default route table has this known id (an output of the VPC once it exists). */
    const vpcsByDefaultTableId = firstBy(vpcs.list, v => [knownString(rawProps(v.props).defaultRouteTableId), knownString(rawProps(v.props).mainRouteTableId)]);
    const mainTableIdsKnown = vpcs.list.every(v => {
        const props = rawProps(v.props);
        return knownString(props.defaultRouteTableId) !== undefined || knownString(props.mainRouteTableId) !== undefined;
    });
    // A DefaultRouteTable whose VPC cannot be told might adopt any VPC's default table.
    let unresolvedDefaultTable = false;
    for (const table of tableResources.list) {
        const node: RouteTableNode = { resource: table };
        nodeOf.set(table, node);
        if (table.type !== types.defaultRouteTableType) continue;
        const vpcDependencies = (table.propertyDependencies?.defaultRouteTableId ?? []).filter(d => vpcs.has(d));
        const id = knownString(rawProps(table.props).defaultRouteTableId);
        const vpc = vpcDependencies.length === 1 ? vpcDependencies[0] : id !== undefined ? vpcsByDefaultTableId.get(id) : undefined;
        if (vpc && !defaultTableOf.has(vpc)) {
            node.defaultOf = vpc;
            defaultTableOf.set(vpc, node);
        } else if (!vpc) {
            unresolvedDefaultTable = true;
        }
    }

    const routeTableOf = (holder: PolicyResource, property: string, value?: unknown): RouteTableNode | undefined => {
        const dependencies = holder.propertyDependencies?.[property] ?? [];
        const tables = dependencies.filter(d => nodeOf.has(d));
        if (tables.length === 1) return nodeOf.get(tables[0]);
        const dependedVpcs = dependencies.filter(d => vpcs.has(d));
        if (tables.length === 0 && dependedVpcs.length === 1) return defaultTable(dependedVpcs[0]); // vpc.mainRouteTableId / defaultRouteTableId
        const id = knownString(value !== undefined ? value : rawProps(holder.props)[property]);
        return id === undefined ? undefined : routeTableWithId(id);
    };
    const routeTableWithId = (id: string): RouteTableNode | undefined => {
        const table = tableResources.withId(id);
        if (table) return nodeOf.get(table);
        const vpc = vpcsByDefaultTableId.get(id);
        return vpc ? defaultTable(vpc) : undefined;
    };
    const routeTablesOf = (holder: PolicyResource, property: string): RouteTableNode[] | undefined => {
        const value = rawProps(holder.props)[property];
        if (value === undefined || value === null) return [];
        const fromDependencies = (holder.propertyDependencies?.[property] ?? [])
            .map(d => nodeOf.get(d) ?? (vpcs.has(d) ? defaultTable(d) : undefined));
        const found = new Set<RouteTableNode>();
        let unknown = isUnknown(value) || !Array.isArray(value);
        for (const element of Array.isArray(value) ? value : []) {
            const id = knownString(element);
            if (id === undefined) { unknown = true; continue; }
            const table = routeTableWithId(id);
            if (table) found.add(table);
            // An id of no declared table: another VPC's table, or a VPC's main table whose id is not known yet.
            else if (!mainTableIdsKnown) unknown = true;
        }
        // Unknown elements come from the resources the property depends on: tell them only when each is a route table.
        if (unknown && (fromDependencies.length === 0 || fromDependencies.some(t => t === undefined))) return undefined;
        for (const table of fromDependencies) if (table) found.add(table);
        return [...found];
    };

    // Per table, where each destination the pack follows goes: 0.0.0.0/0, and NAT64's 64:ff9b::/96.
    const routeOf: Record<Destination, Map<RouteTableNode, DefaultRoute>> = { ipv4: new Map(), nat64: new Map() };
    /**
     * A route's gatewayId: an internet gateway, or a NAT gateway (AWS takes a NAT gateway's id there
     * too, as older VPC modules and Terraform conversions route). A known id is matched by id; an
     * unknown one by the one gateway of either kind the property depends on.
     */
    const gatewayTarget = (holder: PolicyResource, property: string, gatewayId: unknown): DefaultRoute => {
        const id = knownString(gatewayId);
        if (id !== undefined) {
            const nat = nats.withId(id);
            if (nat) return { kind: "nat", nat };
            if (id.startsWith("igw-") || igws.withId(id)) return { kind: "internet" };
            return id.startsWith("nat-") ? { kind: "unresolved" } : { kind: "other" }; // a NAT gateway the program does not declare
        }
        const gateways = (holder.propertyDependencies?.[property] ?? []).filter(d => nats.has(d) || igws.has(d));
        if (gateways.length !== 1) return { kind: "unresolved" };
        return nats.has(gateways[0]) ? { kind: "nat", nat: gateways[0] } : { kind: "internet" };
    };
    const target = (holder: PolicyResource, property: string, route: Record<string, any>): DefaultRoute => {
        if (route.natGatewayId !== undefined) {
            const nat = resolveReference(holder, property, nats, route.natGatewayId);
            return nat ? { kind: "nat", nat } : { kind: "unresolved" };
        }
        if (route.gatewayId !== undefined) return gatewayTarget(holder, property, route.gatewayId);
        return { kind: "other" };
    };
    for (const table of tableResources.list) {
        const node = nodeOf.get(table)!;
        const routes = rawProps(table.props).routes;
        for (const destination of destinations) {
            if (isUnknown(routes)) { routeOf[destination.key].set(node, { kind: "unresolved" }); continue; }
            for (const route of Array.isArray(routes) ? routes : []) {
                const cidr = isUnknown(route) ? route : route?.[destination.inline];
                if (isUnknown(cidr)) { routeOf[destination.key].set(node, { kind: "unresolved" }); continue; }
                if (cidr === destination.cidr) {
                    const props = route.natGatewayId !== undefined ? { natGatewayId: route.natGatewayId } : route;
                    routeOf[destination.key].set(node, target(table, "routes", props));
                }
            }
        }
    }
    // A Route to one of these destinations whose table cannot be told might be any table's.
    const unresolvedRoute: Record<Destination, boolean> = { ipv4: false, nat64: false };
    for (const route of byType(resources, types.routeType).list) {
        const props = rawProps(route.props);
        for (const destination of destinations) {
            const cidr = props[destination.resource];
            if (cidr !== destination.cidr && !isUnknown(cidr)) continue;
            const table = routeTableOf(route, "routeTableId");
            if (!table) { unresolvedRoute[destination.key] = true; continue; }
            if (isUnknown(cidr)) { routeOf[destination.key].set(table, { kind: "unresolved" }); continue; }
            const property = props.natGatewayId !== undefined ? "natGatewayId" : "gatewayId";
            routeOf[destination.key].set(table, target(route, property, props));
        }
    }
    const tableRoute = (table: RouteTableNode | undefined, destination: Destination = "ipv4"): DefaultRoute =>
        table ? routeOf[destination].get(table) ?? (unresolvedRoute[destination] ? { kind: "unresolved" } : { kind: "none" }) : { kind: "unresolved" };

    const tableOfSubnet = new Map<PolicyResource, RouteTableNode | undefined>();
    let unresolvedAssociation = false;
    for (const association of byType(resources, types.routeTableAssociationType).list) {
        const props = rawProps(association.props);
        if (props.gatewayId !== undefined && props.subnetId === undefined) continue;
        const subnet = resolveReference(association, "subnetId", subnets);
        if (!subnet) { unresolvedAssociation = true; continue; }
        tableOfSubnet.set(subnet, routeTableOf(association, "routeTableId"));
    }
    // The main table: a MainRouteTableAssociation's table, else the VPC's default table.
    const mainTableOfVpc = new Map<string, RouteTableNode | undefined>();
    let unresolvedMainAssociation = false;
    for (const association of byType(resources, types.mainRouteTableAssociationType).list) {
        const vpc = resolveReference(association, "vpcId", vpcs);
        const key = vpc?.urn ?? knownString(rawProps(association.props).vpcId);
        if (key) mainTableOfVpc.set(key, routeTableOf(association, "routeTableId"));
        else unresolvedMainAssociation = true;
    }
    const mainTable = (vpc: PolicyResource | undefined, vpcKey: string | undefined): RouteTableNode | undefined => {
        if (vpcKey && mainTableOfVpc.has(vpcKey)) return mainTableOfVpc.get(vpcKey);
        // A VPC the stack does not declare has a main table we cannot see.
        if (!vpc || unresolvedMainAssociation || unresolvedDefaultTable) return undefined;
        return defaultTable(vpc);
    };

    const facts = subnets.list.map((subnet): SubnetFacts => {
        const props = rawProps(subnet.props);
        const vpc = resolveReference(subnet, "vpcId", vpcs);
        const vpcKey = vpc?.urn ?? knownString(props.vpcId);
        const usesMainTable = !tableOfSubnet.has(subnet);
        const routeTable = !usesMainTable ? tableOfSubnet.get(subnet) : unresolvedAssociation ? undefined : mainTable(vpc, vpcKey);
        return {
            subnet, vpc, vpcKey, zone: zoneOf(props), routeTable, usesMainTable,
            defaultRoute: tableRoute(routeTable, "ipv4"), nat64Route: tableRoute(routeTable, "nat64"),
        };
    });
    const factsOf = new Map(facts.map(f => [f.subnet, f]));
    return { facts, vpcs, subnets, factsOf: subnet => factsOf.get(subnet), routeTableOf: (holder, property) => routeTableOf(holder, property), routeTablesOf };
}

/**
 * The AZ a NAT gateway serves: "regional" for availabilityMode regional, else (zonal, AWS's default)
 * its subnet's AZ. Undefined when that cannot be told: its subnet is unknown, or the program
 * computes availabilityMode from another resource's output (it may turn out regional). An unknown
 * availabilityMode the program does not set is the provider's default, computed during preview: zonal.
 */
export function natGatewayZone(nat: PolicyResource, graph: NetworkGraph): Zone | "regional" | undefined {
    const props = rawProps(nat.props);
    if (props.availabilityMode === "regional") return "regional";
    if (isUnknown(props.availabilityMode) && (nat.propertyDependencies?.availabilityMode ?? []).length > 0) return undefined;
    const subnet = resolveReference(nat, "subnetId", graph.subnets);
    return subnet && graph.factsOf(subnet)?.zone;
}

/** Private means the default route does not go to an internet gateway (or there is none). */
export function isPrivate(facts: SubnetFacts): boolean | undefined {
    if (facts.defaultRoute.kind === "unresolved") return undefined;
    return facts.defaultRoute.kind !== "internet";
}

function knownString(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknown(value) ? value : undefined;
}
