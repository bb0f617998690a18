/**
 * `npm run pack-config`: the stack's traffic section written into a pack config, so a real
 * `pulumi preview --policy-pack` (which cannot read stack config) prices findings as the offline
 * preview does. The shipped configs must stay in step with the stacks' traffic.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { allPolicies } from "../../policies/rules";
import { npmRun, PROJECT_ROOT } from "../helpers/npm-run";

const TRAFFIC_POLICIES = allPolicies.filter(p => p.configSchema?.properties.traffic !== undefined).map(p => p.name);
const FIXTURE = path.join(PROJECT_ROOT, "test", "fixtures", "programs", "converted-vpc");

describe("pack-config: the stack's traffic in the pack config", function () {
    this.timeout(120_000);
    let folder: string;
    beforeEach(() => { folder = mkdtempSync(path.join(os.tmpdir(), "crossaz-pack-config-")); });
    afterEach(() => rmSync(folder, { recursive: true, force: true }));

    for (const stack of ["dev", "prod"]) {
        it(`the shipped policies/config/${stack}.json carries Pulumi.${stack}.yaml's traffic (--check)`, async () => {
            const run = await npmRun("pack-config", ["--stack", stack, "--check"]);
            assert.equal(run.code, 0, run.stderr);
            const config = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "policies", "config", `${stack}.json`), "utf8"));
            for (const policy of TRAFFIC_POLICIES) assert.equal(typeof config[policy].traffic?.eastWestGbPerMonth, "number", policy);
        });
    }

    it("adds traffic to the policies that take it, keeps every other entry, and --check then passes", async () => {
        const file = path.join(folder, "pack.json");
        const written = { "nat-gateway-per-az": "mandatory", "zone-spread": { enforcementLevel: "advisory", zoneCount: 3 } };
        writeFileSync(file, JSON.stringify(written));
        const args = ["--stack", "ci", "--program", FIXTURE, "--policy-pack-config", file];

        const stale = await npmRun("pack-config", [...args, "--check"]);
        assert.equal(stale.code, 1);
        assert.match(stale.stderr, /out of date with the traffic of Pulumi\.ci\.yaml: run npm run pack-config -- --stack ci/);
        assert.equal(readFileSync(file, "utf8"), JSON.stringify(written), "--check wrote the file");

        assert.equal((await npmRun("pack-config", args)).code, 0);
        const config = JSON.parse(readFileSync(file, "utf8"));
        assert.deepEqual(Object.keys(config).sort(), [...new Set([...TRAFFIC_POLICIES, "nat-gateway-per-az", "zone-spread"])].sort());
        assert.equal(config["nat-gateway-per-az"].enforcementLevel, "mandatory");
        assert.deepEqual(config["zone-spread"], written["zone-spread"]);
        for (const policy of TRAFFIC_POLICIES) assert.equal(config[policy].traffic.internetEgressGbPerMonth, 900, policy);
        assert.equal((await npmRun("pack-config", [...args, "--check"])).code, 0);
    });

    it("prices a stack's findings from the pack config alone, as a real preview must", async () => {
        // Pulumi.no-traffic.yaml has no traffic section: only the pack config can put dollars in the messages.
        const file = path.join(folder, "pack.json");
        writeFileSync(file, "{}");
        const natMessages = async (): Promise<string[]> => {
            const run = await npmRun("preview:offline", ["--stack", "no-traffic", "--program", FIXTURE, "--policy-pack-config", file, "--json"]);
            return JSON.parse(run.stdout).violations.filter((v: any) => v.policy === "nat-gateway-per-az").map((v: any) => v.message as string);
        };
        const unpriced = await natMessages();
        assert.ok(unpriced.length > 0 && unpriced.every(m => !m.includes("/month")), unpriced.join("\n"));

        assert.equal((await npmRun("pack-config", ["--stack", "ci", "--program", FIXTURE, "--policy-pack-config", file])).code, 0);
        const priced = await natMessages();
        assert.equal(priced.length, unpriced.length);
        assert.ok(priced.every(m => m.includes("At 900 GB/month through NAT")), priced.join("\n"));
    });

    it("names a bad flag and points to --help (exit 2)", async () => {
        const run = await npmRun("pack-config", ["--stak", "dev"]);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /--stak.*--help/);
        const help = await npmRun("pack-config", ["--help"]);
        assert.equal(help.code, 0);
        for (const flag of ["--stack", "--program", "--policy-pack-config", "--check", "--help"]) assert.ok(help.stdout.includes(flag), flag);
    });
});
