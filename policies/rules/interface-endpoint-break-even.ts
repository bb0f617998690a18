import { StackValidationPolicy } from "@pulumi/policy";
import { builtBy, OWN_COMPONENTS } from "../lib/components";
import { endpointService, formatGbPerMonth, formatMonthlyUsd, TRAFFIC_CONFIG_SCHEMA, TrafficConfig, trafficProfile, vpcShare } from "../lib/cost-model";
import { endpointBalance, endpointTrafficGb, INTERFACE_ENDPOINT_TRAFFIC } from "../lib/endpoint-economics";
import { HOURS_PER_MONTH, INTERFACE_ENDPOINT_PER_AZ_HOUR } from "../lib/prices";
import { isUnknown } from "../lib/unknowns";
import { stackNetwork } from "../lib/vpc-layout";

const endpointAzMonth = `$${(INTERFACE_ENDPOINT_PER_AZ_HOUR * HOURS_PER_MONTH).toFixed(2)}`;

/**
 * An interface endpoint costs its hours in every AZ plus PrivateLink processing; it saves the NAT
 * processing and cross-AZ NAT transfer of its traffic. Judged only with a traffic config, only in
 * VPCs with NAT gateways (without one the endpoint is the only way out), and only where the
 * endpoint's service, type and AZ count are known.
 */
export const interfaceEndpointBreakEven: StackValidationPolicy = {
    name: "interface-endpoint-break-even",
    description: "Interface VPC endpoints save more than they cost at the stack's traffic (hours per AZ and PrivateLink against NAT processing and cross-AZ NAT transfer).",
    enforcementLevel: "advisory",
    configSchema: { properties: { traffic: TRAFFIC_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const { traffic } = args.getConfig<{ traffic?: TrafficConfig }>();
        if (!traffic) return;
        const profile = trafficProfile(traffic);
        const { vpcs } = stackNetwork(args.resources);
        for (const vpc of vpcs) {
            if (vpc.natGatewayCount === 0) continue;
            const nat = { zoneCount: vpc.privateZones.length, natGatewayCount: vpc.natGatewayCount, azsWithoutOwnNat: vpc.zonesWithoutOwnNat.length };
            vpc.endpointResources.forEach((resource, i) => {
                const props = vpc.endpoints[i];
                if (isUnknown(props.serviceName) || typeof props.serviceName !== "string" || props.vpcEndpointType !== "Interface") return;
                const azCount = endpointAzCount(props.subnetIds, resource.propertyDependencies?.subnetIds?.length);
                if (azCount === undefined) return;
                const service = endpointService(props.serviceName);
                // The stack's AWS-service traffic is split evenly over its VPCs, as in the cost report.
                const balance = endpointBalance(service, endpointTrafficGb(service, vpcShare(profile, vpcs.length)), azCount, nat);
                if (balance.monthlySaving >= balance.monthlyCost) return;
                const figured = INTERFACE_ENDPOINT_TRAFFIC[service] !== undefined;
                const saves = figured
                    ? `saves ${formatMonthlyUsd(balance.monthlySaving)} at ${formatGbPerMonth(balance.gbPerMonth)} of ${service} traffic (the NAT processing and cross-AZ NAT transfer it avoids).` +
                      (balance.breakEvenGbPerMonth !== undefined ? ` It pays for itself above ${formatGbPerMonth(balance.breakEvenGbPerMonth)}.` : "")
                    : `saves nothing the traffic section prices: ${service} carries API calls, not data volume${service.startsWith("ecr.") ? " (image layers come from S3)" : ""}.`;
                const fix = builtBy(resource, OWN_COMPONENTS.network)
                    ? "set network.endpoints: auto, or leave it out of the list"
                    : "remove it and let this traffic take the NAT gateways, unless you need it for other reasons (no internet path, policy on the endpoint)";
                reportViolation(
                    `Interface endpoint '${resource.name}' (${service}) in VPC '${vpc.name}' costs ${formatMonthlyUsd(balance.monthlyCost)} ` +
                    `(${azCount} AZs x ${endpointAzMonth} + PrivateLink) and ${saves} Fix: ${fix}.`,
                    resource.urn,
                );
            });
        }
    },
};

/** The AZs an interface endpoint has an ENI in: its subnetIds, counted even while their ids are unknown. */
function endpointAzCount(subnetIds: unknown, dependencyCount: number | undefined): number | undefined {
    if (Array.isArray(subnetIds)) return subnetIds.length;
    if (isUnknown(subnetIds) && dependencyCount) return dependencyCount;
    return undefined;
}
