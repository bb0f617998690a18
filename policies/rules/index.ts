import { Policies } from "@pulumi/policy";
import { autoModeNodeclassApiGroup } from "./auto-mode-nodeclass-api-group";
import { containerResourceRequests } from "./container-resource-requests";
import { internalTrafficPolicyLocal } from "./internal-traffic-policy-local";
import { lbTargetTypeIp } from "./lb-target-type-ip";
import { natGatewayPerAz } from "./nat-gateway-per-az";
import { noDeprecatedTopologyRouting } from "./no-deprecated-topology-routing";
import { serviceTrafficDistribution } from "./service-traffic-distribution";
import { vpcGatewayEndpoints } from "./vpc-gateway-endpoints";
import { zoneSpread } from "./zone-spread";

/** Every policy of the cross-az-guardrails pack, in the order DESIGN.md lists them. */
export const allPolicies: Policies = [
    natGatewayPerAz,
    lbTargetTypeIp,
    serviceTrafficDistribution,
    noDeprecatedTopologyRouting,
    zoneSpread,
    internalTrafficPolicyLocal,
    vpcGatewayEndpoints,
    autoModeNodeclassApiGroup,
    containerResourceRequests,
];
