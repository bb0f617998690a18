/**
 * The offline preview on programs written the way public Pulumi examples are, not by this
 * project's components: a Terraform-converted VPC, a plain Kubernetes app, two VPCs, an awsx VPC.
 * Each pins a verdict or a price that was wrong before (issue "Right verdicts on other people's programs").
 */
import assert from "node:assert/strict";
import { npmRun } from "../helpers/npm-run";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const PROGRAMS = path.join(ROOT, "test", "fixtures", "programs");

interface CostJson {
    lines: { item: string; before: number; after: number }[];
    totals: { before: number; after: number; optimal: number };
    recommendations: { change: string; savesPerMonth: number }[];
}
interface Preview {
    code: number | null;
    json: { violations: { policy: string; level: string; urn: string | null; message: string }[]; cost: CostJson; notes: string[]; costDiff?: Record<string, any> };
    stdout: string;
    stderr: string;
}

const run = (args: string[]) => npmRun("preview:offline", args);

/** `--stack ci --json` of a fixture program (other stacks through `--stack` in args). */
async function preview(program: string, ...args: string[]): Promise<Preview> {
    const result = await run(["--program", path.join(PROGRAMS, program), "--stack", "ci", "--json", ...args]);
    try {
        return { ...result, json: JSON.parse(result.stdout) };
    } catch {
        throw new Error(`exit ${result.code}, not JSON: ${result.stdout.slice(0, 500)} ${result.stderr}`);
    }
}

const line = (run: Preview, item: string) => run.json.cost.lines.find(l => l.item === item)!;
const found = (run: Preview, policy: string) => run.json.violations.filter(v => v.policy === policy).map(v => `${v.level} ${v.urn?.split("::").pop()}`);

