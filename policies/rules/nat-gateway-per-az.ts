import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { natGatewayType, vpcEndpointType } from "../lib/aws-types";
import { endpointLayoutOf, natGatewayPerAzCostNote, TRAFFIC_CONFIG_SCHEMA, TrafficConfig, trafficProfile } from "../lib/cost-model";
import { isPrivate, natGatewayZone, routeTableLabel, sameZone, SubnetFacts, subnetFacts, Zone, zoneLabel } from "../lib/network-graph";
import { CROSS_AZ_PER_GB_EACH_DIRECTION, NAT_PROCESSING_PER_GB } from "../lib/prices";
import { isUnknown, rawProps } from "../lib/unknowns";

/** Every AZ whose private subnets default-route to a NAT gateway must reach a NAT in that same AZ. */
export const natGatewayPerAz: StackValidationPolicy = {
    name: "nat-gateway-per-az",
    description: "Private subnets send 0.0.0.0/0 to a NAT gateway in their own Availability Zone.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { traffic: TRAFFIC_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const facts = subnetFacts(args.resources);
        const zoneOf = new Map<PolicyResource, Zone | "regional" | undefined>();
        for (const nat of args.resources.filter(r => r.type === natGatewayType)) zoneOf.set(nat, natGatewayZone(nat, facts));

        const crossed: { fact: SubnetFacts; zone: string; nat: PolicyResource; natZone: string }[] = [];
        for (const fact of facts) {
            if (fact.defaultRoute.kind !== "nat" || isPrivate(fact) !== true || !fact.zone) continue;
            const nat = fact.defaultRoute.nat;
            const natZone = zoneOf.get(nat);
            // An AZ name on one side and an AZ id on the other cannot be compared offline: silent.
            if (natZone === undefined || natZone === "regional" || sameZone(fact.zone, natZone) !== false) continue;
            crossed.push({ fact, zone: zoneLabel(fact.zone), nat, natZone: zoneLabel(natZone) });
        }
        if (crossed.length === 0) return;

        const { traffic } = args.getConfig<{ traffic?: TrafficConfig }>();
        const costNote = traffic ? ` ${priceOfCrossedZones(args.resources, facts, crossed.map(c => c.fact), traffic)}` : "";
        for (const { fact, zone, nat, natZone } of crossed) {
            // A subnet on the main table shares it with the VPC's other unassociated subnets: it needs a table of its own.
            const route = fact.usesMainTable && fact.routeTable
                ? `associate this subnet with a route table of its own whose 0.0.0.0/0 goes to it (it has no RouteTableAssociation and uses ` +
                  `the main route table of VPC '${fact.vpc?.name ?? fact.vpcKey}'${fact.routeTable.resource ? `, ${routeTableLabel(fact.routeTable)}` : ""}).`
                : "route this subnet's table to it.";
            reportViolation(
                `Subnet '${fact.subnet.name}' in ${zone} sends 0.0.0.0/0 to NAT gateway '${nat.name}' in ${natZone}: ` +
                `its egress crosses zones at $${(2 * CROSS_AZ_PER_GB_EACH_DIRECTION).toFixed(2)}/GB round trip on top of ` +
                `$${NAT_PROCESSING_PER_GB}/GB NAT processing, and ${zone} loses egress when ${natZone} fails. ` +
                `Fix: give ${zone} its own NAT gateway (network.natGateways: perAz) and ${route}` +
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
    const endpoints = resources.filter(r => r.type === vpcEndpointType).map(r => rawProps(r.props))
        .filter(props => !isUnknown(props.serviceName) && !isUnknown(props.vpcEndpointType));
    const azsWithoutOwnNat = new Set(crossed.map(zoneKey)).size;
    return natGatewayPerAzCostNote(trafficProfile(traffic), endpointLayoutOf(endpoints, zoneCount), azsWithoutOwnNat, zoneCount);
}
