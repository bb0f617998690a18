import assert from "node:assert/strict";
import { costLayoutFromGraph, GraphResource } from "../../../automation/preview/cost-layout";
import { UNKNOWN } from "../../../automation/preview/properties";

/** A small graph builder, resources as stack policies see them: references by id (known ids), or unknown ids followed through propertyDependencies. */
function graph(knownIds: boolean) {
    const resources: GraphResource[] = [];
    const add = (type: string, name: string, inputs: Record<string, any>, refs: Record<string, GraphResource> = {}) => {
        const r: GraphResource = { urn: `urn:pulumi:t::p::${type}::${name}`, type, name, inputs: { ...inputs, id: knownIds ? `${type.split(":").pop()}-${name}` : UNKNOWN }, propertyDependencies: {} };
        for (const [key, target] of Object.entries(refs)) {
            r.inputs[key] = target.inputs.id;
            r.propertyDependencies[key] = [target.urn];
        }
        resources.push(r);
        return r;
    };
    return { resources, add };
}

/** `placement` says how subnets give their AZ: by name (default), or by AZ id for all or only the private ones. */
function network(knownIds: boolean, natAzs: string[], endpoints: Record<string, any>[] = [], placement: "names" | "ids" | "private-ids" = "names") {
    const g = graph(knownIds);
    const vpc = g.add("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" });
    const azs = ["a", "b", "c"];
    const zone = (az: string, isPrivate: boolean) => placement === "ids" || placement === "private-ids" && isPrivate
        ? { availabilityZoneId: `use1-az${azs.indexOf(az) + 1}` } : { availabilityZone: `us-east-1${az}` };
    const igw = g.add("aws:ec2/internetGateway:InternetGateway", "igw", {});
    const publicTable = g.add("aws:ec2/routeTable:RouteTable", "public", {});
    g.add("aws:ec2/route:Route", "public-default", { destinationCidrBlock: "0.0.0.0/0" }, { routeTableId: publicTable, gatewayId: igw });
    const nats = new Map(azs.map(az => {
        const subnet = g.add("aws:ec2/subnet:Subnet", `public-${az}`, zone(az, false), { vpcId: vpc });
        g.add("aws:ec2/routeTableAssociation:RouteTableAssociation", `public-${az}`, {}, { subnetId: subnet, routeTableId: publicTable });
        return [az, natAzs.includes(az) ? g.add("aws:ec2/natGateway:NatGateway", `nat-${az}`, {}, { subnetId: subnet }) : undefined];
    }));
    for (const az of azs) {
        const subnet = g.add("aws:ec2/subnet:Subnet", `private-${az}`, zone(az, true), { vpcId: vpc });
        const table = g.add("aws:ec2/routeTable:RouteTable", `private-${az}`, {});
        g.add("aws:ec2/routeTableAssociation:RouteTableAssociation", `private-${az}`, {}, { subnetId: subnet, routeTableId: table });
        g.add("aws:ec2/route:Route", `private-${az}-default`, { destinationCidrBlock: "0.0.0.0/0" }, { routeTableId: table, natGatewayId: nats.get(az) ?? nats.get(natAzs[0])! });
    }
    for (const endpoint of endpoints) g.add("aws:ec2/vpcEndpoint:VpcEndpoint", endpoint.serviceName, endpoint, { vpcId: vpc });
    return g;
}

const noTraffic = { unattributedGbPerMonth: 0, perServiceGbPerMonth: {} };

