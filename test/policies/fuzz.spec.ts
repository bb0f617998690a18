/**
 * Property-based fuzzing of the whole pack (resource and stack policies) with fast-check, at a fixed
 * seed so a failure replays. Each run takes a plausible stack that breaks most policies, bends it
 * at random places into wrong types, null, missing keys, deep nesting and huge strings, then hides
 * random values behind the engine's unknown sentinels (200 runs, about 10 s). Properties:
 * - no policy throws, and none trips over an unknown through the SDK proxy ("can't run ... during preview");
 * - no message prints an unknown sentinel or "[object Object]";
 * - hiding values never adds a violation: every (policy, resource) a policy reports with the
 *   unknowns it also reports with the values behind them. A violation that exists only because
 *   a value is unknown would fail a first preview and pass the next one.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { allPolicies } from "../../policies/rules";
import { network } from "./fixtures/network";
import { Diagnostic, Fixture, PackConfig, runPolicies, UNKNOWN, UNKNOWN_ARRAY, UNKNOWN_OBJECT } from "./harness";

const proxy: Record<string, string> = require("@pulumi/policy/proxy");
const SENTINELS = [UNKNOWN, UNKNOWN_ARRAY, UNKNOWN_OBJECT, proxy.unknownNumberValue, proxy.unknownBooleanValue];

const traffic = { eastWestGbPerMonth: 10_000, northSouthGbPerMonth: 5_000, internetEgressGbPerMonth: 500, awsServiceGbPerMonth: { s3: 2_000, logs: 1, sts: 1 } };
const config: PackConfig = {
    "nat-gateway-per-az": { traffic },
    "lb-target-type-ip": { traffic, zoneCount: 3 },
    "service-traffic-distribution": { traffic, zoneCount: 3, exemptServices: [{ name: "baseline", namespace: "shop", reason: "measurement baseline" }] },
    "interface-endpoint-break-even": { traffic },
    "zone-spread": { zoneCount: 3 },
};

const zoneKey = "topology.kubernetes.io/zone";
const k8s = (type: string, name: string, props: Record<string, any>): Fixture => ({ type: `kubernetes:${type}`, name, props });
const workload = (kind: string, name: string, spec: Record<string, any>, podSpec: Record<string, any> = {}): Fixture =>
    k8s(`apps/v1:${kind}`, name, {
        metadata: { name, namespace: "shop" },
        spec: {
            selector: { matchLabels: { app: name } }, ...spec,
            template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1`, resources: { requests: { cpu: "1" } } }], ...podSpec } },
        },
    });
const service = (name: string, spec: Record<string, any>, annotations: Record<string, any> = {}): Fixture =>
    k8s("core/v1:Service", name, { metadata: { name, namespace: "shop", annotations }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });

/** Kubernetes, load-balancer and ECS resources that break most policies at least once, and a few that pass. */
function workloads(): Fixture[] {
    return [
        workload("Deployment", "api", { replicas: 3 }),
        workload("Deployment", "web", {}, { topologySpreadConstraints: [{ topologyKey: zoneKey, maxSkew: 1, whenUnsatisfiable: "DoNotSchedule", minDomains: 2, labelSelector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] } }] }),
        workload("StatefulSet", "db", { replicas: 3 }, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: zoneKey, operator: "In", values: ["us-east-1a", "us-east-1b"] }] }] } } } }),
        k8s("autoscaling/v2:HorizontalPodAutoscaler", "web-hpa", { metadata: { name: "web", namespace: "shop" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 3, maxReplicas: 9 } }),
        workload("DaemonSet", "agent", {}),
        service("agent", { internalTrafficPolicy: "Local", trafficDistribution: "PreferSameZone" }),
        service("cache", { internalTrafficPolicy: "Local", selector: { app: "cache", tier: "hot" } }),
        service("api", { type: "NodePort" }, { "service.kubernetes.io/topology-mode": "Auto" }),
        service("web", { trafficDistribution: "PreferClose" }, { "alb.ingress.kubernetes.io/target-type": "instance" }),
        service("edge", { type: "LoadBalancer", trafficDistribution: "PreferSameZone" }, { "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "instance" }),
        service("baseline", {}),
        k8s("core/v1:Pod", "debug", { metadata: { name: "debug" }, spec: { containers: [{ name: "debug", image: "busybox" }], initContainers: [{ name: "init", image: "busybox", resources: { limits: { memory: "1Gi" } } }] } }),
        k8s("batch/v1:CronJob", "report", { metadata: { name: "report" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "report", image: "r" }] } } } } } }),
        k8s("networking.k8s.io/v1:IngressClass", "class-alb", { metadata: { name: "alb", annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } }, spec: { controller: "ingress.k8s.aws/alb", parameters: { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: "alb-params" } } }),
        k8s("elbv2.k8s.aws/v1beta1:IngressClassParams", "params", { metadata: { name: "alb-params" }, spec: { targetType: "instance" } }),
        k8s("networking.k8s.io/v1:IngressClass", "class-internal", { metadata: { name: "internal" }, spec: { controller: "eks.amazonaws.com/alb" } }),
        k8s("networking.k8s.io/v1:Ingress", "web-ingress", {
            metadata: { name: "web", namespace: "shop", annotations: { "alb.ingress.kubernetes.io/target-type": "instance" } },
            spec: { ingressClassName: "internal", defaultBackend: { service: { name: "api", port: { number: 80 } } }, rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] },
        }),
        k8s("networking.k8s.io/v1:Ingress", "default-ingress", { metadata: { name: "legacy", namespace: "shop" }, spec: { rules: [] } }),
        { type: "aws:eks/cluster:Cluster", name: "cluster", props: { computeConfig: { enabled: true, nodePools: ["general-purpose"] } } },
        k8s("karpenter.k8s.aws/v1:EC2NodeClass", "nodes", { metadata: { name: "nodes" }, spec: { role: "r" } }),
        k8s("karpenter.sh/v1:NodePool", "pool", { metadata: { name: "pool" }, spec: { template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "nodes" } } } } }),
        { type: "aws:lb/targetGroup:TargetGroup", name: "tg-nodeport", props: { port: 30080, protocol: "HTTP", id: "tg-1", arn: "arn:tg-1" } },
        { type: "aws:lb/targetGroup:TargetGroup", name: "tg-listened", props: { port: 80, protocol: "HTTP", targetType: "instance", id: "tg-2", arn: "arn:tg-2" } },
        { type: "aws:lb/loadBalancer:LoadBalancer", name: "public-alb", props: { loadBalancerType: "application", internal: false, id: "alb-1", arn: "arn:alb-1" } },
        { type: "aws:lb/listener:Listener", name: "listener", props: { port: 80, loadBalancerArn: "arn:alb-1", defaultActions: [{ type: "forward", targetGroupArn: "arn:tg-2" }] } },
        { type: "aws:lb/targetGroup:TargetGroup", name: "tg-ecs", props: { port: 8080, protocol: "HTTP", targetType: "instance", id: "tg-3", arn: "arn:tg-3" } },
        { type: "aws:ecs/service:Service", name: "ecs-bad", props: { networkConfiguration: { subnets: ["subnet-a"], assignPublicIp: true }, availabilityZoneRebalancing: "DISABLED", loadBalancers: [{ targetGroupArn: "arn:tg-3" }] } },
        { type: "aws:ecs/service:Service", name: "ecs-good", props: { networkConfiguration: { subnets: ["subnet-a", "subnet-b"] }, deploymentCircuitBreaker: { enable: true, rollback: false }, deploymentController: { type: "ECS" } } },
        { type: "awsx:ec2:Vpc", name: "awsx-vpc", props: { natGateways: { strategy: "Single" }, numberOfAvailabilityZones: 3, vpcEndpointSpecs: [{ serviceName: "com.amazonaws.us-east-1.logs", vpcEndpointType: "Interface" }] } },
    ];
}

