import * as assert from "node:assert/strict";
import { ConfigError, parseStackConfig } from "../../components/config";
import { Network, NetworkArgs, resolveAvailabilityZones } from "../../components/network";
import { byId, declare, ofType, one, Registration, TEST_AZS, valueOf } from "../helpers/mocks";

const AZS = TEST_AZS.slice(0, 3);
const baseArgs: NetworkArgs = {
    cidr: "10.0.0.0/16",
    availabilityZones: AZS,
    natGateways: "perAz",
    endpoints: ["s3", "dynamodb", "ecr.api", "ecr.dkr", "sts", "logs"],
    endpointIngress: "vpc",
    protect: false,
};

const declareNetwork = (args: Partial<NetworkArgs> = {}) =>
    declare(() => new Network("net", { ...baseArgs, ...args }));

const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE = "aws:ec2/route:Route";
const ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const NAT = "aws:ec2/natGateway:NatGateway";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

const privateSubnets = (rs: Registration[]) => ofType(rs, SUBNET).filter(s => s.inputs.tags["kubernetes.io/role/internal-elb"] === "1");
const publicSubnets = (rs: Registration[]) => ofType(rs, SUBNET).filter(s => s.inputs.tags["kubernetes.io/role/elb"] === "1");
/** Route tables associated with a private subnet, each with the AZ of that subnet. */
const privateRouteTables = (rs: Registration[]) => ofType(rs, ASSOCIATION)
    .map(a => ({ subnet: byId(rs, a.inputs.subnetId), table: byId(rs, a.inputs.routeTableId) }))
    .filter(({ subnet }) => subnet.inputs.tags["kubernetes.io/role/internal-elb"] === "1")
    .map(({ subnet, table }) => ({ az: subnet.inputs.availabilityZone as string, table }));
const defaultRoutes = (rs: Registration[], tableId: string) =>
    ofType(rs, ROUTE).filter(r => r.inputs.routeTableId === tableId && r.inputs.destinationCidrBlock === "0.0.0.0/0");
const natAz = (rs: Registration[], natId: string) => byId(rs, byId(rs, natId).inputs.subnetId).inputs.availabilityZone;

