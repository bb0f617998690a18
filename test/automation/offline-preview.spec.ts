/**
 * End to end: the offline preview as a user runs it (`npm run preview:offline -- ...` in a child
 * process), on this project's stacks, on deliberately bad programs and broken configs.
 *
 * "with the cross-az-guardrails pack" needs the real pack in policies/ (policy names as in
 * the design's minimum set); the rest pins the runner's behaviour with the fixture pack in
 * test/fixtures/packs/graph-checks, whatever the real pack's contents.
 *
 * Every run is CPU-bound and takes seconds, so each describe block starts all of its runs in
 * `before` (two at a time) and its tests await the run they read: the same arguments run once.
 */
import assert from "node:assert/strict";
import type { Log } from "sarif";
import { allPolicies } from "../../policies/rules";
import { npmRun, Run } from "../helpers/npm-run";
import { assertSarifShape } from "../helpers/sarif-shape";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "test", "fixtures");
const FIXTURE_PACK = path.join(FIXTURES, "packs", "graph-checks");
const BAD_LAYOUT = path.join(FIXTURES, "programs", "bad-layout");
const BROKEN_CONFIG = path.join(FIXTURES, "programs", "broken-config");
const MISBEHAVING = path.join(FIXTURES, "programs", "misbehaving");
const REMOTE_COMPONENT = path.join(FIXTURES, "programs", "remote-component");


/** How many previews run at once: each is about one busy core (program, then pack), and CI has two. */
const CONCURRENT_RUNS = 2;
const runs = new Map<string, Promise<Run>>();
let running = 0;
const waiting: (() => void)[] = [];

/** `npm run preview:offline -- ...args` as a user runs it, stdout a pipe and no colour variables set; started once per argument list. */
const preview = (...args: string[]) => previewWith({}, ...args);

/** The same with these environment variables (NO_COLOR, FORCE_COLOR) set. */
function previewWith(env: Record<string, string>, ...args: string[]): Promise<Run> {
    const key = JSON.stringify([env, args]);
    if (!runs.has(key)) runs.set(key, limited(() => spawnPreview(args, env)));
    return runs.get(key)!;
}

/** Starts every run in the list without waiting for them (a describe block's `before`): argument lists, or runs to start. */
const start = (...runs: (string[] | (() => Promise<Run>))[]) => {
    for (const run of runs) (typeof run === "function" ? run() : preview(...run)).catch(() => undefined);
};

async function limited<T>(task: () => Promise<T>): Promise<T> {
    if (running < CONCURRENT_RUNS) running++;
    else await new Promise<void>(resolve => waiting.push(resolve)); // a finishing run hands over its slot
    try {
        return await task();
    } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
    }
}

function spawnPreview(args: string[], env: Record<string, string>): Promise<Run> {
    const { NO_COLOR, FORCE_COLOR, ...inherited } = process.env;
    return npmRun("preview:offline", args, { env: { ...inherited, ...env } });
}

interface PreviewJson {
    schemaVersion: number;
    stack: string;
    resources: { urn: string; type: string; name: string; parent: string | null; id: string | null; inputs: Record<string, any> }[];
    violations: { policy: string; level: string; urn: string | null; message: string }[];
    cost: {
        currency: string;
        lines: { item: string; before: number; after: number }[];
        totals: { before: number; after: number; optimal: number };
        recommendations: { change: string; savesPerMonth: number }[];
    };
    notes: string[];
}

const json = (run: Run): PreviewJson => JSON.parse(run.stdout);
const lineOf = (result: PreviewJson, item: string) => result.cost.lines.find(l => l.item === item)!;
const shows = (run: Run) => `exit ${run.code}\nstdout: ${run.stdout.slice(-2000)}\nstderr: ${run.stderr}`;

