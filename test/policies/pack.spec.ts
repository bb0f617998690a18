import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allPolicies } from "../../policies/rules";
import { Fixture, PackConfig, runPolicies, UNKNOWN, validatePolicyConfig } from "./harness";
import { network } from "./fixtures/network";

const loadConfig = (stack: string): PackConfig =>
    JSON.parse(readFileSync(join(__dirname, "../../policies/config", `${stack}.json`), "utf8"));
const levelIn = (config: PackConfig, name: string) => {
    const entry = config[name];
    return typeof entry === "string" ? entry : entry.enforcementLevel;
};

/** The nine core policies, the four ECS advisories, the endpoint break-even, then plain-HTTP public listeners. */
const designLevels: Record<string, string> = {
    "nat-gateway-per-az": "mandatory",
    "lb-target-type-ip": "mandatory",
    "service-traffic-distribution": "mandatory",
    "no-deprecated-topology-routing": "advisory",
    "zone-spread": "advisory",
    "internal-traffic-policy-local": "advisory",
    "vpc-gateway-endpoints": "advisory",
    "auto-mode-nodeclass-api-group": "mandatory",
    "container-resource-requests": "advisory",
    "ecs-service-no-public-ip": "advisory",
    "ecs-service-multi-az-subnets": "advisory",
    "ecs-deployment-circuit-breaker": "advisory",
    "ecs-az-rebalancing": "advisory",
    "interface-endpoint-break-even": "advisory",
    "lb-public-https": "advisory",
};

describe("policies: the cross-az-guardrails pack", () => {
    describe("metadata", () => {
        it("has the nine core policies, the four ECS advisories, interface-endpoint-break-even and lb-public-https with their default levels", () => {
            assert.deepEqual(Object.fromEntries(allPolicies.map(p => [p.name, p.enforcementLevel])), designLevels);
        });
        it("gives every policy a kebab-case unique name and a description", () => {
            const names = allPolicies.map(p => p.name);
            assert.equal(new Set(names).size, names.length);
            for (const p of allPolicies) {
                assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
                assert.ok(p.description && p.description.length > 20, `${p.name} description`);
            }
        });
    });

    describe("policy-pack-config", () => {
        for (const stack of ["prod", "dev"]) {
            it(`${stack}.json configures every policy and validates against each configSchema`, () => {
                const config = loadConfig(stack);
                assert.deepEqual(Object.keys(config).sort(), Object.keys(designLevels).sort());
                for (const policy of allPolicies) {
                    assert.equal(validatePolicyConfig(policy, config[policy.name]), undefined, `${stack}.json ${policy.name}`);
                }
            });
        }
        it("prod.json keeps the default levels; dev.json relaxes only nat-gateway-per-az to advisory", () => {
            const prod = loadConfig("prod");
            const dev = loadConfig("dev");
            for (const [name, level] of Object.entries(designLevels)) {
                assert.equal(levelIn(prod, name), level, `prod ${name}`);
                assert.equal(levelIn(dev, name), name === "nat-gateway-per-az" ? "advisory" : level, `dev ${name}`);
            }
        });
        it("rejects an invalid level and a property the policy does not declare through the same validation", () => {
            assert.match(validatePolicyConfig(allPolicies[0], "blocking" as never)!, /enforcementLevel must be equal to one of the allowed values/);
            const zoneSpread = allPolicies.find(p => p.name === "zone-spread")!;
            assert.equal(validatePolicyConfig(zoneSpread, { enforcementLevel: "advisory", zoneCount: 5 }), undefined);
            assert.match(validatePolicyConfig(zoneSpread, { enforcementLevel: "advisory", zonecount: 5 })!, /must NOT have additional properties/);
        });
    });

    describe("the whole pack over a stack", () => {
        const instanceTargetGroup: Fixture = { type: "aws:lb/targetGroup:TargetGroup", name: "web-tg", props: { port: 30080, protocol: "HTTP", vpcId: UNKNOWN } }; // a NodePort: Kubernetes nodes
        const plainService: Fixture = { type: "kubernetes:core/v1:Service", name: "api", props: { metadata: { name: "api" }, spec: { selector: { app: "api" }, ports: [{ port: 80 }] } } };
        const bad = [...network({ nat: "single", gatewayEndpoints: true }), instanceTargetGroup, plainService];

        it("rejects a single NAT, an instance-mode target group and a Service without trafficDistribution at mandatory under prod.json", async () => {
            const { diagnostics } = await runPolicies(allPolicies, bad, { config: loadConfig("prod") });
            const mandatory = diagnostics.filter(d => d.enforcementLevel === "mandatory").map(d => d.policyName);
            assert.deepEqual([...new Set(mandatory)].sort(), ["lb-target-type-ip", "nat-gateway-per-az", "service-traffic-distribution"]);
            assert.equal(mandatory.filter(n => n === "nat-gateway-per-az").length, 2);
        });

        it("reports the single NAT as advisory only under dev.json", async () => {
            const { diagnostics } = await runPolicies(allPolicies, bad, { config: loadConfig("dev") });
            const nat = diagnostics.filter(d => d.policyName === "nat-gateway-per-az");
            assert.equal(nat.length, 2);
            assert.ok(nat.every(d => d.enforcementLevel === "advisory"));
            const { diagnostics: natOnly } = await runPolicies(allPolicies, network({ nat: "single", gatewayEndpoints: true }), { config: loadConfig("dev") });
            assert.equal(natOnly.filter(d => d.enforcementLevel === "mandatory").length, 0);
        });

        it("passes the compliant per-AZ layout with no diagnostics and never hits an unknown through the proxy", async () => {
            const good = [...network({ nat: "perAz", gatewayEndpoints: true }),
                { ...instanceTargetGroup, props: { ...instanceTargetGroup.props, targetType: "ip" } },
                { ...plainService, props: { ...plainService.props, spec: { ...plainService.props.spec, trafficDistribution: "PreferSameZone" } } }];
            const { diagnostics } = await runPolicies(allPolicies, good, { config: loadConfig("prod") });
            assert.deepEqual(diagnostics, []);
        });
    });

    describe("robustness", () => {
        const kinds = ["kubernetes:core/v1:Service", "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:DaemonSet", "kubernetes:networking.k8s.io/v1:Ingress",
            "kubernetes:karpenter.sh/v1:NodePool", "kubernetes:batch/v1:CronJob", "aws:alb/targetGroup:TargetGroup", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route",
            "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/routeTableAssociation:RouteTableAssociation"];
        const shapes: Record<string, any>[] = [
            {}, { metadata: null, spec: null }, { metadata: UNKNOWN, spec: UNKNOWN, routes: UNKNOWN, targetType: UNKNOWN },
            { metadata: { annotations: null }, spec: { template: null, jobTemplate: { spec: null }, selector: null, routes: [null] }, routes: [null, UNKNOWN] },
        ];
        it("never throws and never reports on empty, null or unknown shapes", async () => {
            for (const props of shapes) {
                const fixtures = [...network({ nat: "perAz", gatewayEndpoints: true }), ...kinds.map((type, i) => ({ type, name: `odd-${i}`, props }))];
                const { diagnostics } = await runPolicies(allPolicies, fixtures, { config: loadConfig("prod") });
                assert.deepEqual(diagnostics.filter(d => /can't run/.test(d.message)), [], JSON.stringify(props));
                if (props.metadata === UNKNOWN) assert.deepEqual(diagnostics, []);
            }
        });
    });
});
