import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { vpcEndpointRouteTableAssociationType, vpcEndpointType, vpcType } from "../lib/aws-types";
import { isPrivate, networkGraph, resolveReference, RouteTableNode, routeTableLabel } from "../lib/network-graph";
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
        const associations = args.resources.filter(r => r.type === vpcEndpointRouteTableAssociationType);
        const graph = networkGraph(args.resources);
        for (const vpc of vpcs) {
            const privateSubnets = graph.facts.filter(f => f.vpc === vpc && isPrivate(f) === true);
            if (privateSubnets.length === 0) continue;
            const inVpc = endpoints.filter(e => {
                const target = resolveReference(e, "vpcId", vpcs);
                return target === vpc || (target === undefined && isUnknown(rawProps(e.props).vpcId));
            });
            // An endpoint whose service or type is unknown might be the one we look for: stay silent.
            if (inVpc.some(e => isUnknown(rawProps(e.props).serviceName) || isUnknown(rawProps(e.props).vpcEndpointType))) continue;
            for (const service of gatewayServices) {
                const gateways = inVpc.filter(e => {
                    const props = rawProps(e.props);
                    return typeof props.serviceName === "string" && props.serviceName.endsWith(`.${service}`) &&
                        (props.vpcEndpointType ?? "Gateway") === "Gateway";
                });
                if (gateways.length === 0) {
                    reportViolation(
                        `VPC '${vpc.name}' has private subnets but no ${service} gateway endpoint: their ${service} traffic goes through a NAT gateway at $${NAT_PROCESSING_PER_GB}/GB (and across zones if the NAT is elsewhere) instead of $${GATEWAY_ENDPOINT_PER_GB}/GB. ` +
                        `Fix: add an aws.ec2.VpcEndpoint (vpcEndpointType Gateway, serviceName com.amazonaws.<region>.${service}) on the private route tables.`,
                        vpc.urn,
                    );
                    continue;
                }
                const attached = attachedTables(gateways, endpoints, associations, graph);
                if (!attached) continue; // an attachment that cannot be told might be the missing one
                // A subnet whose table cannot be told is not private as far as isPrivate knows, so every table here is known.
                const unattached = new Map<RouteTableNode, PolicyResource[]>();
                for (const fact of privateSubnets) {
                    if (!fact.routeTable || attached.has(fact.routeTable)) continue;
                    unattached.set(fact.routeTable, [...unattached.get(fact.routeTable) ?? [], fact.subnet]);
                }
                if (unattached.size === 0) continue;
                const tables = [...unattached].map(([table, subnets]) =>
                    `${routeTableLabel(table)} (subnet${subnets.length > 1 ? "s" : ""} ${subnets.map(s => `'${s.name}'`).join(", ")})`);
                const names = gateways.map(e => `'${e.name}'`).join(", ");
                reportViolation(
                    `The ${service} gateway endpoint${gateways.length > 1 ? "s" : ""} ${names} of VPC '${vpc.name}' ${gateways.length > 1 ? "are" : "is"} not attached to the route tables of its private subnets: ${tables.join(", ")}: ` +
                    `a gateway endpoint only takes the traffic of the route tables it is attached to, so their ${service} traffic goes through a NAT gateway at $${NAT_PROCESSING_PER_GB}/GB (and across zones if the NAT is elsewhere) instead of $${GATEWAY_ENDPOINT_PER_GB}/GB. ` +
                    `Fix: add these route tables to the endpoint's routeTableIds (or an aws.ec2.VpcEndpointRouteTableAssociation per table)` +
                    ([...unattached.keys()].some(t => !t.resource) ? `; the main route table's id is the VPC's mainRouteTableId.` : "."),
                    gateways.length === 1 ? gateways[0].urn : vpc.urn,
                );
            }
        }
    },
};

/**
 * The route tables these gateway endpoints are attached to, through their routeTableIds and
 * VpcEndpointRouteTableAssociations; undefined when some attachment cannot be told.
 */
function attachedTables(
    gateways: PolicyResource[], endpoints: PolicyResource[], associations: PolicyResource[], graph: ReturnType<typeof networkGraph>,
): Set<RouteTableNode> | undefined {
    const attached = new Set<RouteTableNode>();
    for (const endpoint of gateways) {
        const tables = graph.routeTablesOf(endpoint, "routeTableIds");
        if (!tables) return undefined;
        tables.forEach(t => attached.add(t));
    }
    for (const association of associations) {
        const endpoint = resolveReference(association, "vpcEndpointId", endpoints);
        if (!endpoint) {
            // A known id of no endpoint in the stack attaches some other endpoint; an unknown one might be ours.
            const id = rawProps(association.props).vpcEndpointId;
            const known = (value: unknown) => typeof value === "string" && !isUnknown(value);
            if (known(id) && endpoints.every(e => known(rawProps(e.props).id))) continue;
            return undefined;
        }
        if (!gateways.includes(endpoint)) continue;
        const table = graph.routeTableOf(association, "routeTableId");
        if (!table) return undefined;
        attached.add(table);
    }
    return attached;
}
