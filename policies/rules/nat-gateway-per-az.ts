import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { natGatewayType } from "../lib/aws-types";
import { isPrivate, natGatewayZone, subnetFacts } from "../lib/network-graph";
import { CROSS_AZ_PER_GB_EACH_DIRECTION, NAT_PROCESSING_PER_GB } from "../lib/prices";

/** Every AZ whose private subnets default-route to a NAT gateway must reach a NAT in that same AZ. */
export const natGatewayPerAz: StackValidationPolicy = {
    name: "nat-gateway-per-az",
    description: "Private subnets send 0.0.0.0/0 to a NAT gateway in their own Availability Zone.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const facts = subnetFacts(args.resources);
        const zoneOf = new Map<PolicyResource, string | undefined>();
        for (const nat of args.resources.filter(r => r.type === natGatewayType)) zoneOf.set(nat, natGatewayZone(nat, facts));

        for (const fact of facts) {
            if (fact.defaultRoute.kind !== "nat" || isPrivate(fact) !== true || !fact.availabilityZone) continue;
            const nat = fact.defaultRoute.nat;
            const natZone = zoneOf.get(nat);
            if (natZone === undefined || natZone === "regional" || natZone === fact.availabilityZone) continue;
            reportViolation(
                `Subnet '${fact.subnet.name}' in ${fact.availabilityZone} sends 0.0.0.0/0 to NAT gateway '${nat.name}' in ${natZone}: ` +
                `its egress crosses zones at $${(2 * CROSS_AZ_PER_GB_EACH_DIRECTION).toFixed(2)}/GB round trip on top of ` +
                `$${NAT_PROCESSING_PER_GB}/GB NAT processing, and ${fact.availabilityZone} loses egress when ${natZone} fails. ` +
                `Fix: give ${fact.availabilityZone} its own NAT gateway (network.natGateways: perAz) and route this subnet's table to it.`,
                fact.subnet.urn,
            );
        }
    },
};