describe("Network", () => {
    it("registers as crossaz:network:Network and builds a DNS-enabled VPC", async () => {
        const { resources } = await declareNetwork();
        assert.equal(ofType(resources, "crossaz:network:Network").length, 1);
        const [vpc] = ofType(resources, "aws:ec2/vpc:Vpc");
        assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
        assert.equal(vpc.inputs.enableDnsSupport, true);
        assert.equal(vpc.inputs.enableDnsHostnames, true);
    });

    it("puts one public and one private subnet in each AZ with load-balancer discovery and Name tags", async () => {
        const { resources } = await declareNetwork();
        for (const subnets of [publicSubnets(resources), privateSubnets(resources)]) {
            assert.deepEqual(subnets.map(s => s.inputs.availabilityZone), AZS);
            for (const s of subnets) assert.match(s.inputs.tags.Name, new RegExp(`^net-(public|private)-${s.inputs.availabilityZone}$`));
        }
        assert.deepEqual(privateSubnets(resources).map(s => s.inputs.cidrBlock), ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]);
        assert.deepEqual(publicSubnets(resources).map(s => s.inputs.cidrBlock), ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"]);
    });

    it("routes public subnets to an internet gateway", async () => {
        const { resources } = await declareNetwork();
        const [igw] = ofType(resources, "aws:ec2/internetGateway:InternetGateway");
        const publicAssociations = ofType(resources, ASSOCIATION).filter(a => publicSubnets(resources).some(s => s.id === a.inputs.subnetId));
        assert.equal(publicAssociations.length, 3);
        for (const a of publicAssociations) {
            const [route] = defaultRoutes(resources, a.inputs.routeTableId);
            assert.equal(route.inputs.gatewayId, igw.id);
        }
    });

    describe("natGateways perAz", () => {
        it("puts one NAT gateway with its own Elastic IP in the public subnet of each AZ", async () => {
            const { resources } = await declareNetwork();
            const nats = ofType(resources, NAT);
            assert.equal(nats.length, 3);
            const subnets = nats.map(n => byId(resources, n.inputs.subnetId));
            assert.ok(subnets.every(s => s.inputs.tags["kubernetes.io/role/elb"] === "1"), "NAT gateways sit in public subnets");
            assert.deepEqual(subnets.map(s => s.inputs.availabilityZone).sort(), AZS);
            const eipAllocations = new Set(nats.map(n => n.inputs.allocationId));
            assert.equal(eipAllocations.size, 3);
        });

        it("sends each private route table's default route to the NAT gateway of its own AZ", async () => {
            const { resources } = await declareNetwork();
            const tables = privateRouteTables(resources);
            assert.deepEqual(tables.map(t => t.az), AZS);
            assert.equal(new Set(tables.map(t => t.table.id)).size, 3, "one route table per AZ");
            for (const { az, table } of tables) {
                const routes = defaultRoutes(resources, table.id);
                assert.equal(routes.length, 1);
                assert.equal(natAz(resources, routes[0].inputs.natGatewayId), az);
            }
        });
    });

    it("natGateways single: one NAT gateway shared by every private route table", async () => {
        const { resources } = await declareNetwork({ natGateways: "single" });
        const nats = ofType(resources, NAT);
        assert.equal(nats.length, 1);
        for (const { table } of privateRouteTables(resources)) {
            assert.deepEqual(defaultRoutes(resources, table.id).map(r => r.inputs.natGatewayId), [nats[0].id]);
        }
    });

    it("natGateways none: no NAT, no Elastic IP and no default route in private route tables", async () => {
        const { resources } = await declareNetwork({ natGateways: "none" });
        assert.equal(ofType(resources, NAT).length, 0);
        assert.equal(ofType(resources, "aws:ec2/eip:Eip").length, 0);
        const tables = privateRouteTables(resources);
        assert.equal(tables.length, 3);
        for (const { table } of tables) assert.equal(defaultRoutes(resources, table.id).length, 0);
    });

    it("attaches the S3 and DynamoDB gateway endpoints to every private route table", async () => {
        const { resources } = await declareNetwork();
        const privateTableIds = privateRouteTables(resources).map(t => t.table.id).sort();
        const gateways = ofType(resources, ENDPOINT).filter(e => e.inputs.vpcEndpointType === "Gateway");
        assert.deepEqual(gateways.map(e => e.inputs.serviceName).sort(), ["com.amazonaws.us-east-1.dynamodb", "com.amazonaws.us-east-1.s3"]);
        for (const endpoint of gateways) assert.deepEqual([...endpoint.inputs.routeTableIds].sort(), privateTableIds);
    });

    it("puts interface endpoints with private DNS in every private subnet", async () => {
        const { resources } = await declareNetwork();
        const interfaces = ofType(resources, ENDPOINT).filter(e => e.inputs.vpcEndpointType === "Interface");
        assert.deepEqual(interfaces.map(e => e.inputs.serviceName).sort(),
            ["ecr.api", "ecr.dkr", "logs", "sts"].map(s => `com.amazonaws.us-east-1.${s}`));
        const privateIds = privateSubnets(resources).map(s => s.id);
        for (const endpoint of interfaces) {
            assert.equal(endpoint.inputs.privateDnsEnabled, true);
            assert.deepEqual(endpoint.inputs.subnetIds, privateIds);
        }
    });

    it("lets only TCP 443 from the VPC CIDR reach the interface endpoints", async () => {
        const { resources } = await declareNetwork();
        const interfaces = ofType(resources, ENDPOINT).filter(e => e.inputs.vpcEndpointType === "Interface");
        const groupIds = new Set(interfaces.flatMap(e => e.inputs.securityGroupIds));
        assert.equal(groupIds.size, 1);
        const group = byId(resources, [...groupIds][0]);
        assert.deepEqual(group.inputs.ingress.map((rule: any) => [rule.protocol, rule.fromPort, rule.toPort, rule.cidrBlocks]),
            [["tcp", 443, 443, ["10.0.0.0/16"]]]);
        assert.equal(group.inputs.egress, undefined, "no rules beyond the one ingress rule");
    });

    it("endpointIngress private-subnets: only the private subnet CIDRs reach the endpoints on 443", async () => {
        const { resources } = await declareNetwork({ endpointIngress: "private-subnets" });
        const [group] = ofType(resources, "aws:ec2/securityGroup:SecurityGroup");
        assert.deepEqual(group.inputs.ingress.map((rule: any) => [rule.protocol, rule.fromPort, rule.toPort, rule.cidrBlocks]),
            [["tcp", 443, 443, privateSubnets(resources).map(s => s.inputs.cidrBlock)]]);
    });

    it("declares no security group and no interface endpoint when only gateway endpoints are asked for", async () => {
        const { resources } = await declareNetwork({ endpoints: ["s3", "dynamodb"] });
        assert.equal(ofType(resources, "aws:ec2/securityGroup:SecurityGroup").length, 0);
        assert.deepEqual(ofType(resources, ENDPOINT).map(e => e.inputs.vpcEndpointType), ["Gateway", "Gateway"]);
    });

    it("manages the VPC's default security group with no rules, so nothing can use it", async () => {
        const { resources } = await declareNetwork();
        const [vpc] = ofType(resources, "aws:ec2/vpc:Vpc");
        const defaultGroup = one(resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs;
        assert.equal(defaultGroup.vpcId, vpc.id);
        assert.deepEqual([defaultGroup.ingress, defaultGroup.egress], [undefined, undefined], "no rule: the provider removes AWS's defaults");
    });

    it("protect: the VPC is protected, so a cidr change that would replace it fails instead", async () => {
        for (const protect of [true, false]) {
            const { resources } = await declareNetwork({ protect });
            assert.equal(one(resources, "aws:ec2/vpc:Vpc").protect, protect);
            assert.equal(ofType(resources, SUBNET).some(s => s.protect), false, "only the VPC: subnets are rebuilt with it");
        }
    });

    it("exposes subnet, route table, NAT and endpoint ids as outputs", async () => {
        const { result: network, resources } = await declareNetwork();
        const subnets = (await Promise.all(network.privateSubnetIds.map(valueOf))).map(id => byId(resources, id));
        assert.deepEqual(subnets, privateSubnets(resources));
        assert.deepEqual(subnets.map(s => s.inputs.availabilityZone), AZS);
        const natIds = await Promise.all(network.natGatewayIds.map(valueOf));
        assert.deepEqual(natIds.map(id => byId(resources, id)), ofType(resources, NAT));
        assert.deepEqual(natIds.map(id => natAz(resources, id)), AZS);
        assert.deepEqual(Object.keys(network.endpointIds).sort(), ["dynamodb", "ecr.api", "ecr.dkr", "logs", "s3", "sts"]);
        assert.deepEqual(network.azs, AZS);
        assert.deepEqual(network.publicSubnetCidrs, publicSubnets(resources).map(s => s.inputs.cidrBlock));
    });
});

describe("resolveAvailabilityZones", () => {
    it("takes the first azCount AZs the region offers", async () => {
        const { result } = await declare(() => resolveAvailabilityZones(parseStackConfig({ network: { azCount: 4 } }).network));
        assert.deepEqual(result, TEST_AZS.slice(0, 4));
    });

    it("uses network.availabilityZones as given", async () => {
        const zones = ["us-east-1c", "us-east-1d"];
        const { result } = await declare(() => resolveAvailabilityZones(parseStackConfig({ network: { availabilityZones: zones } }).network));
        assert.deepEqual(result, zones);
    });

    it("rejects availabilityZones the region does not offer (another region's, or none of its own), naming the AZs it has", async () => {
        const network = parseStackConfig({ network: { availabilityZones: ["us-west-1a", "us-west-1b", "eu-west-1a"] } }).network;
        await assert.rejects(declare(() => resolveAvailabilityZones(network), { regionAzs: ["us-west-1a", "us-west-1c"] }),
            (e: Error) => e instanceof ConfigError && e.message === "network.availabilityZones.1 must be an AZ this region offers "
                + '(us-west-1a, us-west-1c), got "us-west-1b"; network.availabilityZones.2 must be an AZ this region offers (us-west-1a, us-west-1c), got "eu-west-1a"');
    });

    it("rejects an azCount larger than the region offers, naming the AZs it has", async () => {
        const network = parseStackConfig({ network: { azCount: 3 } }).network;
        await assert.rejects(declare(() => resolveAvailabilityZones(network), { regionAzs: ["us-west-1a", "us-west-1c"] }),
            (e: Error) => e instanceof ConfigError
                && e.message === "network.azCount must be at most 2 in this region (it offers us-west-1a, us-west-1c), got 3");
    });
});
