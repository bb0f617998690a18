import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { vpcEndpointType, vpcType } from "../lib/aws-types";
import { isPrivate, resolveReference, subnetFacts } from "../lib/network-graph";
import { GATEWAY_ENDPOINT_PER_GB, NAT_PROCESSING_PER_GB } from "../lib/prices";
import { isUnknown, rawProps } from "../lib/unknowns";

const gatewayServices = ["s3", "dynamodb"];

/** Private subnets reach S3 and DynamoDB through free gateway endpoints, not the NAT gateway. */
export const vpcGatewayEndpoints: StackValidationPolicy = {
    name: "vpc-gateway-endpoints",
    description: "VPCs with private subnets have the S3 and DynamoDB gateway endpoints.",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        const vpcs = args.resources.filter(r => r.type === vpcType);
        const endpoints = args.resources.filter(r => r.type === vpcEndpointType);
        const privateVpcs = new Set<PolicyResource>();
        for (const fact of subnetFacts(args.resources)) {
            if (fact.vpc && isPrivate(fact) === true) privateVpcs.add(fact.vpc);
        }
        for (const vpc of vpcs.filter(v => privateVpcs.has(v))) {
            const inVpc = endpoints.filter(e => {
                const target = resolveReference(e, "vpcId", vpcs);
                return target === vpc || (target === undefined && isUnknown(rawProps(e.props).vpcId));
            });
            // An endpoint whose service or type is unknown might be the one we look for: stay silent.
            if (inVpc.some(e => isUnknown(rawProps(e.props).serviceName) || isUnknown(rawProps(e.props).vpcEndpointType))) continue;
            for (const service of gatewayServices) {
                const present = inVpc.some(e => {
                    const props = rawProps(e.props);
                    return typeof props.serviceName === "string" && props.serviceName.endsWith(`.${service}`) &&
                        (props.vpcEndpointType ?? "Gateway") === "Gateway";
                });
                if (present) continue;
                reportViolation(
                    `VPC '${vpc.name}' has private subnets but no ${service} gateway endpoint: their ${service} traffic goes through a NAT gateway at $${NAT_PROCESSING_PER_GB}/GB (and across zones if the NAT is elsewhere) instead of $${GATEWAY_ENDPOINT_PER_GB}/GB. ` +
                    `Fix: add an aws.ec2.VpcEndpoint (vpcEndpointType Gateway, serviceName com.amazonaws.<region>.${service}) on the private route tables.`,
                    vpc.urn,
                );
            }
        }
    },
};
