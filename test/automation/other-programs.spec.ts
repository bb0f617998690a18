/**
 * The offline preview on programs written the way public Pulumi examples are, not by this
 * project's components: a Terraform-converted VPC, a plain Kubernetes app, two VPCs, an awsx VPC.
 * Each pins a verdict or a price that was wrong before (issue "Right verdicts on other people's programs").
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const PROGRAMS = path.join(ROOT, "test", "fixtures", "programs");

interface Preview { code: number | null; json: { violations: { policy: string; level: string; urn: string | null; message: string }[]; cost: { lines: { item: string; before: number; after: number }[] } }; stdout: string; stderr: string }

function preview(program: string, ...args: string[]): Promise<Preview> {
    return new Promise((resolve, reject) => {
        const child = spawn("npm", ["run", "--silent", "preview:offline", "--", "--program", path.join(PROGRAMS, program), "--stack", "ci", "--json", ...args], { cwd: ROOT });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", chunk => { stdout += chunk; });
        child.stderr.on("data", chunk => { stderr += chunk; });
        child.on("error", reject);
        child.on("close", code => {
            try {
                resolve({ code, json: JSON.parse(stdout), stdout, stderr });
            } catch {
                reject(new Error(`exit ${code}, not JSON: ${stdout.slice(0, 500)} ${stderr}`));
            }
        });
    });
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

            it("an awsx VPC with natGateways.strategy Single fails on its inputs, and is priced from them", async () => {
                const run = await preview("awsx-single-nat", ...extra);
                assert.equal(run.code, 1, run.stderr);
                assert.deepEqual(found(run, "nat-gateway-per-az"), ["mandatory vpc"]);
                assert.deepEqual(line(run, "nat-cross-az"), { item: "nat-cross-az", before: 12, after: 12 });
                assert.deepEqual(line(run, "nat-gateway-hours"), { item: "nat-gateway-hours", before: 32.4, after: 32.4 });
            });
        });
    }
});
