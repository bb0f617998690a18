import assert from "node:assert/strict";
import { natGatewayPerAz } from "../../../policies/rules/nat-gateway-per-az";
import { Fixture, runPolicies, UNKNOWN } from "../harness";
import { named, network } from "../fixtures/network";

async function violations(fixtures: Fixture[]) {
    const { diagnostics } = await runPolicies([natGatewayPerAz], fixtures);
    return diagnostics;
}

describe("policies/rules/nat-gateway-per-az", () => {
    it("passes one NAT gateway per AZ, during preview and with known ids", async () => {
        assert.deepEqual(await violations(network({ nat: "perAz" })), []);
        assert.deepEqual(await violations(network({ nat: "perAz", knownIds: true })), []);
        assert.deepEqual(await violations(network({ nat: "perAz", inlineRoutes: true })), []);
    });

    it("rejects a single NAT gateway serving several AZs, once per foreign-AZ subnet", async () => {
        const found = await violations(network({ nat: "single" }));
        assert.equal(found.length, 2);
        assert.match(found[0].message, /Subnet 'private-1' in us-east-1b sends 0\.0\.0\.0\/0 to NAT gateway 'nat-0' in us-east-1a/);
        assert.match(found[0].message, /\$0\.02\/GB round trip/);
        assert.match(found[0].message, /Fix: give us-east-1b its own NAT gateway/);
        assert.equal(found[0].enforcementLevel, "mandatory");
        assert.match(found[1].urn!, /::private-2$/);
    });

    it("names this project's network.natGateways only for subnets its Network component built", async () => {
        const plain = await violations(network({ nat: "single" }));
        assert.doesNotMatch(plain[0].message, /network\.natGateways/);
        assert.match(plain[0].message, /Fix: give us-east-1b its own NAT gateway and route this subnet's table to it/);
        const ours = network({ nat: "single" }).map(f => f.type === "aws:ec2/subnet:Subnet"
            ? { ...f, urn: `urn:pulumi:prod::cross-az-platform::crossaz:network:Network$${f.type}::${f.name}` } : f);
        assert.match((await violations(ours))[0].message, /Fix: give us-east-1b its own NAT gateway \(network\.natGateways: perAz\) and route/);
    });

    it("rejects a NAT in every AZ with crossed routes", async () => {
        const found = await violations(network({ nat: "crossed" }));
        assert.equal(found.length, 3);
        assert.match(found[0].message, /'private-0' in us-east-1a .* NAT gateway 'nat-1' in us-east-1b/);
    });

    it("finds the crossing with known ids and no propertyDependencies, and with inline routes", async () => {
        assert.equal((await violations(network({ nat: "single", knownIds: true }))).length, 2);
        assert.equal((await violations(network({ nat: "single", inlineRoutes: true }))).length, 2);
        assert.equal((await violations(network({ nat: "crossed", inlineRoutes: true, knownIds: true }))).length, 3);
    });

    describe("a NAT route given as gatewayId (AWS accepts a NAT gateway id there; Terraform conversions route so)", () => {
        /** The private routes of `network` with their NAT gateway in gatewayId instead of natGatewayId. */
        const viaGatewayId = (fixtures: Fixture[]) => {
            for (const fixture of fixtures) {
                if ("natGatewayId" in fixture.props && fixture.type === "aws:ec2/route:Route") {
                    fixture.props.gatewayId = fixture.props.natGatewayId;
                    delete fixture.props.natGatewayId;
                    if (fixture.propertyDependencies?.natGatewayId) {
                        fixture.propertyDependencies.gatewayId = fixture.propertyDependencies.natGatewayId;
                        delete fixture.propertyDependencies.natGatewayId;
                    }
                }
                for (const route of Array.isArray(fixture.props.routes) ? fixture.props.routes : []) {
                    if ("natGatewayId" in route) { route.gatewayId = route.natGatewayId; delete route.natGatewayId; }
                }
            }
            return fixtures;
        };
        for (const knownIds of [false, true]) {
            for (const inlineRoutes of [false, true]) {
                it(`rejects a shared NAT${knownIds ? ", known ids" : ", during preview"}${inlineRoutes ? ", inline routes" : ""}`, async () => {
                    const found = await violations(viaGatewayId(network({ nat: "single", knownIds, inlineRoutes })));
                    assert.deepEqual(found.map(d => d.urn!.split("::").pop()), ["private-1", "private-2"]);
                    assert.match(found[0].message, /sends 0\.0\.0\.0\/0 to NAT gateway 'nat-0' in us-east-1a/);
                });
            }
        }
        it("passes a NAT per AZ, and keeps an internet gateway in gatewayId public", async () => {
            assert.deepEqual(await violations(viaGatewayId(network({ nat: "perAz" }))), []);
            assert.deepEqual(await violations(viaGatewayId(network({ nat: "perAz", knownIds: true, inlineRoutes: true }))), []);
        });
        it("is silent on a gatewayId naming a NAT gateway the stack does not declare", async () => {
            const fixtures = viaGatewayId(network({ nat: "single", knownIds: true }));
            for (const f of fixtures) if (f.props.gatewayId === "id-nat-0") f.props.gatewayId = "nat-0a1b2c3d4e5f60718";
            assert.deepEqual(await violations(fixtures), []);
        });
    });

    describe("an awsx.ec2.Vpc, judged by its inputs when its children are not visible", () => {
        const awsxVpc = (props: Record<string, unknown>): Fixture => ({ type: "awsx:ec2:Vpc", name: "vpc", props });
        it("rejects natGateways.strategy Single", async () => {
            const found = await violations([awsxVpc({ natGateways: { strategy: "Single" } })]);
            assert.equal(found.length, 1);
            assert.match(found[0].urn!, /awsx:ec2:Vpc::vpc$/);
            assert.match(found[0].message, /awsx\.ec2\.Vpc 'vpc' sets natGateways\.strategy Single: one NAT gateway serves the private subnets of all 3 AZs/);
            assert.match(found[0].message, /Fix: natGateways: \{ strategy: awsx\.ec2\.NatGatewayStrategy\.OnePerAz \}/);
            assert.match((await violations([awsxVpc({ natGateways: { strategy: "Single" }, availabilityZoneNames: ["eu-west-1a", "eu-west-1b"] })]))[0].message, /all 2 AZs, so those in 1 of them/);
        });
        it("passes awsx's default (OnePerAz), OnePerAz, None, one AZ, and no private subnets", async () => {
            for (const props of [{}, { natGateways: { strategy: "OnePerAz" } }, { natGateways: { strategy: "None" } },
                { natGateways: { strategy: "Single" }, numberOfAvailabilityZones: 1 },
                { natGateways: { strategy: "Single" }, subnetSpecs: [{ type: "Public" }, { type: "Isolated" }] }]) {
                assert.deepEqual(await violations([awsxVpc(props)]), [], JSON.stringify(props));
            }
        });
        it("reads the children instead when they are visible (the real awsx provider declared them)", async () => {
            const child: Fixture = { type: "aws:ec2/subnet:Subnet", name: "vpc-private-1", props: { availabilityZone: "us-east-1a", vpcId: UNKNOWN },
                urn: "urn:pulumi:test::cross-az-platform::awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::vpc-private-1" };
            assert.deepEqual(await violations([awsxVpc({ natGateways: { strategy: "Single" } }), child]), []);
        });
        it("does not judge AZs it cannot read: names that are no strings, a count no region has", async () => {
            for (const zones of [{ availabilityZoneNames: [{ name: "eu-west-1a" }, "eu-west-1b"] }, { numberOfAvailabilityZones: 2 ** 32 }, { numberOfAvailabilityZones: 2.5 }, { numberOfAvailabilityZones: "3" }]) {
                assert.deepEqual(await violations([awsxVpc({ natGateways: { strategy: "Single" }, ...zones })]), [], JSON.stringify(zones));
            }
        });
        it("is silent when the strategy or the AZs are unknown", async () => {
            assert.deepEqual(await violations([awsxVpc({ natGateways: { strategy: UNKNOWN } })]), []);
            assert.deepEqual(await violations([awsxVpc({ natGateways: UNKNOWN })]), []);
            assert.deepEqual(await violations([awsxVpc({ natGateways: { strategy: "Single" }, availabilityZoneNames: UNKNOWN })]), []);
        });
    });

    it("is silent on a NAT gateway whose availabilityMode the program computes from another resource (it may turn out regional)", async () => {
        const fixtures = network({ nat: "single" });
        const nat = named(fixtures, "nat-0");
        nat.props.availabilityMode = UNKNOWN;
        nat.propertyDependencies!.availabilityMode = ["vpc"];
        assert.deepEqual(await violations(fixtures), [], "computed in an apply of the VPC's outputs");
        nat.props.availabilityMode = "regional";
        assert.deepEqual(await violations(fixtures), [], "as it turns out");
        nat.props.availabilityMode = "zonal";
        assert.equal((await violations(fixtures)).length, 2, "or the other way");
        // The AWS provider computes an unset availabilityMode (its default, zonal) and sends it unknown during preview, with no dependency.
        nat.props.availabilityMode = UNKNOWN;
        delete nat.propertyDependencies!.availabilityMode;
        assert.equal((await violations(fixtures)).length, 2, "unset by the program: zonal");
    });

    it("ignores a VPC with no NAT gateway and passes a regional NAT gateway", async () => {
        assert.deepEqual(await violations(network({ nat: "none" })), []);
        assert.deepEqual(await violations(network({ nat: "regional" })), []);
    });

    it("follows MainRouteTableAssociation for subnets without an explicit association", async () => {
        const fixtures = network({ nat: "single" }).filter(f => f.name !== "private-1-assoc" && f.name !== "private-2-assoc");
        fixtures.push({ type: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", name: "main", props: { vpcId: UNKNOWN, routeTableId: UNKNOWN }, propertyDependencies: { vpcId: ["vpc"], routeTableId: ["private-0-rt"] } });
        const found = await violations(fixtures);
        assert.equal(found.length, 2);
        assert.match(found[0].message, /'private-1' in us-east-1b/);
    });

    describe("subnets with no RouteTableAssociation use the VPC's main route table", () => {
        for (const privateRouting of ["defaultRouteTable", "mainRoute"] as const) {
            for (const knownIds of [false, true]) {
                it(`${privateRouting === "defaultRouteTable" ? "aws.ec2.DefaultRouteTable routes" : "an aws.ec2.Route on vpc.mainRouteTableId"}${knownIds ? ", known ids" : ", during preview"}`, async () => {
                    const found = await violations(network({ nat: "single", privateRouting, knownIds }));
                    assert.deepEqual(found.map(d => d.urn!.split("::").pop()), ["private-1", "private-2"]);
                    assert.match(found[0].message, /Subnet 'private-1' in us-east-1b sends 0\.0\.0\.0\/0 to NAT gateway 'nat-0' in us-east-1a/);
                    assert.match(found[0].message, /associate this subnet with a route table of its own.*no RouteTableAssociation and uses the main route table of VPC 'vpc'/);
                });
            }
        }
        it("a Route on vpc.defaultRouteTableId is the same table", async () => {
            const fixtures = network({ nat: "single", privateRouting: "mainRoute", knownIds: true });
            delete named(fixtures, "vpc").props.mainRouteTableId; // only defaultRouteTableId known
            assert.equal((await violations(fixtures)).length, 2);
        });
        it("passes a main table routed to a regional NAT gateway, and a VPC whose main table has no default route", async () => {
            assert.deepEqual(await violations(network({ nat: "regional", privateRouting: "defaultRouteTable" })), []);
            assert.deepEqual(await violations(network({ nat: "none", privateRouting: "defaultRouteTable" })), []);
        });
        it("a MainRouteTableAssociation replaces the default table as main", async () => {
            const fixtures = network({ nat: "single", privateRouting: "defaultRouteTable" });
            fixtures.push({ type: "aws:ec2/routeTable:RouteTable", name: "other-main", props: { vpcId: UNKNOWN }, propertyDependencies: { vpcId: ["vpc"] } });
            fixtures.push({ type: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", name: "main", props: { vpcId: UNKNOWN, routeTableId: UNKNOWN }, propertyDependencies: { vpcId: ["vpc"], routeTableId: ["other-main"] } });
            assert.deepEqual(await violations(fixtures), []);
        });
        describe("unknowns stay silent", () => {
            const cases: [string, Parameters<typeof network>[0], (f: Fixture[]) => void][] = [
                ["DefaultRouteTable defaultRouteTableId unknown, no dependency", { privateRouting: "defaultRouteTable" }, f => { named(f, "main-rt").propertyDependencies = { routes: ["nat-0"] }; }],
                ["DefaultRouteTable defaultRouteTableId known but the VPC's output unknown", { privateRouting: "defaultRouteTable", knownIds: true }, f => { named(f, "vpc").props.mainRouteTableId = UNKNOWN; named(f, "vpc").props.defaultRouteTableId = UNKNOWN; }],
                ["Route routeTableId unknown, no dependency", { privateRouting: "mainRoute" }, f => { named(f, "main-default").propertyDependencies = { natGatewayId: ["nat-0"] }; }],
                ["Route routeTableId known but the VPC's output unknown", { privateRouting: "mainRoute", knownIds: true }, f => { named(f, "vpc").props.mainRouteTableId = UNKNOWN; named(f, "vpc").props.defaultRouteTableId = UNKNOWN; }],
                ["main table's inline routes unknown", { privateRouting: "defaultRouteTable" }, f => { named(f, "main-rt").props.routes = UNKNOWN; }],
                ["a MainRouteTableAssociation whose VPC is unknown", { privateRouting: "defaultRouteTable" }, f => { f.push({ type: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", name: "main", props: { vpcId: UNKNOWN, routeTableId: UNKNOWN }, propertyDependencies: { routeTableId: ["public-rt"] } }); }],
            ];
            for (const [label, options, mutate] of cases) {
                it(label, async () => {
                    const fixtures = network({ nat: "single", ...options });
                    mutate(fixtures);
                    assert.deepEqual(await violations(fixtures), []);
                });
            }
        });
    });

    describe("subnets placed by availabilityZoneId", () => {
        const zoneIds = ["use1-az1", "use1-az2", "use1-az4"];
        it("compares AZ ids when the subnet and the NAT's subnet both give one, and names them as given", async () => {
            for (const knownIds of [false, true]) {
                const found = await violations(network({ nat: "single", zoneIds, knownIds }));
                assert.deepEqual(found.map(d => d.urn!.split("::").pop()), ["private-1", "private-2"]);
                assert.match(found[0].message, /Subnet 'private-1' in use1-az2 sends 0\.0\.0\.0\/0 to NAT gateway 'nat-0' in use1-az1: .*Fix: give use1-az2 its own NAT gateway/);
            }
            assert.deepEqual(await violations(network({ nat: "perAz", zoneIds })), []);
        });
        it("is silent when one side gives an AZ name and the other an AZ id (the mapping is per account)", async () => {
            assert.deepEqual(await violations(network({ nat: "single", zoneIds, zoneIdsOn: "private" })), []);
            assert.deepEqual(await violations(network({ nat: "perAz", zoneIds, zoneIdsOn: "private" })), []);
        });
        it("compares names when both subnets carry both (outputs after an update)", async () => {
            const fixtures = network({ nat: "single", knownIds: true });
            fixtures.filter(f => f.type === "aws:ec2/subnet:Subnet").forEach((f, i) => { f.props.availabilityZoneId = ["use1-az1", "use1-az2", "use1-az4"][i % 3]; });
            assert.equal((await violations(fixtures)).length, 2);
        });
        it("is silent on an unknown availabilityZoneId", async () => {
            const fixtures = network({ nat: "single", zoneIds });
            named(fixtures, "private-1").props.availabilityZoneId = UNKNOWN;
            assert.deepEqual((await violations(fixtures)).map(d => d.urn!.split("::").pop()), ["private-2"]);
            named(fixtures, "public-0").props.availabilityZoneId = UNKNOWN;
            assert.deepEqual(await violations(fixtures), []);
        });
    });

    describe("NAT64: IPv6 subnets whose 64:ff9b::/96 goes to a NAT gateway", () => {
        /** A NAT per AZ for IPv4; an IPv6-only subnet in us-east-1b whose NAT64 route goes to nat-0 in us-east-1a. */
        function ipv6Only(route: "inline" | "resource", knownIds = false): Fixture[] {
            const fixtures = network({ nat: "perAz", knownIds });
            const ref = (name: string) => knownIds ? `id-${name}` : UNKNOWN;
            const deps = (d: Record<string, string[]>) => knownIds ? {} : d;
            fixtures.push({ type: "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", name: "eigw", props: { vpcId: ref("vpc"), id: "id-eigw" } });
            fixtures.push({ type: "aws:ec2/subnet:Subnet", name: "v6-1", props: { vpcId: ref("vpc"), ipv6Native: true, ipv6CidrBlock: UNKNOWN, availabilityZone: "us-east-1b", id: "id-v6-1" }, propertyDependencies: deps({ vpcId: ["vpc"] }) });
            if (route === "inline") {
                fixtures.push({ type: "aws:ec2/routeTable:RouteTable", name: "v6-1-rt", props: { vpcId: ref("vpc"), id: "id-v6-1-rt", routes: [
                    { ipv6CidrBlock: "::/0", egressOnlyGatewayId: ref("eigw") }, { ipv6CidrBlock: "64:ff9b::/96", natGatewayId: ref("nat-0") }] }, propertyDependencies: deps({ vpcId: ["vpc"], routes: ["eigw", "nat-0"] }) });
            } else {
                fixtures.push({ type: "aws:ec2/routeTable:RouteTable", name: "v6-1-rt", props: { vpcId: ref("vpc"), id: "id-v6-1-rt" }, propertyDependencies: deps({ vpcId: ["vpc"] }) });
                fixtures.push({ type: "aws:ec2/route:Route", name: "v6-1-nat64", props: { routeTableId: ref("v6-1-rt"), destinationIpv6CidrBlock: "64:ff9b::/96", natGatewayId: ref("nat-0") }, propertyDependencies: deps({ routeTableId: ["v6-1-rt"], natGatewayId: ["nat-0"] }) });
            }
            fixtures.push({ type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: "v6-1-assoc", props: { subnetId: ref("v6-1"), routeTableId: ref("v6-1-rt") }, propertyDependencies: deps({ subnetId: ["v6-1"], routeTableId: ["v6-1-rt"] }) });
            return fixtures;
        }
        for (const route of ["inline", "resource"] as const) {
            it(`flags a NAT64 route to a NAT gateway in another AZ (${route === "inline" ? "inline routes" : "aws.ec2.Route"}), during preview and with known ids`, async () => {
                for (const knownIds of [false, true]) {
                    const found = await violations(ipv6Only(route, knownIds));
                    assert.deepEqual(found.map(d => d.urn!.split("::").pop()), ["v6-1"]);
                    assert.match(found[0].message, /Subnet 'v6-1' in us-east-1b sends 64:ff9b::\/96 \(NAT64\) to NAT gateway 'nat-0' in us-east-1a: .*Fix: give us-east-1b its own NAT gateway and route this subnet's table to it\./);
                }
            });
        }
        it("one finding per subnet when 0.0.0.0/0 and NAT64 both cross", async () => {
            const fixtures = network({ nat: "single", inlineRoutes: true });
            named(fixtures, "private-1-rt").props.routes.push({ ipv6CidrBlock: "64:ff9b::/96", natGatewayId: UNKNOWN });
            const found = await violations(fixtures);
            assert.equal(found.length, 2);
            assert.match(found[0].message, /Subnet 'private-1' in us-east-1b sends 0\.0\.0\.0\/0 and 64:ff9b::\/96 \(NAT64\) to NAT gateway 'nat-0' in us-east-1a/);
        });
        it("passes a NAT64 route to the subnet's own AZ", async () => {
            const fixtures = ipv6Only("resource");
            named(fixtures, "v6-1").props.availabilityZone = "us-east-1a";
            assert.deepEqual(await violations(fixtures), []);
        });
        it("is silent on an unknown IPv6 destination or NAT", async () => {
            const inline = ipv6Only("inline");
            named(inline, "v6-1-rt").props.routes[1].ipv6CidrBlock = UNKNOWN;
            assert.deepEqual(await violations(inline), []);
            const resource = ipv6Only("resource");
            named(resource, "v6-1-nat64").props.destinationIpv6CidrBlock = UNKNOWN;
            assert.deepEqual(await violations(resource), []);
            const nat = ipv6Only("resource");
            named(nat, "v6-1-nat64").propertyDependencies = { routeTableId: ["v6-1-rt"] };
            assert.deepEqual(await violations(nat), []);
        });
    });

    describe("unknown values stay silent (no violation, no can't-run diagnostic)", () => {
        const cases: [string, (f: Fixture[]) => void][] = [
            ["NAT subnetId unknown and no dependency", f => { named(f, "nat-0").propertyDependencies = {}; }],
            ["subnet AZ unknown", f => { named(f, "private-1").props.availabilityZone = UNKNOWN; named(f, "private-2").props.availabilityZone = UNKNOWN; }],
            ["route natGatewayId unknown and no dependency", f => { for (const n of ["private-1-default", "private-2-default"]) named(f, n).propertyDependencies = {}; }],
            ["association subnetId unknown and no dependency", f => { for (const n of ["private-1-assoc", "private-2-assoc"]) named(f, n).propertyDependencies = {}; }],
            ["route destination unknown", f => { for (const n of ["private-1-default", "private-2-default"]) named(f, n).props.destinationCidrBlock = UNKNOWN; }],
        ];
        for (const [label, mutate] of cases) {
            it(label, async () => {
                const fixtures = network({ nat: "single" });
                mutate(fixtures);
                assert.deepEqual(await violations(fixtures), []);
            });
        }
        it("inline routes unknown", async () => {
            const fixtures = network({ nat: "single", inlineRoutes: true });
            for (const n of ["private-1-rt", "private-2-rt"]) named(fixtures, n).props.routes = UNKNOWN;
            assert.deepEqual(await violations(fixtures), []);
        });
    });

    describe("with the stack's traffic in its config", () => {
        const traffic = { internetEgressGbPerMonth: 500, awsServiceGbPerMonth: { s3: 800, logs: 400 } };

        it("prices the crossed zones: NAT-bound GB (S3 through its gateway endpoint is not), cross-AZ cost, the NAT gateways that fix it", async () => {
            const config = { "nat-gateway-per-az": { enforcementLevel: "mandatory" as const, traffic } };
            const { diagnostics } = await runPolicies([natGatewayPerAz], network({ nat: "single", gatewayEndpoints: true }), { config });
            assert.equal(diagnostics.length, 2);
            for (const d of diagnostics) {
                assert.match(d.message, /Fix: give us-east-1[bc] its own NAT gateway .*\. At 900 GB\/month through NAT, 2 of 3 AZs reaching a NAT gateway in another AZ cost \$12\.00\/month in cross-AZ transfer .*2 more NAT gateway\(s\) cost \$64\.80\/month/);
            }
        });

        it("counts S3 as NAT-bound when the VPC has no gateway endpoint", async () => {
            const config = { "nat-gateway-per-az": { enforcementLevel: "mandatory" as const, traffic } };
            const [first] = (await runPolicies([natGatewayPerAz], network({ nat: "single" }), { config })).diagnostics;
            assert.match(first.message, /At 1,700 GB\/month through NAT, 2 of 3 AZs .* cost \$22\.67\/month/);
        });

        it("says nothing about money without traffic", async () => {
            const [first] = await violations(network({ nat: "single", gatewayEndpoints: true }));
            assert.doesNotMatch(first.message, /\/month/);
        });
    });
});
