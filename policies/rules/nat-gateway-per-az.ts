import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { natGatewayType, vpcEndpointType } from "../lib/aws-types";
import { endpointLayoutOf, natGatewayPerAzCostNote, TRAFFIC_CONFIG_SCHEMA, TrafficConfig, trafficProfile } from "../lib/cost-model";
import { isPrivate, natGatewayZone, networkGraph, routeTableLabel, sameZone, SubnetFacts, Zone, zoneLabel } from "../lib/network-graph";
import { CROSS_AZ_PER_GB_EACH_DIRECTION, NAT_PROCESSING_PER_GB } from "../lib/prices";
import { rawProps } from "../lib/unknowns";
import { awsxVpcType, knownEndpoints, stackNetwork } from "../lib/vpc-layout";
import { builtBy, OWN_COMPONENTS } from "../lib/components";

/**
 * Every AZ whose private subnets default-route to a NAT gateway must reach a NAT in that same AZ
 * (IPv6-only subnets: their NAT64 route, 64:ff9b::/96, likewise).
 */
export const natGatewayPerAz: StackValidationPolicy = {
    name: "nat-gateway-per-az",
    description: "Private subnets send 0.0.0.0/0 to a NAT gateway in their own Availability Zone.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { traffic: TRAFFIC_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const graph = networkGraph(args.resources);
        const facts = graph.facts;
        const zoneOf = new Map<PolicyResource, Zone | "regional" | undefined>();
        for (const nat of args.resources.filter(r => r.type === natGatewayType)) zoneOf.set(nat, natGatewayZone(nat, graph));

        // Per private subnet, each followed route (0.0.0.0/0, NAT64) that reaches a NAT gateway in another AZ.
        const crossed: { fact: SubnetFacts; zone: string; routes: { destination: string; nat: PolicyResource; natZone: string }[] }[] = [];
        for (const fact of facts) {
            if (isPrivate(fact) !== true || !fact.zone) continue;
            const routes = [];
            for (const [destination, route] of [["0.0.0.0/0", fact.defaultRoute], ["64:ff9b::/96 (NAT64)", fact.nat64Route]] as const) {
                if (route.kind !== "nat") continue;
                const natZone = zoneOf.get(route.nat);
                // An AZ name on one side and an AZ id on the other cannot be compared offline: silent.
                if (natZone === undefined || natZone === "regional" || sameZone(fact.zone, natZone) !== false) continue;
                routes.push({ destination, nat: route.nat, natZone: zoneLabel(natZone) });
            }
            if (routes.length > 0) crossed.push({ fact, zone: zoneLabel(fact.zone), routes });
        }
        const { traffic } = args.getConfig<{ traffic?: TrafficConfig }>();
        reportSharedAwsxNat(args.resources, traffic, reportViolation);
        if (crossed.length === 0) return;

        const costNote = traffic ? ` ${priceOfCrossedZones(args.resources, facts, crossed.map(c => c.fact), traffic)}` : "";
        for (const { fact, zone, routes } of crossed) {
            // "0.0.0.0/0 and 64:ff9b::/96 (NAT64) to NAT gateway 'nat' in us-east-1a", one phrase per NAT gateway.
            const nats = [...new Set(routes.map(r => r.nat))];
            const sends = nats.map(nat => {
                const to = routes.filter(r => r.nat === nat);
                return `${to.map(r => r.destination).join(" and ")} to NAT gateway '${nat.name}' in ${to[0].natZone}`;
            }).join(" and ");
            const natZones = [...new Set(routes.map(r => r.natZone))].join(" or ");
            const destinations = routes.map(r => r.destination.split(" ")[0]).join(" and ");
            // A subnet on the main table shares it with the VPC's other unassociated subnets: it needs a table of its own.
            const fix = fact.usesMainTable && fact.routeTable
                ? `associate this subnet with a route table of its own whose ${destinations} goes to it (it has no RouteTableAssociation and uses ` +
                  `the main route table of VPC '${fact.vpc?.name ?? fact.vpcKey}'${fact.routeTable.resource ? `, ${routeTableLabel(fact.routeTable)}` : ""}).`
                : "route this subnet's table to it.";
            reportViolation(
                `Subnet '${fact.subnet.name}' in ${zone} sends ${sends}: ` +
                `its egress crosses zones at $${(2 * CROSS_AZ_PER_GB_EACH_DIRECTION).toFixed(2)}/GB round trip on top of ` +
                `$${NAT_PROCESSING_PER_GB}/GB NAT processing, and ${zone} loses egress when ${natZones} fails. ` +
                `Fix: give ${zone} its own NAT gateway${builtBy(fact.subnet, OWN_COMPONENTS.network) ? " (network.natGateways: perAz)" : ""} and ${fix}` +
                costNote,
                fact.subnet.urn,
            );
        }
    },
};

/** The monthly price of the crossed zones at the stack's traffic: over the private subnets' zones, with its VPC endpoints. */
function priceOfCrossedZones(resources: PolicyResource[], facts: SubnetFacts[], crossed: SubnetFacts[], traffic: TrafficConfig): string {
    const zoneKey = (f: SubnetFacts) => f.zone && (f.zone.name ?? `id:${f.zone.id}`);
    const zoneCount = new Set(facts.filter(f => isPrivate(f) === true && f.zone).map(zoneKey)).size;
    const endpoints = knownEndpoints(resources.filter(r => r.type === vpcEndpointType).map(r => rawProps(r.props)));
    const azsWithoutOwnNat = new Set(crossed.map(zoneKey)).size;
    return natGatewayPerAzCostNote(trafficProfile(traffic), endpointLayoutOf(endpoints, zoneCount), azsWithoutOwnNat, zoneCount);
}

/**
 * An awsx.ec2.Vpc whose children the stack does not show (offline, a multi-language component is
 * one opaque resource) is judged by its inputs: natGateways.strategy Single is one NAT gateway for
 * every AZ's private subnets.
 */
function reportSharedAwsxNat(resources: PolicyResource[], traffic: TrafficConfig | undefined, reportViolation: ReportViolation): void {
    if (!resources.some(r => r.type === awsxVpcType)) return;
    for (const vpc of stackNetwork(resources).vpcs) {
        if (vpc.source !== "awsx" || vpc.natStrategy !== "Single" || vpc.zonesWithoutOwnNat.length === 0) continue;
        const zoneCount = vpc.privateZones.length;
        const others = vpc.zonesWithoutOwnNat.length;
        const costNote = traffic
            ? ` ${natGatewayPerAzCostNote(trafficProfile(traffic), endpointLayoutOf(knownEndpoints(vpc.endpoints), zoneCount), others, zoneCount)}`
            : "";
        reportViolation(
            `awsx.ec2.Vpc '${vpc.name}' sets natGateways.strategy Single: one NAT gateway serves the private subnets of all ${zoneCount} AZs, ` +
            `so those in ${others} of them cross zones at $${(2 * CROSS_AZ_PER_GB_EACH_DIRECTION).toFixed(2)}/GB round trip on top of ` +
            `$${NAT_PROCESSING_PER_GB}/GB NAT processing, and lose egress when the NAT gateway's AZ fails. ` +
            `Fix: natGateways: { strategy: awsx.ec2.NatGatewayStrategy.OnePerAz } (awsx's default).` + costNote,
            vpc.resource?.urn,
        );
    }
}
