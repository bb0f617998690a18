/**
 * The pack as users get it once published: `npm pack` of policies/, unpacked in an empty folder
 * and installed there with its own dependencies only (no parent node_modules), as Pulumi Cloud
 * installs a published pack; then started by the offline preview's --policy-pack. It must start,
 * compile its TypeScript with its own compiler, and give the local pack's verdicts.
 * (test/engine/published-pack.spec.ts runs the same tarball under the real CLI.)
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { npmRun, PROJECT_ROOT, Run } from "../helpers/npm-run";

const shows = (run: Run) => `exit ${run.code}\nstderr: ${run.stderr.slice(-2000)}`;
const findings = (run: Run) => JSON.parse(run.stdout).violations.map((v: { policy: string; level: string; urn: string; message: string }) => `${v.level} ${v.policy} ${v.urn} ${v.message}`).sort();

describe("the published pack, installed on its own from its tarball", function () {
    this.timeout(300_000);
    let folder: string;
    let packDir: string;

    before(() => {
        folder = mkdtempSync(path.join(os.tmpdir(), "crossaz-pack-tarball-"));
        execFileSync("npm", ["pack", "--pack-destination", folder], { cwd: path.join(PROJECT_ROOT, "policies"), stdio: "ignore" });
        const tarball = readdirSync(folder).find(file => file.endsWith(".tgz"))!;
        execFileSync("tar", ["-xzf", tarball], { cwd: folder });
        packDir = path.join(folder, "package");
        // From npm's cache when `npm ci` already fetched these versions; the registry otherwise.
        execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--omit=dev"], { cwd: packDir, stdio: "ignore" });
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    it("ships the pack's sources, its configs and a license, and no tests or build output", () => {
        const manifest = JSON.parse(readFileSync(path.join(packDir, "package.json"), "utf8"));
        assert.equal(manifest.license, "Apache-2.0");
        for (const file of ["PulumiPolicy.yaml", "index.ts", "tsconfig.json", "rules/index.ts", "config/prod.json", "config/dev.json"]) {
            assert.ok(existsSync(path.join(packDir, file)), `${file} is missing from the tarball`);
        }
        assert.ok(!existsSync(path.join(packDir, "bin")));
        // Its own compiler, not the SDK's bundled fallback (TypeScript 3.8 rejects the pack's target ES2022).
        const typescript = JSON.parse(readFileSync(path.join(packDir, "node_modules", "typescript", "package.json"), "utf8"));
        assert.ok(Number(typescript.version.split(".")[0]) >= 5, typescript.version);
    });

    for (const [what, args] of [
        ["dev, with the config the tarball ships", ["--stack", "dev"]],
        ["prod, with the config the tarball ships", ["--stack", "prod"]],
        ["the bad-layout fixture: its mandatory violations fail the preview", ["--stack", "ci", "--program", path.join(PROJECT_ROOT, "test", "fixtures", "programs", "bad-layout")]],
    ] as const) {
        it(`starts under the offline preview and gives the local pack's verdict on ${what}`, async () => {
            const published = await npmRun("preview:offline", [...args, "--policy-pack", packDir, "--json"]);
            const local = await npmRun("preview:offline", [...args, "--json"]);
            assert.ok(published.code === 0 || published.code === 1, shows(published));
            assert.equal(published.code, local.code, shows(published));
            assert.deepEqual(findings(published), findings(local));
            assert.equal(JSON.parse(published.stdout).cost.totals.after, JSON.parse(local.stdout).cost.totals.after);
        });
    }
});
