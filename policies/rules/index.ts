import { Policies } from "@pulumi/policy";
import { autoModeNodeclassApiGroup } from "./auto-mode-nodeclass-api-group";
import { containerResourceRequests } from "./container-resource-requests";
import { ecsAzRebalancing } from "./ecs-az-rebalancing";
import { ecsDeploymentCircuitBreaker } from "./ecs-deployment-circuit-breaker";
import { ecsServiceMultiAzSubnets } from "./ecs-service-multi-az-subnets";
import { ecsServiceNoPublicIp } from "./ecs-service-no-public-ip";
import { interfaceEndpointBreakEven } from "./interface-endpoint-break-even";
import { internalTrafficPolicyLocal } from "./internal-traffic-policy-local";
import { lbPublicHttps } from "./lb-public-https";
import { lbTargetTypeIp } from "./lb-target-type-ip";
import { natGatewayPerAz } from "./nat-gateway-per-az";
import { noDeprecatedTopologyRouting } from "./no-deprecated-topology-routing";
import { serviceTrafficDistribution } from "./service-traffic-distribution";
import { vpcGatewayEndpoints } from "./vpc-gateway-endpoints";
import { zoneSpread } from "./zone-spread";

/** Every policy of the cross-az-guardrails pack: the nine core guardrails in their order, then the ECS advisories, the endpoint break-even, then plain-HTTP public listeners. */
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
    ecsServiceNoPublicIp,
    ecsServiceMultiAzSubnets,
    ecsDeploymentCircuitBreaker,
    ecsAzRebalancing,
    interfaceEndpointBreakEven,
    lbPublicHttps,
];
