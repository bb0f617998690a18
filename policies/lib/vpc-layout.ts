/**
 * What each VPC of a stack comes to, for pricing and for judging NAT placement: the AZs of its
 * private subnets, its NAT gateways, the zones that reach a NAT gateway in another zone, and its
 * VPC endpoints. Read from the network graph (policies/lib/network-graph.ts) for VPCs the program
 * declares as aws.ec2 resources, and from the inputs of an awsx.ec2.Vpc whose children cannot be
 * seen (a multi-language component is one opaque resource offline). The policy pack and the
 * offline preview's cost report both build on this; nothing else reads the network.
 */
import { PolicyResource } from "@pulumi/policy";
import { natGatewayType, subnetType, vpcEndpointType } from "./aws-types";
import { groupBy } from "./collections";
import { builtBy } from "./components";
import { isPrivate, natGatewayZone, NetworkGraph, networkGraph, resolveReference, sameZone, SubnetFacts, zoneLabel } from "./network-graph";
import { isUnknown, rawProps } from "./unknowns";

export const awsxVpcType = "awsx:ec2:Vpc";
/** More AZs than any AWS region has (the largest has six): a bigger numberOfAvailabilityZones is a mistake, not a layout. */
const MAX_AZS = 16;

export interface VpcLayout {
    /** How reports name it: the VPC resource's name, its id, or the awsx component's name. */
    name: string;
    /** The VPC resource or awsx component, when the program declares one. */
    resource?: PolicyResource;
    /** Read from aws.ec2 resources, or from an awsx.ec2.Vpc's inputs (its children unseen). */
    source: "resources" | "awsx";
    /** The AZs of its private subnets (a zone as the program gives it: an AZ name or an AZ id). */
    privateZones: string[];
    /** Internet-facing NAT gateways (private NAT gateways do not carry internet or AWS-service traffic). */
    natGatewayCount: number;
    /** Private zones whose 0.0.0.0/0 (or NAT64) route reaches a NAT gateway in another zone. */
    zonesWithoutOwnNat: string[];
    /** Its aws.ec2.VpcEndpoint inputs (serviceName, vpcEndpointType, subnetIds). */
    endpoints: Record<string, any>[];
    /** The aws.ec2.VpcEndpoint resources behind `endpoints`, in the same order (none for an awsx.ec2.Vpc). */
    endpointResources: PolicyResource[];
    /** For an awsx.ec2.Vpc: its natGateways.strategy, as given or as awsx defaults it. */
    natStrategy?: "Single" | "OnePerAz" | "None";
}

/** Endpoint inputs whose service and type are known: the ones a price can be put on (an unknown one might be anything). */
export function knownEndpoints(endpoints: Record<string, any>[]): Record<string, any>[] {
    return endpoints.filter(props => !isUnknown(props.serviceName) && !isUnknown(props.vpcEndpointType));
}

export interface StackNetwork {
    /** VPCs with private subnets: the ones NAT gateways and endpoints matter for. */
    vpcs: VpcLayout[];
    graph: NetworkGraph;
    /** What could not be read, for the report. */
    notes: string[];
}

/** Reads every VPC of the stack. Pure; never throws on unknowns (an unknown leaves a VPC or a zone out, with a note). */
export function stackNetwork(resources: PolicyResource[]): StackNetwork {
    const graph = networkGraph(resources);
    const notes: string[] = [];
    const vpcs = [...declaredVpcs(resources, graph), ...awsxVpcs(resources, notes)];
    return { vpcs, graph, notes };
}

