/**
 * Network: a VPC over N AZs laid out so traffic stays in its zone. Each AZ gets a public and a
 * private subnet and its own private route table; with natGateways "perAz" each private route
 * table sends 0.0.0.0/0 to the NAT gateway of its own AZ, so no egress byte crosses a zone.
 * S3 and DynamoDB gateway endpoints (free) and interface endpoints take AWS-service traffic off
 * the NAT gateways entirely.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    ConfigError, EndpointService, FlowLogsConfig, GATEWAY_ENDPOINT_SERVICES, GatewayEndpointService,
    InterfaceEndpointService, NetworkConfig,
} from "./config";
import { FlowLogs } from "./flow-logs";
import { carveSubnets } from "./subnet-layout";

export interface NetworkArgs {
    /** IPv4 block of the VPC, /16 to /22; carved as described in subnet-layout.ts. */
    cidr: string;
    /** The AZs to use, in order (resolveAvailabilityZones picks them from config or the region). */
    availabilityZones: string[];
    /** "perAz" (default in config): a NAT gateway per AZ; "single": one shared; "none": no egress. */
    natGateways: NetworkConfig["natGateways"];
    /** VPC endpoints to create: s3/dynamodb as gateway endpoints, the rest as interface endpoints. */
    endpoints: EndpointService[];
    /** Interface endpoints accept 443 from the whole VPC ("vpc") or only the private subnets. */
    endpointIngress: NetworkConfig["endpointIngress"];
    /** With enabled, a FlowLogs child logs every interface and holds the Athena queries that measure cross-AZ bytes. */
    flowLogs?: FlowLogsConfig;
    /** Pulumi `protect` on the VPC: a change that would replace it (a new cidr) fails instead of rebuilding the network. */
    protect: boolean;
    /** Extra tags on every resource. */
    tags?: Record<string, string>;
}

