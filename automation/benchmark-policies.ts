/**
 * npm run bench:policies -- [--resources 10000] [--policy-pack DIR] [--policy-pack-config FILE]
 *
 * How long the policy pack takes over a big stack, through the same path as the offline preview
 * (Analyze per resource, 64 in flight, then one AnalyzeStack). The stack is synthetic: zonal
 * cells of network, load-balancer and Kubernetes resources wired by propertyDependencies, so
 * resource and stack policies both have work. Then, per stack policy, one AnalyzeStack with only
 * that policy enabled, and the Analyze pass with only the resource policies (which see one
 * resource per call), each against the same call with every policy disabled: run it at two sizes
 * to see which policy grows faster than the stack. Not a test: it prints figures.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { trafficProfile } from "../policies/lib/cost-model";
import { AnalyzedResource, PackInfo, PolicyPackClient } from "./preview/analyzer-client";
import { oneLine } from "./preview/errors";
import { readPolicyPackConfig, ResolvedPolicyConfig, resolvePolicyConfig } from "./preview/policy-config";
import { PROJECT_ROOT, evaluatePolicies } from "./preview/run-preview";
import { RegisteredResource } from "./preview/run-program";

const STACK = "urn:pulumi:bench::cross-az-platform";

/** One zonal cell: 20 resources, the mix a container platform declares per AZ and per service. */
function cell(index: number): RegisteredResource[] {
    const az = `us-east-1${"abc"[index % 3]}`;
    const resources: RegisteredResource[] = [];
    const add = (type: string, name: string, inputs: Record<string, unknown>, refs: Record<string, RegisteredResource> = {}) => {
        const qualified = `${type}::${name}-${index}`;
        const r: RegisteredResource = {
            urn: `${STACK}::${qualified}`, type, name: `${name}-${index}`, custom: true, remote: false,
            id: `${name}-${index}-id`, inputs: { ...inputs }, outputs: {}, dependencies: [], propertyDependencies: {},
        };
        for (const [key, target] of Object.entries(refs)) {
            r.inputs[key] = target.id;
            r.dependencies.push(target.urn);
            r.propertyDependencies[key] = [target.urn];
        }
        resources.push(r);
        return r;
    };
    const vpc = add("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16", tags: { Name: "vpc" } });
    const publicSubnet = add("aws:ec2/subnet:Subnet", "public", { cidrBlock: "10.0.0.0/24", availabilityZone: az }, { vpcId: vpc });
    const privateSubnet = add("aws:ec2/subnet:Subnet", "private", { cidrBlock: "10.0.16.0/20", availabilityZone: az }, { vpcId: vpc });
    const eip = add("aws:ec2/eip:Eip", "nat", { domain: "vpc" });
    const nat = add("aws:ec2/natGateway:NatGateway", "nat", {}, { subnetId: publicSubnet, allocationId: eip });
    const table = add("aws:ec2/routeTable:RouteTable", "private", {}, { vpcId: vpc });
    add("aws:ec2/routeTableAssociation:RouteTableAssociation", "private", {}, { subnetId: privateSubnet, routeTableId: table });
    add("aws:ec2/route:Route", "private-default", { destinationCidrBlock: "0.0.0.0/0" }, { routeTableId: table, natGatewayId: nat });
    const s3 = add("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway", routeTableIds: [table.id] }, { vpcId: vpc });
    s3.propertyDependencies.routeTableIds = [table.urn]; // attached to the private table, as the Network component does
    s3.dependencies.push(table.urn);
    add("aws:ec2/securityGroup:SecurityGroup", "web", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }] }, { vpcId: vpc });
    // Every tenth cell's group is instance-mode on a NodePort: Kubernetes nodes behind it, a deliberate finding.
    const group = add("aws:lb/targetGroup:TargetGroup", "web", index % 10 === 0 ? { port: 30080, protocol: "HTTP", targetType: "instance" } : { port: 8080, protocol: "HTTP", targetType: "ip" }, { vpcId: vpc });
    const listener = add("aws:lb/listener:Listener", "web", { port: 80, defaultActions: [{ type: "forward", targetGroupArn: group.id }] });
    listener.propertyDependencies.defaultActions = [group.urn]; // forwards to the group, as an ALB listener does
    listener.dependencies.push(group.urn);
    // Kubernetes objects in ten namespaces, joined the way stack policies join them: an HPA sets the
    // Deployment's replicas, an Ingress routes to the Service, a Local Service selects a DaemonSet
    // (every tenth selects no DaemonSet's pods, a deliberate finding).
    const metadata = (name: string) => ({ name: `${name}-${index}`, namespace: `team-${index % 10}` });
    const labels = { app: `web-${index}` };
    const container = { name: "web", image: "public.ecr.aws/nginx/nginx:1.27", resources: { requests: { cpu: "250m", memory: "256Mi" } } };
    const spread = [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", minDomains: 3, labelSelector: { matchLabels: labels } }];
    add("kubernetes:apps/v1:Deployment", "web", { metadata: metadata("web"), spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container], topologySpreadConstraints: spread } } } });
    add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web", { metadata: metadata("web"), spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: `web-${index}` }, minReplicas: 3, maxReplicas: 9 } });
    add("kubernetes:core/v1:Service", "web", { metadata: metadata("web"), spec: { selector: labels, ports: [{ port: 80 }], ...(index % 7 === 0 ? {} : { trafficDistribution: "PreferSameZone" }) } });
    add("kubernetes:networking.k8s.io/v1:Ingress", "web", {
        metadata: { ...metadata("web"), annotations: { "alb.ingress.kubernetes.io/target-type": "ip" } },
        spec: { ingressClassName: "alb", rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: `web-${index}`, port: { number: 80 } } } }] } }] },
    });
    add("kubernetes:policy/v1:PodDisruptionBudget", "web", { metadata: metadata("web"), spec: { minAvailable: 2, selector: { matchLabels: labels } } });
    const agent = { app: `agent-${index}` };
    add("kubernetes:apps/v1:DaemonSet", "agent", { metadata: metadata("agent"), spec: { selector: { matchLabels: agent }, template: { metadata: { labels: agent }, spec: { containers: [{ ...container, name: "agent" }] } } } });
    add("kubernetes:core/v1:Service", "agent", {
        metadata: metadata("agent"),
        spec: { selector: index % 10 === 0 ? { app: `collector-${index}` } : agent, ports: [{ port: 9100 }], internalTrafficPolicy: "Local", trafficDistribution: "PreferSameNode" },
    });
    add("aws:cloudwatch/logGroup:LogGroup", "web", { retentionInDays: 30 });
    return resources;
}

