import { PolicyResource } from "@pulumi/policy";
import * as types from "./aws-types";
import { isUnknown, rawProps } from "./unknowns";

/**
 * The resource `resource.<property>` refers to among `candidates`: through propertyDependencies
 * first (works while ids are unknown), then by a known id. Undefined when it cannot be told.
 */
export function resolveReference(
    resource: PolicyResource, property: string, candidates: PolicyResource[], value?: unknown,
): PolicyResource | undefined {
    const dependencies = (resource.propertyDependencies?.[property] ?? []).filter(d => candidates.includes(d));
    if (dependencies.length === 1) return dependencies[0];
    const id = value !== undefined ? value : rawProps(resource.props)[property];
    if (typeof id !== "string" || isUnknown(id)) return undefined;
    return candidates.find(c => rawProps(c.props).id === id);
}

/** Where a route table sends 0.0.0.0/0. `unresolved` means it cannot be told during this preview. */
export type DefaultRoute =
    | { kind: "nat"; nat: PolicyResource }
    | { kind: "internet" }
    | { kind: "other" }
    | { kind: "none" }
    | { kind: "unresolved" };

/** One subnet with what the pack needs to know about it. */
export interface SubnetFacts {
    subnet: PolicyResource;
    /** The VPC resource, or a known vpc id, or undefined when unresolved. */
    vpcKey?: string;
    vpc?: PolicyResource;
    availabilityZone?: string;
    defaultRoute: DefaultRoute;
}

const defaultCidr = "0.0.0.0/0";

function byType(resources: PolicyResource[], type: string): PolicyResource[] {
    return resources.filter(r => r.type === type);
}

/** Builds subnet facts for every aws.ec2.Subnet in the stack. Pure; never throws on unknowns. */
export function subnetFacts(resources: PolicyResource[]): SubnetFacts[] {
    const vpcs = byType(resources, types.vpcType);
    const subnets = byType(resources, types.subnetType);
    const routeTables = byType(resources, types.routeTableType);
    const nats = byType(resources, types.natGatewayType);
    const igws = byType(resources, types.internetGatewayType);

    const routeOf = new Map<PolicyResource, DefaultRoute>();
    const target = (holder: PolicyResource, property: string, route: Record<string, any>): DefaultRoute => {
        if (route.natGatewayId !== undefined) {
            const nat = resolveReference(holder, property, nats, route.natGatewayId);
            return nat ? { kind: "nat", nat } : { kind: "unresolved" };
        }
        if (route.gatewayId !== undefined) {
            if (typeof route.gatewayId === "string" && route.gatewayId.startsWith("igw-")) return { kind: "internet" };
            if (resolveReference(holder, property, igws, route.gatewayId)) return { kind: "internet" };
            return isUnknown(route.gatewayId) ? { kind: "unresolved" } : { kind: "other" };
        }
        return { kind: "other" };
    };
    for (const table of routeTables) {
        const routes = rawProps(table.props).routes;
        if (isUnknown(routes)) { routeOf.set(table, { kind: "unresolved" }); continue; }
        for (const route of Array.isArray(routes) ? routes : []) {
            if (isUnknown(route) || isUnknown(route?.cidrBlock)) { routeOf.set(table, { kind: "unresolved" }); continue; }
            if (route?.cidrBlock === defaultCidr) {
                const props = route.natGatewayId !== undefined ? { natGatewayId: route.natGatewayId } : route;
                routeOf.set(table, target(table, "routes", props));
            }
        }
    }
    // A Route whose table cannot be told might be any table's default route.
    let unresolvedRoute = false;
    for (const route of byType(resources, types.routeType)) {
        const props = rawProps(route.props);
        const table = resolveReference(route, "routeTableId", routeTables);
        if (!table) { unresolvedRoute = true; continue; }
        if (isUnknown(props.destinationCidrBlock)) { routeOf.set(table, { kind: "unresolved" }); continue; }
        if (props.destinationCidrBlock !== defaultCidr) continue;
        const property = props.natGatewayId !== undefined ? "natGatewayId" : "gatewayId";
        routeOf.set(table, target(route, property, props));
    }
    const tableRoute = (table: PolicyResource | undefined): DefaultRoute =>
        table ? routeOf.get(table) ?? (unresolvedRoute ? { kind: "unresolved" } : { kind: "none" }) : { kind: "unresolved" };

    const tableOfSubnet = new Map<PolicyResource, PolicyResource | undefined>();
    let unresolvedAssociation = false;
    for (const association of byType(resources, types.routeTableAssociationType)) {
        const props = rawProps(association.props);
        if (props.gatewayId !== undefined && props.subnetId === undefined) continue;
        const subnet = resolveReference(association, "subnetId", subnets);
        if (!subnet) { unresolvedAssociation = true; continue; }
        tableOfSubnet.set(subnet, resolveReference(association, "routeTableId", routeTables));
    }
    const mainTableOfVpc = new Map<string, PolicyResource | undefined>();
    for (const association of byType(resources, types.mainRouteTableAssociationType)) {
        const vpc = resolveReference(association, "vpcId", vpcs);
        const key = vpc?.urn ?? knownString(rawProps(association.props).vpcId);
        if (key) mainTableOfVpc.set(key, resolveReference(association, "routeTableId", routeTables));
    }

    return subnets.map(subnet => {
        const props = rawProps(subnet.props);
        const vpc = resolveReference(subnet, "vpcId", vpcs);
        const vpcKey = vpc?.urn ?? knownString(props.vpcId);
        let defaultRoute: DefaultRoute;
        if (tableOfSubnet.has(subnet)) defaultRoute = tableRoute(tableOfSubnet.get(subnet));
        else if (unresolvedAssociation) defaultRoute = { kind: "unresolved" };
        else if (vpcKey && mainTableOfVpc.has(vpcKey)) defaultRoute = tableRoute(mainTableOfVpc.get(vpcKey));
        else defaultRoute = { kind: "none" }; // the VPC's own main table routes only the VPC CIDR
        return { subnet, vpc, vpcKey, availabilityZone: knownString(props.availabilityZone), defaultRoute };
    });
}

/** The AZ a NAT gateway serves: "regional" for availabilityMode regional, else its subnet's AZ. */
export function natGatewayZone(nat: PolicyResource, facts: SubnetFacts[]): string | undefined {
    const props = rawProps(nat.props);
    if (props.availabilityMode === "regional") return "regional";
    const subnet = resolveReference(nat, "subnetId", facts.map(f => f.subnet));
    return facts.find(f => f.subnet === subnet)?.availabilityZone;
}

/** Private means the default route does not go to an internet gateway (or there is none). */
export function isPrivate(facts: SubnetFacts): boolean | undefined {
    if (facts.defaultRoute.kind === "unresolved") return undefined;
    return facts.defaultRoute.kind !== "internet";
}

function knownString(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknown(value) ? value : undefined;
}
