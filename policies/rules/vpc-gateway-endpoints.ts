import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { vpcEndpointRouteTableAssociationType, vpcEndpointType } from "../lib/aws-types";
import { groupBy } from "../lib/collections";
import { isPrivate, NetworkGraph, networkGraph, resolveReference, ResourceSet, resourceSet, RouteTableNode, routeTableLabel } from "../lib/network-graph";
import { GATEWAY_ENDPOINT_PER_GB, NAT_PROCESSING_PER_GB } from "../lib/prices";
import { isUnknown, rawProps } from "../lib/unknowns";

const gatewayServices = ["s3", "dynamodb"];

/** Private subnets reach S3 and DynamoDB through free gateway endpoints, not the NAT gateway. */
export const vpcGatewayEndpoints: StackValidationPolicy = {
    name: "vpc-gateway-endpoints",
    description: "VPCs with private subnets have the S3 and DynamoDB gateway endpoints.",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        const graph = networkGraph(args.resources);
        const endpoints = resourceSet(args.resources.filter(r => r.type === vpcEndpointType));
        const associations = associationsOf(endpoints, args.resources.filter(r => r.type === vpcEndpointRouteTableAssociationType));
        const privateSubnetsOf = groupBy(graph.facts.filter(f => isPrivate(f) === true), f => [f.vpc]);
        // An endpoint whose VPC is unknown might be in any of them.
        const vpcOf = new Map(endpoints.list.map(e => [e, resolveReference(e, "vpcId", graph.vpcs)]));
        const endpointsOf = groupBy(endpoints.list, e => [vpcOf.get(e)]);
        const unplaced = endpoints.list.filter(e => vpcOf.get(e) === undefined && isUnknown(rawProps(e.props).vpcId));
        const order = new Map(endpoints.list.map((e, i) => [e, i]));
        for (const vpc of graph.vpcs.list) {
            const privateSubnets = privateSubnetsOf.get(vpc) ?? [];
            if (privateSubnets.length === 0) continue;
            const inVpc = [...endpointsOf.get(vpc) ?? [], ...unplaced].sort((a, b) => order.get(a)! - order.get(b)!);
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
                const attached = attachedTables(gateways, associations, graph);
                if (!attached) continue; // an attachment that cannot be told might be the missing one
                // A subnet whose table cannot be told is not private as far as isPrivate knows, so every table here is known.
                const unattached = groupBy(privateSubnets, fact => [fact.routeTable && !attached.has(fact.routeTable) ? fact.routeTable : undefined]);
                if (unattached.size === 0) continue;
                const tables = [...unattached].map(([table, facts]) =>
                    `${routeTableLabel(table)} (subnet${facts.length > 1 ? "s" : ""} ${facts.map(f => `'${f.subnet.name}'`).join(", ")})`);
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
 * The VpcEndpointRouteTableAssociations of each endpoint; undefined when some association's
 * endpoint cannot be told (it might attach any of them).
 */
function associationsOf(endpoints: ResourceSet, associations: PolicyResource[]): Map<PolicyResource, PolicyResource[]> | undefined {
    const known = (value: unknown) => typeof value === "string" && !isUnknown(value);
    const everyIdKnown = endpoints.list.every(e => known(rawProps(e.props).id));
    const endpointOf = new Map(associations.map(a => [a, resolveReference(a, "vpcEndpointId", endpoints)]));
    // A known id of no endpoint in the stack attaches some other endpoint; an unknown one might be ours.
    if (associations.some(a => !endpointOf.get(a) && !(known(rawProps(a.props).vpcEndpointId) && everyIdKnown))) return undefined;
    return groupBy(associations, a => [endpointOf.get(a)]);
}

/**
 * The route tables these gateway endpoints are attached to, through their routeTableIds and
 * VpcEndpointRouteTableAssociations; undefined when some attachment cannot be told.
 */
function attachedTables(gateways: PolicyResource[], associations: ReturnType<typeof associationsOf>, graph: NetworkGraph): Set<RouteTableNode> | undefined {
    if (!associations) return undefined;
    const attached = new Set<RouteTableNode>();
    for (const endpoint of gateways) {
        const viaAssociations = (associations.get(endpoint) ?? []).map(a => graph.routeTableOf(a, "routeTableId"));
        for (const table of [...graph.routeTablesOf(endpoint, "routeTableIds") ?? [undefined], ...viaAssociations]) {
            if (!table) return undefined;
            attached.add(table);
        }
    }
    return attached;
}