describe("automation/offline-preview (end to end)", function () {
    this.timeout(120_000);

    describe("with the cross-az-guardrails pack (policies/)", () => {
        const PROD = ["--stack", "prod", "--json"];
        const DEV = ["--stack", "dev"];
        const BAD = ["--stack", "ci", "--program", BAD_LAYOUT, "--json"];
        const DEV_JSON = [...DEV, "--json"];
        const SARIF = ["--stack", "ci", "--program", BAD_LAYOUT, "--format", "sarif"];
        const MARKDOWN = ["--stack", "ci", "--program", BAD_LAYOUT, "--format", "markdown"];
        const asNewStack = (args: string[]) => [...args, "--new-stack"];
        let prodWithoutExemption: string[];
        before(() => {
            const config = JSON.parse(readFileSync(path.join(ROOT, "policies", "config", "prod.json"), "utf8"));
            config["service-traffic-distribution"].exemptServices = [];
            const file = path.join(mkdtempSync(path.join(tmpdir(), "pack-config-")), "prod.json");
            writeFileSync(file, JSON.stringify(config));
            prodWithoutExemption = ["--stack", "prod", "--policy-pack-config", file, "--json"];
            start(PROD, prodWithoutExemption, DEV, BAD, DEV_JSON, SARIF, MARKDOWN, ...[PROD, DEV_JSON, BAD].map(asNewStack));
        });

        it("prod: the whole platform (network, EKS with services and measurement, Fargate) passes; only the measurement's deliberate misconfigurations are advisories", async () => {
            const run = await preview(...PROD);
            assert.equal(run.code, 0, shows(run));
            const result = json(run);
            const components = result.resources.filter(r => r.type.startsWith("crossaz:")).map(r => `${r.type}/${r.name}`).sort();
            assert.deepEqual(components, [
                "crossaz:ecs:Cluster/ecs", "crossaz:ecs:FargateService/web", "crossaz:eks:AutoModeCluster/eks",
                "crossaz:k8s:CrossAzMeasurement/measurement", "crossaz:k8s:ZonalService/shop-backend",
                "crossaz:k8s:ZonalService/shop-frontend", "crossaz:lb:AccessLogBucket/access-logs", "crossaz:network:FlowLogs/network-flow-logs", "crossaz:network:Network/network",
            ]);
            // The measurement's topology-mode and internalTrafficPolicy: Local variants are there to
            // show what these policies warn about; neither policy has an exemption list.
            assert.deepEqual(result.violations.map(v => [v.policy, v.level, v.urn?.split("::").pop()]).sort(), [
                ["internal-traffic-policy-local", "advisory", "measurement-internal-local"],
                ["no-deprecated-topology-routing", "advisory", "measurement-topology-mode-auto"],
            ]);
            // before: the ECS half of north-south has no kube-proxy hop in either layout
            assert.deepEqual(result.cost.totals, { before: 324.89, after: 137.7, optimal: 137.7 }); // endpoints: auto is the optimum
            assert.deepEqual(result.cost.recommendations, []);
        });

        it("prod without the measurement's exemptions: its Services without trafficDistribution are rejected, priced", async () => {
            const run = await preview(...prodWithoutExemption);
            assert.equal(run.code, 1, shows(run));
            const violations = json(run).violations.filter(v => v.level === "mandatory");
            assert.deepEqual(violations.map(v => [v.policy, v.level, v.urn?.split("::").pop()]).sort(), [
                ["service-traffic-distribution", "mandatory", "measurement-baseline"],
                ["service-traffic-distribution", "mandatory", "measurement-internal-local"],
                ["service-traffic-distribution", "mandatory", "measurement-topology-mode-auto"],
            ]);
            assert.match(violations.find(v => v.urn?.endsWith("::measurement-baseline"))!.message, /Service crossaz-measurement\/zone-echo-baseline has no spec\.trafficDistribution.*10,000 GB\/month of east-west traffic .*\$133\.33\/month/);
        });

        it("dev exits 0 and reports the single NAT gateway and its plain-HTTP ALB as advisory, with the fix and the component line that declared the subnet", async () => {
            const run = await preview(...DEV);
            assert.equal(run.code, 0, shows(run));
            const finding = /^ {2}\[advisory\] nat-gateway-per-az {2}aws:ec2\/subnet:Subnet::network-private-us-east-1b {2}components\/network\.ts:(\d+)\n {6}Subnet .*\n {6}fix: give us-east-1b its own NAT gateway \(network\.natGateways: perAz\) and route this subnet's table to it\.$/m;
            const line = Number(finding.exec(run.stdout)?.[1]);
            assert.ok(line > 0, run.stdout);
            assert.match(readFileSync(path.join(ROOT, "components", "network.ts"), "utf8").split("\n")[line - 1], /new aws\.ec2\.Subnet\(/);
            assert.match(run.stdout, /^ {2}\[advisory\] lb-public-https {2}aws:lb\/listener:Listener::web-http /m);
            assert.match(run.stdout, /^PASS: 0 mandatory/m);
        });

        it("--format sarif: one rule per policy of the pack, one result per finding at the program line that declared its resource", async () => {
            const [sarif, found] = await Promise.all([preview(...SARIF), preview(...BAD)]);
            assert.equal(sarif.code, 1, shows(sarif));
            const log = JSON.parse(sarif.stdout) as Log;
            assertSarifShape(log);
            const [run] = log.runs;
            assert.equal(run.tool.driver.name, "cross-az-guardrails");
            assert.deepEqual(run.tool.driver.rules!.map(r => [r.id, r.fullDescription?.text, r.defaultConfiguration?.level]),
                allPolicies.map(p => [p.name, p.description, { mandatory: "error", advisory: "warning", remediate: "note", disabled: "none" }[p.enforcementLevel ?? "advisory"]]));
            const violations = json(found).violations;
            assert.equal(run.results!.length, violations.length);
            const levels = { mandatory: "error", advisory: "warning", remediated: "note" } as const;
            assert.deepEqual(run.results!.map(r => `${r.ruleId} ${r.level}`).sort(), violations.map(v => `${v.policy} ${levels[v.level as keyof typeof levels]}`).sort());
            const web = run.results!.find(r => r.ruleId === "lb-target-type-ip" && r.locations![0].logicalLocations![0].name === "bad-web")!;
            const { artifactLocation, region } = web.locations![0].physicalLocation!;
            assert.equal(artifactLocation!.uri, "test/fixtures/programs/bad-layout/index.ts", "relative to the repository root");
            assert.match(readFileSync(path.join(ROOT, artifactLocation!.uri!), "utf8").split("\n")[region!.startLine! - 1], /new aws\.lb\.TargetGroup\("bad-web"/);
            assert.match(web.message.text!, /\nFix: set targetType: "ip"\.$/);
        });

        it("--format markdown: the verdict in the heading, the findings and cost tables", async () => {
            const run = await preview(...MARKDOWN);
            assert.equal(run.code, 1, shows(run));
            assert.match(run.stdout, /^## Offline preview of stack ci: FAIL\n/);
            assert.match(run.stdout, /^\| mandatory \| lb-target-type-ip \| aws:lb\/targetGroup:TargetGroup::bad-web \(index\.ts:28\) \| Target group 'bad-web' .* \| set targetType: "ip"\. \|$/m);
            assert.match(run.stdout, /^\| advisory \| vpc-gateway-endpoints \| .* \| add an aws\.ec2\.VpcEndpoint \(vpcEndpointType Gateway, serviceName com\.amazonaws\.&lt;region&gt;\.s3\) on the private route tables\. \|$/m);
            assert.match(run.stdout, /^\| total \| \\\$119\.40 \| \\\$119\.40 \|$/m);
        });

        it("a bad program exits 1 and names each violation", async () => {
            const run = await preview(...BAD);
            assert.equal(run.code, 1, shows(run));
            const mandatory = json(run).violations.filter(v => v.level === "mandatory");
            const resourceOf = (policy: string) => mandatory.filter(v => v.policy === policy).map(v => v.urn?.split("::").pop());
            assert.ok(mandatory.some(v => v.policy === "nat-gateway-per-az"), "single NAT for three AZs");
            assert.deepEqual(resourceOf("lb-target-type-ip").sort(), ["bad-web", "orders"], "instance target group and the YAML ALB Ingress");
            assert.deepEqual(resourceOf("service-traffic-distribution").sort(), ["orders", "payments"], "the class-declared and the YAML Service");
            const payments = mandatory.find(v => v.policy === "service-traffic-distribution" && v.urn?.endsWith("::payments"))!;
            assert.match(payments.message, /Service payments\/payments has no spec\.trafficDistribution/, "namespace from its provider");
        });

        it("--new-stack: with no id or computed output known yet, prod, dev and the bad program get the same verdict and cost (stack policies see nothing behind a provider configured only once deployed)", async () => {
            const verdict = (run: Run) => {
                const result = json(run);
                return { code: run.code, violations: result.violations.map(v => [v.policy, v.level, v.urn, v.message]), cost: result.cost };
            };
            // The measurement's Services sit behind the new cluster's Kubernetes provider, whose kubeconfig
            // is unknown in a first preview: the engine cannot configure it and gives stack policies no
            // properties for them (the real CLI does so, test/engine/preview.spec.ts), so this stack
            // policy finding only appears once the cluster exists.
            const onlyOnceDeployed: Record<string, string[]> = { [PROD.join(" ")]: ["internal-traffic-policy-local::measurement-internal-local"] };
            for (const args of [PROD, DEV_JSON, BAD]) {
                const asNew = await preview(...asNewStack(args));
                const resources = json(asNew).resources;
                assert.deepEqual(resources.filter(r => r.id !== null), [], `${args.join(" ")}: nothing has an id yet`);
                assert.ok(resources.some(r => JSON.stringify(r.inputs).includes('"[unknown]"')), `${args.join(" ")}: references are unknown`);
                const known = verdict(await preview(...args));
                const later = onlyOnceDeployed[args.join(" ")] ?? [];
                const isLater = (v: unknown[]) => later.includes(`${v[0]}::${String(v[2]).split("::").pop()}`);
                assert.deepEqual(known.violations.filter(isLater).length, later.length, `${args.join(" ")}: ${later.join(", ")} reported once deployed`);
                assert.deepEqual(verdict(asNew), { ...known, violations: known.violations.filter(v => !isLater(v)) }, args.join(" "));
            }
        });
    });

    describe("usage, config and program errors exit 2 with one line on stderr", () => {
        const cases: [string, string[], RegExp][] = [
            ["an unknown stack", ["--stack", "staging"], /^offline preview: --stack staging has no Pulumi\.staging\.yaml in .* \(stacks here: dev, prod\)$/],
            ["an unknown flag", ["--stak", "dev"], /^offline preview: unknown flag --stak: the flags are --stack, .*; run with --help for usage$/],
            ["a format it does not print", ["--format", "xml"], /^offline preview: --format xml is not one of human, json, sarif, markdown; run with --help for usage$/],
            ["--json with another --format", ["--json", "--format", "sarif"], /^offline preview: --json \(--format json\) conflicts with --format sarif: give one; run with --help for usage$/],
            ["a config error raised by the program (components/config.ts)", ["--stack", "one-az", "--program", BROKEN_CONFIG], /^offline preview: program .* failed: network\.azCount must be 2-6, got 1$/],
            ["an invalid traffic section", ["--stack", "negative-traffic", "--program", BROKEN_CONFIG], /^offline preview: traffic\.eastWestGbPerMonth must be a number of GB per month, 0 or more, got -5$/],
            ["pack config outside a policy's configSchema", ["--stack", "dev", "--policy-pack", FIXTURE_PACK, "--policy-pack-config", path.join(FIXTURE_PACK, "config", "invalid.json")], /^offline preview: policy pack config is invalid: max-tags: maxTags must be >= 0, got -1$/],
            ["a policy that throws", ["--stack", "ci", "--program", BAD_LAYOUT, "--policy-pack", FIXTURE_PACK, "--policy-pack-config", path.join(FIXTURE_PACK, "config", "throwing.json")], /^offline preview: policy pack analyze failed: Error validating resource with policy 'throws-on-request' from policy pack 'graph-checks@v1\.2\.3': Error: boom on bad-web$/],
            ["--stack given twice", ["--stack", "dev", "--stack", "prod"], /^offline preview: --stack given 2 times \(dev, prod\): it takes one value; run with --help for usage$/],
            ["a program that calls process.exit", ["--stack", "exit", "--program", MISBEHAVING, "--policy-pack", FIXTURE_PACK], /^offline preview: program .* failed: it called process\.exit\(3\); a Pulumi program ends by returning$/],
            // The fixture's 10 ms timer fires while the runtime settles its RPCs or after runProgram returned, depending on the machine: both are one line.
            ["a program whose timer throws after it returned", ["--stack", "late-throw", "--program", MISBEHAVING, "--policy-pack", FIXTURE_PACK], /^offline preview: program (\S+ failed|failed after it returned): late boom$/],
            // Time limits: what did not finish, by name. The program's own limit stays at its default where a policy is the one looping.
            ["a program that busy-loops", ["--stack", "busy", "--program", MISBEHAVING, "--policy-pack", FIXTURE_PACK, "--timeout", "5"], /^offline preview: the program in \S+misbehaving did not finish within 5 s \(--timeout 5\)$/],
            ["a program whose outputs never resolve", ["--stack", "never", "--program", MISBEHAVING, "--policy-pack", FIXTURE_PACK, "--timeout", "5"], /^offline preview: the program in \S+misbehaving did not finish within 5 s \(--timeout 5\)$/],
            ["a policy that loops on one resource", ["--stack", "ci", "--program", BAD_LAYOUT, "--policy-pack", FIXTURE_PACK, "--policy-pack-config", path.join(FIXTURE_PACK, "config", "looping.json"), "--policy-timeout", "3"],
                /^offline preview: policy loops-on-request did not finish analyzing aws:lb\/targetGroup:TargetGroup 'bad-web' \(urn:pulumi:ci::bad-layout::aws:lb\/targetGroup:TargetGroup::bad-web\) within 3 s \(--policy-timeout 3\)$/],
            ["a stack policy that loops", ["--stack", "ci", "--program", BAD_LAYOUT, "--policy-pack", FIXTURE_PACK, "--policy-pack-config", path.join(FIXTURE_PACK, "config", "looping-stack.json"), "--policy-timeout", "3"],
                /^offline preview: policy loops-on-stack did not finish analyzing the stack \(\d+ resources\) within 3 s \(--policy-timeout 3\)$/],
            ["a time limit that is not a whole number of seconds", ["--stack", "dev", "--timeout", "1.5"], /^offline preview: --timeout 1\.5 is not a whole number of seconds, 1 or more; run with --help for usage$/],
            ["pack config naming a policy the pack lacks", ["--stack", "dev", "--policy-pack", FIXTURE_PACK, "--policy-pack-config", path.join(FIXTURE_PACK, "config", "unknown-policy.json")], /names nat-in-route-azz, which pack graph-checks does not have/],
        ];
        before(() => start(...cases.map(([, args]) => args)));
        for (const [what, args, message] of cases) {
            it(what, async () => {
                const run = await preview(...args);
                assert.equal(run.code, 2, shows(run));
                assert.equal(run.stdout, "");
                assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
                assert.match(run.stderr.trimEnd(), message);
            });
        }
    });

    describe("runner behaviour, with a fixture pack", () => {
        const BAD = ["--stack", "ci", "--program", BAD_LAYOUT, "--policy-pack", FIXTURE_PACK];
        const withConfig = (file: string) => [...BAD, "--policy-pack-config", path.join(FIXTURE_PACK, "config", file), "--json"];
        const PROD = ["--stack", "prod", "--policy-pack", FIXTURE_PACK, "--json"];
        const COLOUR_ENVS: Record<string, string>[] = [{ FORCE_COLOR: "1" }, { FORCE_COLOR: "1", NO_COLOR: "1" }, { FORCE_COLOR: "0" }];
        let bad: Run;
        let remediated: Run;
        before(async () => {
            start([...BAD, "--json"], withConfig("remediate.json"), withConfig("overrides.json"), PROD, BAD,
                ...COLOUR_ENVS.map(env => () => previewWith(env, ...BAD)),
                ...["print", "timer"].map(stack => ["--stack", stack, "--program", MISBEHAVING, "--policy-pack", FIXTURE_PACK, "--json"]));
            bad = await preview(...BAD, "--json");
            remediated = await preview(...withConfig("remediate.json"));
        });

        it("--json prints exactly the contract's shape", () => {
            assert.equal(bad.code, 1, shows(bad));
            const result = json(bad);
            assert.deepEqual(Object.keys(result), ["schemaVersion", "stack", "resources", "violations", "cost", "notes"]);
            assert.equal(result.schemaVersion, 2);
            assert.ok(result.notes.every(note => typeof note === "string" && note.length > 0));
            assert.equal(result.stack, "ci");
            for (const r of result.resources) assert.deepEqual(Object.keys(r), ["urn", "type", "name", "parent", "id", "inputs"]);
            for (const v of result.violations) {
                assert.deepEqual(Object.keys(v), ["policy", "level", "urn", "message"]);
                assert.ok(["mandatory", "advisory", "remediated"].includes(v.level), v.level);
            }
            assert.equal(result.cost.currency, "USD");
            assert.deepEqual(result.cost.lines.map(l => l.item), [
                "east-west-cross-az", "lb-extra-hop", "nat-processing", "nat-cross-az", "nat-gateway-hours",
                "interface-endpoint-hours", "privatelink-processing",
            ]);
            assert.deepEqual(Object.keys(result.cost.totals), ["before", "after", "optimal"]);
            assert.deepEqual(Object.keys(result.cost), ["currency", "lines", "totals", "recommendations"]);
        });

        it("gives custom resources fake ids that references resolve to, and parents", () => {
            const result = json(bad);
            const nat = result.resources.find(r => r.type === "aws:ec2/natGateway:NatGateway")!;
            assert.match(nat.id!, /^nat-/);
            const routes = result.resources.filter(r => r.type === "aws:ec2/route:Route" && r.inputs.natGatewayId);
            assert.equal(routes.length, 3);
            for (const route of routes) assert.equal(route.inputs.natGatewayId, nat.id);
            const yamlService = result.resources.find(r => r.type === "kubernetes:core/v1:Service" && r.name === "orders")!;
            assert.match(yamlService.parent!, /kubernetes:yaml:ConfigFile::manifests$/);
            assert.equal(result.resources.find(r => r.type === "pulumi:pulumi:Stack")!.id, null);
        });

        it("replaces secret inputs with [secret]", () => {
            const group = json(bad).resources.find(r => r.type === "aws:lb/targetGroup:TargetGroup")!;
            assert.equal(group.inputs.tags.deployToken, "[secret]");
            assert.doesNotMatch(bad.stdout, /hunter2/);
        });

        it("sends propertyDependencies and ids, so stack policies follow references either way", () => {
            const found = json(bad).violations.filter(v => v.policy === "nat-in-route-az");
            assert.deepEqual(found.map(v => v.urn!.split("::").pop()), ["bad-private-us-east-1b-default", "bad-private-us-east-1c-default"]);
            assert.equal(found[0].level, "mandatory");
        });

        it("hands the stack's traffic to policies whose config takes it; the pack config file wins", async () => {
            assert.match(json(bad).violations.find(v => v.policy === "east-west-price")!.message, /3000 GB over 3 AZs costs \$40\.00\/month/);
            const overridden = await preview(...withConfig("overrides.json"));
            assert.equal(overridden.code, 0, shows(overridden)); // "all": "advisory"
            assert.match(json(overridden).violations.find(v => v.policy === "east-west-price")!.message, /600 GB over 3 AZs costs \$8\.00\/month/);
        });

        it("runs remediations at level remediate and analyzes the remediated inputs", () => {
            const result = json(remediated);
            const services = result.violations.filter(v => v.policy === "service-zone-routing");
            assert.deepEqual(services.map(v => [v.level, v.urn!.split("::").pop()]).sort(), [["remediated", "orders"], ["remediated", "payments"]]);
            const payments = result.resources.find(r => r.type === "kubernetes:core/v1:Service" && r.name === "payments")!;
            assert.equal(payments.inputs.spec.trafficDistribution, "PreferSameZone");
            assert.equal(lineOf(result, "east-west-cross-az").after, 0, "remediated Services route in-zone");
        });

        it("prices the bad layout by hand: it is the default layout, so before equals after", () => {
            // traffic: 3000 GB east-west, 600 GB S3, 900 GB north-south; 3 AZs, one NAT, no endpoints.
            const expected = {
                "east-west-cross-az": 40, // 3000 x 2/3 x 0.02
                "lb-extra-hop": 12, // 900 x 2/3 x 0.02
                "nat-processing": 27, // 600 x 0.045
                "nat-cross-az": 8, // 600 x 2/3 x 0.02
                "nat-gateway-hours": 32.4, // 1 x 720 x 0.045
                "interface-endpoint-hours": 0,
                "privatelink-processing": 0,
            };
            const result = json(bad);
            for (const [item, dollars] of Object.entries(expected)) assert.deepEqual(lineOf(result, item), { item, before: dollars, after: dollars });
            // optimal: S3 and DynamoDB gateway endpoints take the 600 GB of S3 off the NAT: 27 + 8 = $35 less.
            assert.deepEqual(result.cost.totals, { before: 119.4, after: 119.4, optimal: 84.4 });
        });

        it("prices prod's network from its graph: NAT per AZ, gateway endpoints, and no interface endpoint (endpoints: auto at 400 GB of logs)", async () => {
            const run = await preview(...PROD);
            const result = json(run);
            // traffic: 500 GB internet, S3 800 + ECR 800 (S3 gateway, free), logs 400 (below the logs endpoint's 617 GB break-even: through NAT); 3 AZs.
            assert.deepEqual(lineOf(result, "nat-processing"), { item: "nat-processing", before: 112.5, after: 40.5 }); // 2500 / 900 GB x 0.045
            assert.deepEqual(lineOf(result, "nat-cross-az"), { item: "nat-cross-az", before: 33.33, after: 0 }); // 2500 x 2/3 x 0.02
            assert.deepEqual(lineOf(result, "nat-gateway-hours"), { item: "nat-gateway-hours", before: 32.4, after: 97.2 });
            assert.deepEqual(lineOf(result, "interface-endpoint-hours"), { item: "interface-endpoint-hours", before: 0, after: 0 });
            assert.deepEqual(lineOf(result, "privatelink-processing"), { item: "privatelink-processing", before: 0, after: 0 });
        });

        it("keeps stdout for the report: a program's prints go to stderr, its timers do not keep the preview running", async () => {
            // mode "print" comes from Pulumi.yaml's project-level config default; Pulumi.print.yaml does not set it.
            for (const stack of ["print", "timer"]) {
                const run = await preview("--stack", stack, "--program", MISBEHAVING, "--policy-pack", FIXTURE_PACK, "--json");
                assert.equal(run.code, 0, shows(run));
                assert.equal(json(run).stack, stack);
            }
            const printed = await preview("--stack", "print", "--program", MISBEHAVING, "--policy-pack", FIXTURE_PACK, "--json");
            assert.equal(printed.stderr, "hello from the program\n");
        });

        it("human output: findings with where the program declared them, then the cost table with formula inputs, resources by type, a verdict", async () => {
            const run = await preview(...BAD);
            assert.equal(run.code, 1, shows(run));
            const sections = ["Findings (6)", "Cost report (", "Resources (27)", "FAIL: 4 mandatory, 2 advisory, 0 remediated (exit 1)"].map(heading => run.stdout.indexOf(`\n${heading}`));
            assert.ok(sections.every((at, i) => at > 0 && (i === 0 || at > sections[i - 1])), `${sections}\n${run.stdout}`);
            assert.match(run.stdout, /^ {2}\[mandatory\] nat-in-route-az {2}aws:ec2\/route:Route::bad-private-us-east-1b-default {2}index\.ts:24\n {6}route bad-private-us-east-1b-default in us-east-1b uses NAT bad-nat in us-east-1a\.$/m);
            assert.match(run.stdout, /^ {2}\[mandatory\] service-zone-routing {2}kubernetes:core\/v1:Service::orders {2}index\.ts:37$/m, "a YAML manifest's object: the line of its ConfigFile");
            assert.match(run.stdout, /^ {2}\[advisory\] east-west-price {2}stack$/m, "a stack-wide finding has no position");
            assert.match(run.stdout, /^ {2}aws:ec2\/subnet:Subnet +4$/m);
            assert.match(run.stdout, /^ {2}nat-cross-az +\$8\.00 +\$8\.00 +before: 600 GB through NAT x 2\/3 AZs without own NAT x \$0\.02$/m);
            assert.match(run.stdout.trimEnd(), /\nFAIL: 4 mandatory, 2 advisory, 0 remediated \(exit 1\)$/);
        });

        it("colours levels and the verdict with FORCE_COLOR; never on a pipe, with NO_COLOR or FORCE_COLOR=0", async () => {
            const [plain, forced, noColor, forcedOff] = await Promise.all([preview(...BAD), ...COLOUR_ENVS.map(env => previewWith(env, ...BAD))]);
            for (const run of [plain, noColor, forcedOff]) assert.doesNotMatch(run.stdout, /\x1b\[/, shows(run));
            assert.match(forced.stdout, /^ {2}\x1b\[31m\[mandatory\]\x1b\[39m nat-in-route-az/m, shows(forced));
            assert.match(forced.stdout, /\x1b\[1m\x1b\[31mFAIL: 4 mandatory/);
            assert.equal(forced.stdout.replace(/\x1b\[\d+m/g, ""), plain.stdout);
        });

        it("says once per remote component (eks.Cluster, awsx) that its children were not checked, in --json too", async () => {
            const run = await preview("--stack", "ci", "--program", REMOTE_COMPONENT, "--policy-pack", FIXTURE_PACK);
            assert.equal(run.code, 0, shows(run));
            assert.equal(run.stdout.match(/is a remote component \(eks:index:Cluster\)/g)?.length, 1);
            const notes = json(await preview("--stack", "ci", "--program", REMOTE_COMPONENT, "--policy-pack", FIXTURE_PACK, "--json")).notes;
            assert.equal(notes.filter(note => /::opaque is a remote component \(eks:index:Cluster\): one opaque resource offline, its children were not checked$/.test(note)).length, 1);
            assert.ok(notes.includes("no traffic given (remote-component:traffic in Pulumi.ci.yaml, or --traffic FILE): traffic lines are $0"), notes.join("\n"));
        });
    });
});