export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly vpcCidr: string;
    public readonly azs: string[];
    /** Public subnet ids in AZ order. */
    public readonly publicSubnetIds: pulumi.Output<string>[];
    /** Private subnet ids in AZ order. */
    public readonly privateSubnetIds: pulumi.Output<string>[];
    /** Public subnet CIDRs in AZ order: where internet-facing load balancers' nodes live. */
    public readonly publicSubnetCidrs: string[];
    /** Private subnet CIDRs in AZ order. */
    public readonly privateSubnetCidrs: string[];
    /** One private route table per AZ, in AZ order. */
    public readonly privateRouteTableIds: pulumi.Output<string>[];
    public readonly natGatewayIds: pulumi.Output<string>[];
    /** VPC endpoint ids by service name (s3, ecr.dkr, ...). */
    public readonly endpointIds: Record<string, pulumi.Output<string>>;
    /** The flow logs and their Athena pieces, when network.flowLogs.enabled. */
    public readonly flowLogs?: FlowLogs;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("crossaz:network:Network", name, {}, opts);
        const parent = { parent: this };
        const tagged = (resourceName: string, extra: Record<string, string> = {}) =>
            ({ ...args.tags, ...extra, Name: resourceName });
        const azs = args.availabilityZones;
        const layout = carveSubnets(args.cidr, azs.length);

        const vpc = new aws.ec2.Vpc(name, {
            cidrBlock: args.cidr,
            enableDnsSupport: true,
            enableDnsHostnames: true, // interface endpoints with private DNS need both
            tags: tagged(name),
        }, { parent: this, protect: args.protect });

        // Adopts the VPC's default security group and removes its rules: anything launched without a
        // group of its own gets no traffic at all (CIS AWS 5.4, AWS FSBP EC2.2).
        new aws.ec2.DefaultSecurityGroup(name, { vpcId: vpc.id, tags: tagged(`${name}-default`) }, parent);

        const internetGateway = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: tagged(name) }, parent);
        const publicRouteTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tagged(`${name}-public`) }, parent);
        new aws.ec2.Route(`${name}-public-default`, {
            routeTableId: publicRouteTable.id,
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: internetGateway.id,
        }, parent);

        const publicSubnets = azs.map((az, i) => {
            const subnetName = `${name}-public-${az}`;
            const subnet = new aws.ec2.Subnet(subnetName, {
                vpcId: vpc.id,
                cidrBlock: layout.publicCidrs[i],
                availabilityZone: az,
                mapPublicIpOnLaunch: false, // only load balancers and NAT gateways live here
                tags: tagged(subnetName, { "kubernetes.io/role/elb": "1" }),
            }, parent);
            new aws.ec2.RouteTableAssociation(subnetName, { subnetId: subnet.id, routeTableId: publicRouteTable.id }, parent);
            return subnet;
        });

        const natGateways = natGatewayAzIndexes(args.natGateways, azs.length).map(i => {
            const natName = `${name}-nat-${azs[i]}`;
            const eip = new aws.ec2.Eip(natName, { domain: "vpc", tags: tagged(natName) }, parent);
            return new aws.ec2.NatGateway(natName, {
                subnetId: publicSubnets[i].id,
                allocationId: eip.allocationId,
                tags: tagged(natName),
            }, { parent: this, dependsOn: [internetGateway] });
        });

        const privateSubnets = azs.map((az, i) => {
            const subnetName = `${name}-private-${az}`;
            return new aws.ec2.Subnet(subnetName, {
                vpcId: vpc.id,
                cidrBlock: layout.privateCidrs[i],
                availabilityZone: az,
                tags: tagged(subnetName, { "kubernetes.io/role/internal-elb": "1" }),
            }, parent);
        });

        // One route table per AZ even without NAT: routes stay zone-scoped and adding
        // per-AZ NAT later changes routes, not associations.
        const privateRouteTables = azs.map((az, i) => {
            const tableName = `${name}-private-${az}`;
            const table = new aws.ec2.RouteTable(tableName, { vpcId: vpc.id, tags: tagged(tableName) }, parent);
            new aws.ec2.RouteTableAssociation(tableName, { subnetId: privateSubnets[i].id, routeTableId: table.id }, parent);
            if (natGateways.length > 0) {
                const sameAzNat = natGateways[args.natGateways === "perAz" ? i : 0];
                new aws.ec2.Route(`${tableName}-default`, {
                    routeTableId: table.id,
                    destinationCidrBlock: "0.0.0.0/0",
                    natGatewayId: sameAzNat.id,
                }, parent);
            }
            return table;
        });

        const region = aws.getRegionOutput({}, parent).region;
        const serviceName = (service: EndpointService) => pulumi.interpolate`com.amazonaws.${region}.${service}`;
        const endpointIds: Record<string, pulumi.Output<string>> = {};

        for (const service of args.endpoints.filter(isGatewayService)) {
            endpointIds[service] = new aws.ec2.VpcEndpoint(`${name}-${service}`, {
                vpcId: vpc.id,
                serviceName: serviceName(service),
                vpcEndpointType: "Gateway",
                routeTableIds: privateRouteTables.map(t => t.id),
                tags: tagged(`${name}-${service}`),
            }, parent).id;
        }

        const interfaceServices = args.endpoints.filter((s): s is InterfaceEndpointService => !isGatewayService(s));
        if (interfaceServices.length > 0) {
            const endpointSecurityGroup = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
                vpcId: vpc.id,
                description: "HTTPS to interface VPC endpoints from inside the VPC",
                ingress: [{
                    description: args.endpointIngress === "vpc" ? "HTTPS from the VPC" : "HTTPS from the private subnets",
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrBlocks: args.endpointIngress === "vpc" ? [args.cidr] : layout.privateCidrs,
                }],
                tags: tagged(`${name}-endpoints`),
            }, parent);
            for (const service of interfaceServices) {
                endpointIds[service] = new aws.ec2.VpcEndpoint(`${name}-${service}`, {
                    vpcId: vpc.id,
                    serviceName: serviceName(service),
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: privateSubnets.map(s => s.id), // one ENI per AZ: callers stay in-zone
                    securityGroupIds: [endpointSecurityGroup.id],
                    tags: tagged(`${name}-${service}`),
                }, parent).id;
            }
        }

        if (args.flowLogs?.enabled) {
            this.flowLogs = new FlowLogs(`${name}-flow-logs`, {
                vpcId: vpc.id,
                vpcCidr: args.cidr,
                subnets: [
                    ...privateSubnets.map((s, i) => ({ id: s.id, cidr: layout.privateCidrs[i], availabilityZoneId: s.availabilityZoneId, tier: "private" as const })),
                    ...publicSubnets.map((s, i) => ({ id: s.id, cidr: layout.publicCidrs[i], availabilityZoneId: s.availabilityZoneId, tier: "public" as const })),
                ],
                natGatewayInterfaceIds: natGateways.map(n => n.networkInterfaceId),
                retentionDays: args.flowLogs.retentionDays,
                maxAggregationInterval: args.flowLogs.maxAggregationInterval,
                tags: args.tags,
            }, parent);
        }

        this.vpcId = vpc.id;
        this.vpcCidr = args.cidr;
        this.azs = azs;
        this.publicSubnetIds = publicSubnets.map(s => s.id);
        this.privateSubnetIds = privateSubnets.map(s => s.id);
        this.publicSubnetCidrs = layout.publicCidrs;
        this.privateSubnetCidrs = layout.privateCidrs;
        this.privateRouteTableIds = privateRouteTables.map(t => t.id);
        this.natGatewayIds = natGateways.map(n => n.id);
        this.endpointIds = endpointIds;
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            privateRouteTableIds: this.privateRouteTableIds,
            natGatewayIds: this.natGatewayIds,
            endpointIds: this.endpointIds,
        });
    }
}

/** Which AZ indexes get a NAT gateway. */
function natGatewayAzIndexes(natGateways: NetworkConfig["natGateways"], azCount: number): number[] {
    switch (natGateways) {
        case "perAz": return [...Array(azCount).keys()];
        case "single": return [0];
        case "none": return [];
    }
}

const isGatewayService = (service: EndpointService): service is GatewayEndpointService =>
    (GATEWAY_ENDPOINT_SERVICES as readonly string[]).includes(service);

/**
 * The AZs the network spans: network.availabilityZones as given, or the first azCount
 * standard AZs the region reports available (Local and Wavelength Zones need opt-in and
 * are skipped). Fails with a ConfigError when the region offers fewer, or not one of those given.
 */
export async function resolveAvailabilityZones(network: NetworkConfig): Promise<string[]> {
    const azCount = network.azCount;
    const offered = await aws.getAvailabilityZones({
        state: "available",
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    if (network.availabilityZones) {
        const foreign = network.availabilityZones.map((zone, i) => [zone, i] as const).filter(([zone]) => !offered.names.includes(zone));
        if (foreign.length === 0) return network.availabilityZones;
        throw new ConfigError(foreign.map(([zone, i]) =>
            `network.availabilityZones.${i} must be an AZ this region offers (${offered.names.join(", ")}), got ${JSON.stringify(zone)}`).join("; "));
    }
    if (offered.names.length < azCount) {
        throw new ConfigError(
            `network.azCount must be at most ${offered.names.length} in this region (it offers ${offered.names.join(", ")}), got ${azCount}`);
    }
    return offered.names.slice(0, azCount);
}