function declaredVpcs(resources: PolicyResource[], graph: NetworkGraph): VpcLayout[] {
    const vpcResources = graph.vpcs.list;
    const privateFacts = graph.facts.filter(f => isPrivate(f) !== false && rawProps(f.subnet.props).mapPublicIpOnLaunch !== true);
    // A subnet, NAT gateway or endpoint whose VPC cannot be told belongs to the stack's only VPC, if it
    // declares one (whatever other VPCs known ids name: an id that turns unknown must not move it).
    const onlyVpc = vpcResources.length === 1 ? vpcResources[0].urn : undefined;
    const keyOf = (fact: SubnetFacts) => fact.vpcKey ?? onlyVpc ?? "";
    const byVpc = groupBy(privateFacts, fact => [keyOf(fact)]);

    const natVpc = (nat: PolicyResource): string | undefined => {
        const subnet = resolveReference(nat, "subnetId", graph.subnets);
        const fact = subnet && graph.factsOf(subnet);
        return fact ? keyOf(fact) : resolveReference(nat, "vpcId", graph.vpcs)?.urn ?? onlyVpc; // a regional NAT gateway names its VPC
    };
    const endpointVpc = (endpoint: PolicyResource): string | undefined => {
        const vpc = resolveReference(endpoint, "vpcId", graph.vpcs);
        const id = rawProps(endpoint.props).vpcId;
        return vpc?.urn ?? (typeof id === "string" && !isUnknown(id) ? id : onlyVpc);
    };
    const nats = groupBy(resources.filter(r => r.type === natGatewayType && rawProps(r.props).connectivityType !== "private"), nat => [natVpc(nat)]);
    const endpoints = groupBy(resources.filter(r => r.type === vpcEndpointType), endpoint => [endpointVpc(endpoint)]);
    const vpcByUrn = new Map(vpcResources.map(v => [v.urn, v]));

    return [...byVpc.entries()].map(([key, facts]) => {
        const resource = vpcByUrn.get(key);
        const zonesWithoutOwnNat = new Set<string>();
        for (const fact of facts) {
            for (const route of [fact.defaultRoute, fact.nat64Route]) {
                if (route.kind !== "nat" || !fact.zone) continue;
                const natZone = natGatewayZone(route.nat, graph);
                if (natZone !== undefined && natZone !== "regional" && sameZone(fact.zone, natZone) === false) zonesWithoutOwnNat.add(zoneLabel(fact.zone));
            }
        }
        const endpointResources = endpoints.get(key) ?? [];
        return {
            name: resource?.name ?? (key || "subnets of an unknown VPC"),
            resource,
            source: "resources",
            privateZones: [...new Set(facts.filter(f => f.zone).map(f => zoneLabel(f.zone!)))],
            natGatewayCount: nats.get(key)?.length ?? 0,
            zonesWithoutOwnNat: [...zonesWithoutOwnNat],
            endpoints: endpointResources.map(e => rawProps(e.props)),
            endpointResources,
        };
    });
}

/**
 * An awsx.ec2.Vpc whose subnets the stack does not show, read from its inputs as awsx documents
 * them: AZs from availabilityZoneNames or numberOfAvailabilityZones (default 3); a private subnet
 * per AZ unless subnetSpecs leave Private out; natGateways.strategy defaulting to OnePerAz when
 * there are private and public subnets, else None. Single puts one NAT gateway in the first AZ.
 */
function awsxVpcs(resources: PolicyResource[], notes: string[]): VpcLayout[] {
    const layouts: VpcLayout[] = [];
    const vpcs = resources.filter(r => r.type === awsxVpcType);
    if (vpcs.length === 0 || resources.some(r => r.type === subnetType && builtBy(r, awsxVpcType))) return layouts; // its children are visible: read them instead
    for (const vpc of vpcs) {
        const props = rawProps(vpc.props);
        const specTypes = Array.isArray(props.subnetSpecs) ? props.subnetSpecs.map((s: Record<string, unknown>) => rawProps(s)?.type) : ["Private", "Public"];
        const names = Array.isArray(props.availabilityZoneNames) ? props.availabilityZoneNames : undefined;
        const strategy = props.natGateways === undefined ? undefined : rawProps(props.natGateways).strategy;
        if ([props.subnetSpecs, props.availabilityZoneNames, props.numberOfAvailabilityZones, props.natGateways, strategy, ...specTypes].some(isUnknown)
            || names?.some(isUnknown)) {
            notes.push(`awsx.ec2.Vpc '${vpc.name}' has inputs unknown until it exists: its NAT gateways and zones are not judged or priced`);
            continue;
        }
        const count = props.numberOfAvailabilityZones;
        if (names?.some((name: unknown) => typeof name !== "string") || (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= MAX_AZS))) {
            notes.push(`awsx.ec2.Vpc '${vpc.name}' has availabilityZoneNames or numberOfAvailabilityZones that name no AZs: its NAT gateways and zones are not judged or priced`);
            continue;
        }
        const hasPrivate = specTypes.includes("Private");
        if (!hasPrivate) continue;
        const zoneCount: number = names?.length ?? count ?? 3;
        const zones = names ?? Array.from({ length: zoneCount }, (_, i) => `${vpc.name} AZ ${i + 1}`);
        const natStrategy = (strategy ?? (specTypes.includes("Public") ? "OnePerAz" : "None")) as VpcLayout["natStrategy"];
        notes.push(`awsx.ec2.Vpc '${vpc.name}' is read from its inputs (natGateways.strategy ${natStrategy}, ${zoneCount} AZs): its subnets, route tables and NAT gateways are not visible offline`);
        layouts.push({
            name: vpc.name,
            resource: vpc,
            source: "awsx",
            privateZones: zones,
            natGatewayCount: natStrategy === "Single" ? 1 : natStrategy === "OnePerAz" ? zoneCount : 0,
            zonesWithoutOwnNat: natStrategy === "Single" ? zones.slice(1) : [],
            endpoints: (Array.isArray(props.vpcEndpointSpecs) ? props.vpcEndpointSpecs : []).map((e: unknown) => rawProps(e)),
            endpointResources: [],
            natStrategy,
        });
    }
    return layouts;
}