describe("automation/preview/cost-layout", () => {
    for (const knownIds of [true, false]) {
        describe(knownIds ? "references by id" : "ids unknown: references through propertyDependencies", () => {
            it("counts the zones whose private subnets reach a NAT gateway in another zone", () => {
                assert.equal(costLayoutFromGraph(network(knownIds, ["a"]).resources, noTraffic).layout.networks[0].azsWithoutOwnNat, 2);
                assert.equal(costLayoutFromGraph(network(knownIds, ["a", "b"]).resources, noTraffic).layout.networks[0].azsWithoutOwnNat, 1);
                const { layout } = costLayoutFromGraph(network(knownIds, ["a", "b", "c"]).resources, noTraffic);
                assert.deepEqual(layout.networks, [{ name: "vpc", zoneCount: 3, natGatewayCount: 3, azsWithoutOwnNat: 0, endpoints: { gateway: [], interface: [] } }]);
                assert.equal(layout.zoneCount, 3);
            });
        });
    }

    it("compares AZ ids when both subnets give one; an AZ name against an AZ id is not counted as crossing", () => {
        assert.equal(costLayoutFromGraph(network(true, ["a"], [], "ids").resources, noTraffic).layout.networks[0].azsWithoutOwnNat, 2);
        assert.equal(costLayoutFromGraph(network(true, ["a", "b", "c"], [], "ids").resources, noTraffic).layout.networks[0].azsWithoutOwnNat, 0);
        assert.equal(costLayoutFromGraph(network(true, ["a", "b", "c"], [], "private-ids").resources, noTraffic).layout.networks[0].azsWithoutOwnNat, 0);
        assert.equal(costLayoutFromGraph(network(true, ["a"], [], "private-ids").resources, noTraffic).layout.networks[0].azsWithoutOwnNat, 0);
        assert.equal(costLayoutFromGraph(network(true, ["a"], [], "private-ids").resources, noTraffic).layout.zoneCount, 3);
    });

    for (const knownIds of [true, false]) {
        it(`counts an IPv6-only subnet whose NAT64 route reaches a NAT gateway in another zone${knownIds ? "" : ", ids unknown"}`, () => {
            const g = network(knownIds, ["a", "b", "c"]);
            const nat = g.resources.find(r => r.name === "nat-a")!;
            const eigw = g.add("aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "eigw", {});
            const subnet = g.add("aws:ec2/subnet:Subnet", "v6-b", { availabilityZone: "us-east-1b", ipv6Native: true });
            const table = g.add("aws:ec2/routeTable:RouteTable", "v6-b", { routes: [
                { ipv6CidrBlock: "::/0", egressOnlyGatewayId: eigw.inputs.id }, { ipv6CidrBlock: "64:ff9b::/96", natGatewayId: nat.inputs.id }] });
            table.propertyDependencies.routes = [eigw.urn, nat.urn];
            g.add("aws:ec2/routeTableAssociation:RouteTableAssociation", "v6-b", {}, { subnetId: subnet, routeTableId: table });
            assert.equal(costLayoutFromGraph(g.resources, noTraffic).layout.networks[0].azsWithoutOwnNat, 1);
            const viaRoute = network(knownIds, ["a", "b", "c"]);
            const v6 = viaRoute.add("aws:ec2/subnet:Subnet", "v6-c", { availabilityZone: "us-east-1c", ipv6Native: true });
            const v6Table = viaRoute.add("aws:ec2/routeTable:RouteTable", "v6-c", {});
            viaRoute.add("aws:ec2/route:Route", "v6-c-nat64", { destinationIpv6CidrBlock: "64:ff9b::/96" }, { routeTableId: v6Table, natGatewayId: viaRoute.resources.find(r => r.name === "nat-a")! });
            viaRoute.add("aws:ec2/routeTableAssociation:RouteTableAssociation", "v6-c", {}, { subnetId: v6, routeTableId: v6Table });
            assert.equal(costLayoutFromGraph(viaRoute.resources, noTraffic).layout.networks[0].azsWithoutOwnNat, 1);
        });
    }

    describe("private subnets with no RouteTableAssociation use the VPC's main route table", () => {
        /** One NAT in a; private subnets a/b/c with no association; the main table's 0.0.0.0/0 declared by `main`. */
        function mainTableNetwork(knownIds: boolean, main: (g: ReturnType<typeof graph>, vpc: GraphResource, nat: GraphResource) => void) {
            const g = graph(knownIds);
            const vpc = g.add("aws:ec2/vpc:Vpc", "vpc", {});
            const igw = g.add("aws:ec2/internetGateway:InternetGateway", "igw", {});
            const publicTable = g.add("aws:ec2/routeTable:RouteTable", "public", {}, { vpcId: vpc });
            g.add("aws:ec2/route:Route", "public-default", { destinationCidrBlock: "0.0.0.0/0" }, { routeTableId: publicTable, gatewayId: igw });
            const publicSubnet = g.add("aws:ec2/subnet:Subnet", "public-a", { availabilityZone: "us-east-1a" }, { vpcId: vpc });
            g.add("aws:ec2/routeTableAssociation:RouteTableAssociation", "public-a", {}, { subnetId: publicSubnet, routeTableId: publicTable });
            const nat = g.add("aws:ec2/natGateway:NatGateway", "nat-a", {}, { subnetId: publicSubnet });
            for (const az of ["a", "b", "c"]) g.add("aws:ec2/subnet:Subnet", `private-${az}`, { availabilityZone: `us-east-1${az}` }, { vpcId: vpc });
            main(g, vpc, nat);
            return costLayoutFromGraph(g.resources, noTraffic).layout.networks[0];
        }
        // The Vpc's mainRouteTableId/defaultRouteTableId are outputs: the offline preview's inputs never carry them, so the reference is the dependency on the Vpc.
        const onVpc = (r: GraphResource, key: string, vpc: GraphResource) => { delete r.inputs[key]; r.propertyDependencies[key] = [vpc.urn]; return r; };
        for (const knownIds of [true, false]) {
            it(`aws.ec2.DefaultRouteTable routes${knownIds ? "" : ", ids unknown"}`, () => {
                const layout = mainTableNetwork(knownIds, (g, vpc, nat) => {
                    const table = g.add("aws:ec2/defaultRouteTable:DefaultRouteTable", "main", { routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.inputs.id }] });
                    onVpc(table, "defaultRouteTableId", vpc).propertyDependencies.routes = [nat.urn];
                });
                assert.equal(layout.azsWithoutOwnNat, 2);
                assert.equal(layout.zoneCount, 3);
            });
            it(`an aws.ec2.Route on vpc.mainRouteTableId${knownIds ? "" : ", ids unknown"}`, () => {
                const layout = mainTableNetwork(knownIds, (g, vpc, nat) => {
                    onVpc(g.add("aws:ec2/route:Route", "main-default", { destinationCidrBlock: "0.0.0.0/0" }, { natGatewayId: nat }), "routeTableId", vpc);
                });
                assert.equal(layout.azsWithoutOwnNat, 2);
            });
            it(`a MainRouteTableAssociation${knownIds ? "" : ", ids unknown"}`, () => {
                const layout = mainTableNetwork(knownIds, (g, vpc, nat) => {
                    const table = g.add("aws:ec2/routeTable:RouteTable", "private", {}, { vpcId: vpc });
                    g.add("aws:ec2/route:Route", "private-default", { destinationCidrBlock: "0.0.0.0/0" }, { routeTableId: table, natGatewayId: nat });
                    g.add("aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", "main", {}, { vpcId: vpc, routeTableId: table });
                });
                assert.equal(layout.azsWithoutOwnNat, 2);
            });
        }
        it("a main table with no default route sends nothing through a NAT", () => {
            assert.equal(mainTableNetwork(true, () => undefined).azsWithoutOwnNat, 0);
        });
    });

    it("reads gateway and interface endpoints with the AZs each spans", () => {
        const { layout } = costLayoutFromGraph(network(true, ["a"], [
            { serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" },
            { serviceName: "com.amazonaws.us-east-1.dynamodb" },
            { serviceName: "com.amazonaws.us-east-1.ecr.dkr", vpcEndpointType: "Interface", subnetIds: ["x", "y"] },
        ]).resources, noTraffic);
        assert.deepEqual(layout.networks[0].endpoints, { gateway: ["s3", "dynamodb"], interface: [{ service: "ecr.dkr", azCount: 2 }] });
    });

    it("weighs in-zone Services by their traffic; headless and ExternalName Services do not route", () => {
        const g = graph(true);
        const service = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}) =>
            g.add("kubernetes:core/v1:Service", name, { metadata: { name, annotations }, spec });
        service("orders", { trafficDistribution: "PreferSameZone" });
        service("payments", {});
        service("search", {}, { "service.kubernetes.io/topology-mode": "Auto" });
        service("db", { clusterIP: "None" });
        service("external", { type: "ExternalName" });
        assert.equal(costLayoutFromGraph(g.resources, { unattributedGbPerMonth: 300, perServiceGbPerMonth: {} }).layout.eastWestInZoneShare, 2 / 3);
        assert.equal(costLayoutFromGraph(g.resources, { unattributedGbPerMonth: 0, perServiceGbPerMonth: { orders: 100, payments: 300 } }).layout.eastWestInZoneShare, 0.25);
    });

    it("counts instance-mode targets in front of Kubernetes nodes: target groups, ALB Ingresses and NLB Services", () => {
        const g = graph(true);
        g.add("aws:lb/targetGroup:TargetGroup", "default-type", { port: 30080 }); // a NodePort: Kubernetes nodes
        g.add("aws:lb/targetGroup:TargetGroup", "placeholder", { port: 80 }); // nothing forwards to it: no traffic, not counted
        g.add("aws:alb/targetGroup:TargetGroup", "ip", { targetType: "ip" });
        g.add("aws:elasticloadbalancingv2/targetGroup:TargetGroup", "lambda", { targetType: "lambda" });
        g.add("kubernetes:networking.k8s.io/v1:Ingress", "alb-ip", { metadata: { annotations: { "alb.ingress.kubernetes.io/target-type": "ip" } }, spec: { ingressClassName: "alb" } });
        g.add("kubernetes:networking.k8s.io/v1:Ingress", "nginx", { spec: { ingressClassName: "nginx" } });
        g.add("kubernetes:core/v1:Service", "nlb", { metadata: { name: "nlb" }, spec: { type: "LoadBalancer" } });
        g.add("aws:ecs/service:Service", "app", { loadBalancers: [{ targetGroupArn: g.resources.find(r => r.name === "ip")!.inputs.id }] });
        // Targets: the NodePort group (instance), the ALB Ingress in ip mode, the NLB Service (instance), the ECS tasks (ip, not Kubernetes).
        const { layout } = costLayoutFromGraph(g.resources, noTraffic);
        assert.equal(layout.northSouthInstanceShare, 2 / 4);
        assert.equal(layout.northSouthKubernetesShare, 3 / 4, "ECS tasks have no kube-proxy hop in the default layout either");
    });

    it("assumes the defaults, and says so, where the graph declares nothing", () => {
        const { layout, notes } = costLayoutFromGraph([], noTraffic);
        assert.equal(layout.zoneCount, 3);
        assert.deepEqual(layout.networks, []);
        assert.equal(layout.eastWestInZoneShare, 0);
        assert.equal(layout.northSouthInstanceShare, 1);
        assert.deepEqual(notes.map(n => n.split(":")[0]), [
            "no subnets with a known AZ", "no VPC with private subnets declared", "no Kubernetes Service declared", "no load-balancer target declared",
        ]);
    });
});