/** The config with only the policies `enabled` picks left at their level, the others disabled. */
function only(config: ResolvedPolicyConfig, enabled: (name: string) => boolean): ResolvedPolicyConfig {
    return Object.fromEntries(Object.entries(config).map(([name, c]) => [name, enabled(name) ? c : { ...c, enforcementLevel: "disabled" as const }]));
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
    const started = Date.now();
    await work();
    return (Date.now() - started) / 1000;
}

/** Per stack policy, one AnalyzeStack with only it enabled; the Analyze pass with only the resource policies; each against none enabled. */
async function timePolicies(pack: PolicyPackClient, info: PackInfo, config: ResolvedPolicyConfig, resources: RegisteredResource[], afterUpdate: AnalyzedResource[]): Promise<void> {
    const width = Math.max(...info.policies.map(p => p.name.length));
    const line = (name: string, time: number, note: string) => console.log(`  ${name.padEnd(width)}  ${time.toFixed(2).padStart(7)} s${note}`);
    const enabled = info.policies.filter(p => config[p.name].enforcementLevel !== "disabled");

    console.log(`AnalyzeStack x1 over ${afterUpdate.length} resources, one stack policy at a time:`);
    await pack.configure(only(config, () => false));
    const transfer = await seconds(() => pack.analyzeStack(afterUpdate));
    line("(none)", transfer, " (sending the resources)");
    for (const policy of enabled.filter(p => p.kind === "stack")) {
        await pack.configure(only(config, name => name === policy.name));
        line(policy.name, await seconds(() => pack.analyzeStack(afterUpdate)), "");
    }

    const resourcePolicies = enabled.filter(p => p.kind === "resource").map(p => p.name);
    console.log(`Analyze x${resources.length} (each call sees one resource; AnalyzeStack has nothing to run):`);
    await pack.configure(only(config, () => false));
    line("(none)", await seconds(() => evaluatePolicies(pack, resources, false)), " (gRPC and deserialization)");
    await pack.configure(only(config, name => resourcePolicies.includes(name)));
    line(`${resourcePolicies.length} resource policies`, await seconds(() => evaluatePolicies(pack, resources, false)), ` (${resourcePolicies.join(", ")})`);
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            resources: { type: "string", default: "10000" },
            "policy-pack": { type: "string", default: path.join(PROJECT_ROOT, "policies") },
            "policy-pack-config": { type: "string" },
        },
    });
    const count = Number(values.resources);
    const resources: RegisteredResource[] = [];
    for (let i = 0; resources.length < count; i++) resources.push(...cell(i));
    resources.length = count;
    const configFile = values["policy-pack-config"] ?? path.join(values["policy-pack"], "config", "prod.json");

    let started = Date.now();
    const pack = await PolicyPackClient.start(values["policy-pack"]);
    try {
        const startSeconds = (Date.now() - started) / 1000;
        const info = await pack.info();
        const fileConfig = fs.existsSync(configFile) ? readPolicyPackConfig(configFile) : {};
        const config = resolvePolicyConfig(info, fileConfig, trafficProfile({ eastWestGbPerMonth: 10_000, awsServiceGbPerMonth: { s3: 2_000 } }));
        await pack.configure(config);
        started = Date.now();
        const { violations, afterUpdate } = await evaluatePolicies(pack, resources, Object.values(config).some(c => c.enforcementLevel === "remediate"));
        const seconds = (Date.now() - started) / 1000;
        console.log(`policy pack ${info.name}@${info.version} (${info.policies.length} policies), config ${fs.existsSync(configFile) ? configFile : "none"}`);
        console.log(`pack start:        ${startSeconds.toFixed(2)} s`);
        console.log(`resources:         ${resources.length}`);
        console.log(`policy evaluation: ${seconds.toFixed(2)} s (${(seconds * 1000 / resources.length).toFixed(3)} ms per resource, Analyze x${resources.length} + AnalyzeStack x1)`);
        const byPolicy = new Map<string, number>();
        for (const v of violations) byPolicy.set(v.policy, (byPolicy.get(v.policy) ?? 0) + 1);
        console.log(`violations:        ${violations.length} (${[...byPolicy].map(([policy, n]) => `${policy} ${n}`).join(", ")})`);
        await timePolicies(pack, info, config, resources, afterUpdate);
    } finally {
        pack.stop();
    }
}

main().catch(error => {
    process.stderr.write(`benchmark: ${oneLine(error)}\n`);
    process.exitCode = 2;
});