/** One of the network layouts, preview-shaped (unknown ids, propertyDependencies) or known, with an interface endpoint that does not pay. */
const networks = [
    network({ nat: "single" }),
    network({ nat: "crossed", knownIds: true, inlineRoutes: true }),
    network({ nat: "single", privateRouting: "defaultRouteTable", gatewayEndpoints: true, endpointAttachment: "public" }),
    network({ nat: "perAz", zoneIds: ["use1-az1", "use1-az2", "use1-az4"], zoneIdsOn: "private", gatewayEndpoints: true, endpointAttachment: "associations", knownIds: true }),
    network({ nat: "regional", privateRouting: "mainRoute", knownIds: true }),
].map(fixtures => [...fixtures, {
    type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "logs-endpoint",
    props: { serviceName: "com.amazonaws.us-east-1.logs", vpcEndpointType: "Interface", subnetIds: ["a", "b", "c"], vpcId: fixtures[0].props.id ?? UNKNOWN },
    propertyDependencies: fixtures[0].props.id ? {} : { vpcId: ["vpc"] },
}]);

const DELETE = Symbol("delete");
/** A change at one place in one resource: indices pick the resource and the place (see `places`). */
interface Change { resource: number; place: number; value: unknown }

/** Every place in a resource's props, depth first, as [holder, key] pairs (props itself first); deep values only down to a point. */
function places(fixture: Fixture): [any, string][] {
    const found: [any, string][] = [[fixture, "props"]];
    const visit = (value: unknown, depth: number) => {
        if (value === null || typeof value !== "object" || depth > 12) return;
        for (const key of Object.keys(value)) {
            found.push([value, key]);
            visit((value as any)[key], depth + 1);
        }
    };
    visit(fixture.props, 0);
    return found;
}