describe("automation/offline-preview on other people's programs", function () {
    this.timeout(120_000);

    for (const newStack of [false, true]) {
        describe(newStack ? "as the first preview of a new stack" : "with every id known", () => {
            const extra = newStack ? ["--new-stack"] : [];

            it("a Terraform-converted VPC routing private subnets to one NAT gateway through gatewayId fails, and its cross-AZ NAT traffic is priced", async () => {
                const run = await preview("converted-vpc", ...extra);
                assert.equal(run.code, 1, run.stderr);
                assert.deepEqual(found(run, "nat-gateway-per-az"), ["mandatory private-1", "mandatory private-2"]);
                assert.deepEqual(line(run, "nat-cross-az"), { item: "nat-cross-az", before: 12, after: 12 }); // 900 GB x 2/3 x $0.02
            });

            it("a Kubernetes app with no VPC: no NAT or endpoint savings are invented", async () => {
                const run = await preview("k8s-app", ...extra);
                assert.equal(run.code, 0, run.stderr);
                for (const item of ["nat-processing", "nat-cross-az", "nat-gateway-hours", "interface-endpoint-hours", "privatelink-processing"]) {
                    assert.deepEqual(line(run, item), { item, before: 0, after: 0 });
                }
                assert.deepEqual(line(run, "east-west-cross-az"), { item: "east-west-cross-az", before: 8, after: 0 }); // 600 GB x 2/3 x $0.02, PreferSameZone after
            });

            it("two VPCs: the baseline has one NAT gateway in each, the traffic split over them", async () => {
                const run = await preview("two-vpcs", ...extra);
                assert.equal(run.code, 0, run.stderr);
                assert.deepEqual(line(run, "nat-gateway-hours"), { item: "nat-gateway-hours", before: 64.8, after: 129.6 });
                assert.deepEqual(line(run, "nat-cross-az"), { item: "nat-cross-az", before: 10, after: 0 }); // 2 x 500 GB x 1/2 x $0.02
                assert.deepEqual(line(run, "nat-processing"), { item: "nat-processing", before: 45, after: 45 });
            });

            it("an ALB in front of plain EC2 instances, and a placeholder target group, pass: no kube-proxy hop exists there", async () => {
                const result = await preview("alb-ec2", ...extra);
                assert.equal(result.code, 0, result.stderr);
                assert.deepEqual(found(result, "lb-target-type-ip"), []);
                assert.deepEqual(line(result, "lb-extra-hop"), { item: "lb-extra-hop", before: 0, after: 0 }); // 900 GB to EC2 instances: no kube-proxy hop in either layout
                // Its one listener answers plain HTTP on the internet (protocol unset, fixed-response default, rules forwarding).
                assert.deepEqual(found(result, "lb-public-https"), ["advisory web"]);
            });

            it("an awsx VPC with natGateways.strategy Single fails on its inputs, and is priced from them", async () => {
                const run = await preview("awsx-single-nat", ...extra);
                assert.equal(run.code, 1, run.stderr);
                assert.deepEqual(found(run, "nat-gateway-per-az"), ["mandatory vpc"]);
                assert.deepEqual(line(run, "nat-cross-az"), { item: "nat-cross-az", before: 12, after: 12 });
                assert.deepEqual(line(run, "nat-gateway-hours"), { item: "nat-gateway-hours", before: 32.4, after: 32.4 });
            });
        });
    }

    describe("traffic for programs that are not this project", () => {
        const TRAFFIC = path.join(ROOT, "test", "fixtures", "traffic");
        const k8sApp = (...args: string[]) => run(["--program", path.join(PROGRAMS, "k8s-app"), ...args]);

        it("reads a traffic section in the program's own namespace (traffic: under config:, i.e. k8s-app:traffic)", async () => {
            const result = await preview("k8s-app");
            assert.deepEqual(line(result, "east-west-cross-az"), { item: "east-west-cross-az", before: 8, after: 0 }); // 600 GB x 2/3 x $0.02
        });

        it("--traffic FILE, in YAML or JSON, prices the program instead of its stack config", async () => {
            const yaml = await preview("k8s-app", "--traffic", path.join(TRAFFIC, "east-west.yaml"));
            assert.deepEqual(line(yaml, "east-west-cross-az"), { item: "east-west-cross-az", before: 20, after: 0 }); // 1,500 GB x 2/3 x $0.02
            assert.deepEqual(line(yaml, "lb-extra-hop"), { item: "lb-extra-hop", before: 4, after: 4 }); // 300 GB x 2/3 x $0.02, no target declared
            const json = await preview("k8s-app", "--traffic", path.join(TRAFFIC, "east-west.json"));
            assert.deepEqual(line(json, "east-west-cross-az"), { item: "east-west-cross-az", before: 4, after: 0 });
            assert.ok(json.json.notes.some(note => /^--traffic .*east-west\.json replaces k8s-app:traffic of Pulumi\.ci\.yaml$/.test(note)), json.json.notes.join("\n"));
        });

        const errors: [string, string[], RegExp][] = [
            ["a traffic file that does not exist", ["--stack", "bare", "--traffic", "nope.yaml"], /^offline preview: --traffic .*nope\.yaml does not exist$/],
            ["a traffic file that is not YAML", ["--stack", "bare", "--traffic", path.join(TRAFFIC, "broken.yaml")], /^offline preview: --traffic .*broken\.yaml is not valid YAML or JSON: /],
            ["a traffic file outside the schema, with the config section's message", ["--stack", "bare", "--traffic", path.join(TRAFFIC, "negative.json")],
                /^offline preview: --traffic .*negative\.json: traffic\.eastWestGbPerMonth must be a number of GB per month, 0 or more, got -5$/],
            ["a traffic section in a namespace nothing reads", ["--stack", "misplaced"],
                /^offline preview: app:traffic in Pulumi\.misplaced\.yaml is not read: put the traffic section under k8s-app:traffic \(or cross-az-platform:traffic\), or pass --traffic FILE$/],
            ["an empty traffic file", ["--stack", "bare", "--traffic", "/dev/null"], /^offline preview: --traffic \/dev\/null is empty: give the traffic section's keys/],
            ["an unknown key in the program's own traffic section, named where it is", ["--stack", "typo"],
                /^offline preview: k8s-app:traffic has unknown key eastWestGb \(allowed keys: eastWestGbPerMonth, /],
            ["two traffic sections", ["--stack", "both"], /^offline preview: Pulumi\.both\.yaml sets both k8s-app:traffic and cross-az-platform:traffic: keep one traffic section$/],
        ];
        for (const [what, args, message] of errors) {
            it(`exits 2 with one line on ${what}`, async () => {
                const result = await k8sApp(...args);
                assert.equal(result.code, 2, result.stderr);
                assert.equal(result.stdout, "");
                assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
                assert.match(result.stderr.trimEnd(), message);
            });
        }
    });

    describe("the cheapest endpoints for the declared traffic", () => {
        it("prices the optimum and recommends dropping interface endpoints that cost more than they save", async () => {
            // logs 200 GB, S3 1,200, ECR 600 over a NAT per AZ in 3 AZs: three NAT gateways $97.20 + 200 GB of logs through NAT $9.00.
            const result = await preview("endpoints-vpc");
            assert.deepEqual(result.json.cost.totals, { before: 149.07, after: 142.4, optimal: 106.2 });
            assert.deepEqual(result.json.cost.recommendations, [
                { change: "drop the ecr.dkr interface endpoint of VPC 'main'", savesPerMonth: 21.6 },
                { change: "drop the logs interface endpoint of VPC 'main'", savesPerMonth: 14.6 },
            ]);
            assert.deepEqual(found(result, "interface-endpoint-break-even"), ["advisory logs", "advisory ecr.dkr"]);
            const human = await run(["--program", path.join(PROGRAMS, "endpoints-vpc"), "--stack", "ci"]);
            assert.match(human.stdout, /^ {2}optimal: \$106\.20 with the cheapest VPC endpoints for this NAT layout \(\$36\.20\/month below after\)$/m);
            assert.match(human.stdout, /^ {2}recommendation: drop the logs interface endpoint of VPC 'main' \(saves \$14\.60\/month\)$/m);
        });

        it("--compare-to an earlier report gives the cost change line by line, in the JSON and the human report", async () => {
            const base = path.join(ROOT, "test", "fixtures", "reports", "endpoints-vpc-base.json");
            const result = await preview("endpoints-vpc", "--compare-to", base);
            assert.deepEqual(result.json.costDiff!.totals, { base: 106.2, head: 142.4, change: 36.2 });
            assert.deepEqual(result.json.costDiff!.lines.find((l: { item: string }) => l.item === "interface-endpoint-hours"), { item: "interface-endpoint-hours", base: 0, head: 43.2, change: 43.2 });
            const human = await run(["--program", path.join(PROGRAMS, "endpoints-vpc"), "--stack", "ci", "--compare-to", base]);
            assert.match(human.stdout, /^Cost change against .*endpoints-vpc-base\.json \("after" then and now\)$/m);
            assert.match(human.stdout, /^ {2}total +\$106\.20 +\$142\.40 +\+\$36\.20$/m);
            const missing = await run(["--program", path.join(PROGRAMS, "endpoints-vpc"), "--stack", "ci", "--compare-to", "nope.json"]);
            assert.equal(missing.code, 2);
            assert.match(missing.stderr.trim(), /^offline preview: --compare-to nope\.json does not exist$/);
        });
    });
});