/**
 * Sets (or deletes) one place of one resource; props themselves stay an object, as the engine always
 * sends one. A resource's own id or ARN is not hidden: it is unknown only while the resource is being
 * created, and then every reference to it is unknown too, which hiding it alone would not give.
 */
function apply(fixtures: Fixture[], change: Change): void {
    const fixture = fixtures[change.resource % fixtures.length];
    const hiding = SENTINELS.includes(change.value as string);
    const candidates = places(fixture).filter(([holder, key]) => !(hiding && holder === fixture.props && (key === "id" || key === "arn")));
    const [holder, key] = candidates[change.place % candidates.length];
    if (holder === fixture) {
        if (change.value !== null && typeof change.value === "object" && !Array.isArray(change.value)) fixture.props = structuredClone(change.value) as Record<string, any>;
    } else if (change.value === DELETE) {
        if (Array.isArray(holder)) holder.splice(Number(key), 1);
        else delete holder[key];
    } else {
        holder[key] = structuredClone(change.value); // the arbitraries' constants stay as they are for the next run
    }
}

const nested = (depth: number, leaf: unknown): unknown => {
    let value = leaf;
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { value, name: "level" };
    return value;
};

/** Values an untrusted input may hold where the policies expect something else. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
    { arbitrary: fc.constantFrom<unknown>(null, DELETE), weight: 3 },
    { arbitrary: fc.constantFrom<unknown>(true, false, 0, -1, 3, 65536, 2 ** 32, 1.5, "", "x", "Local", "ip", "instance", "alb", "In", "us-east-1a",
        [], [null], ["x"], {}, { name: {} }, JSON.parse('{"__proto__": {"a": 1}, "constructor": "c", "toString": 3, "hasOwnProperty": null}')), weight: 3 },
    fc.string(),
    fc.constant("x".repeat(200_000)),
    fc.integer({ min: 50, max: 1_000 }).map(depth => nested(depth, "deep")),
    fc.jsonValue({ maxDepth: 3 }),
);

const change = (value: fc.Arbitrary<unknown>) => fc.record({ resource: fc.nat(), place: fc.nat(), value });
const unknownValue = fc.constantFrom<unknown>(...SENTINELS);

/** A stack: one network, every workload, then the odd changes. */
const stacks = fc.record({
    network: fc.nat(networks.length - 1),
    keep: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
    odd: fc.array(change(oddValue), { maxLength: 16 }),
}).map(({ network: n, keep, odd }) => {
    const fixtures = structuredClone([...networks[n], ...workloads()].filter((_, i) => keep[i % keep.length] || i % 3 === 0));
    for (const c of odd) apply(fixtures, c);
    return fixtures;
});

async function check(fixtures: Fixture[]): Promise<Diagnostic[]> {
    let diagnostics: Diagnostic[];
    try {
        ({ diagnostics } = await runPolicies(allPolicies, fixtures, { config }));
    } catch (error) {
        throw new Error(`a policy threw: ${(error as Error).stack}`);
    }
    for (const d of diagnostics) {
        assert.doesNotMatch(d.message, /can't run policy/, "read an unknown through the SDK proxy");
        for (const sentinel of SENTINELS) assert.ok(!d.message.includes(sentinel), `${d.policyName} printed an unknown sentinel: ${d.message}`);
        assert.ok(!d.message.includes("[object Object]"), `${d.policyName} printed an object: ${d.message}`);
    }
    return diagnostics;
}

const key = (d: Diagnostic) => `${d.policyName} ${d.urn ?? "(stack)"}`;
const keys = (diagnostics: Diagnostic[]) => new Set(diagnostics.map(key));

describe("policies: fuzzed stacks (fast-check, fixed seed)", function () {
    this.timeout(120_000);

    it("never throw, never print internals, and never report a violation only because a value is unknown", async () => {
        await fc.assert(fc.asyncProperty(stacks, fc.array(change(unknownValue), { minLength: 1, maxLength: 12 }), async (fixtures, hidden) => {
            const known = keys(await check(fixtures));
            const withUnknowns = structuredClone(fixtures);
            for (const c of hidden) apply(withUnknowns, c);
            const added = (await check(withUnknowns)).filter(d => !known.has(key(d)));
            const hiddenIn = withUnknowns.filter((f, i) => JSON.stringify(f) !== JSON.stringify(fixtures[i]));
            assert.deepEqual(added, [], `violations that appear only when values are unknown, in: ${JSON.stringify(hiddenIn).slice(0, 4_000)}`);
        }), { seed: 18, numRuns: 200 });
    });

    it("starts from stacks that trip every policy, so the properties above have violations to lose", async () => {
        const reported = new Set((await check(structuredClone([...networks[0], ...workloads()]))).map(d => d.policyName));
        assert.deepEqual([...reported].sort(), allPolicies.map(p => p.name).sort());
    });
});
