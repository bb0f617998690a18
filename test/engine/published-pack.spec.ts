/**
 * The pack as `pulumi policy publish` ships it: `npm pack` of policies/, installed in an empty
 * folder the way Pulumi Cloud installs a published pack (the tarball's `package/` directory, then
 * its dependencies from the registry), and run by a real `pulumi preview --policy-pack` there.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FIXTURES, ROOT, Run, engine, findingSet, npmRun, shows } from "./runs";

describe("engine: the published pack, installed from its tarball", function () {
    this.timeout(300_000);
    let folder: string;
    let packDir: string;

    before(() => {
        engine();
        folder = mkdtempSync(path.join(os.tmpdir(), "crossaz-published-pack-"));
        execFileSync("npm", ["pack", "--pack-destination", folder], { cwd: path.join(ROOT, "policies"), stdio: "ignore" });
        const tarball = readdirSync(folder).find(file => file.endsWith(".tgz"))!;
        execFileSync("tar", ["-xzf", tarball], { cwd: folder });
        packDir = path.join(folder, "package");
        execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: packDir, stdio: "ignore" });
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    for (const [what, args] of [
        ["dev, with the config the tarball ships", ["--stack", "dev"]],
        ["the bad-layout fixture: its mandatory violations fail the preview", ["--stack", "ci", "--program", path.join(FIXTURES, "bad-layout")]],
    ] as const) {
        it(`starts and gives the local pack's verdict on ${what}`, async () => {
            const [published, local]: Run[] = await Promise.all([
                npmRun("engine:preview", [...args, "--policy-pack", packDir, "--json"]),
                npmRun("engine:preview", [...args, "--json"]),
            ]);
            assert.equal(published.code, local.code, shows(published));
            assert.ok(published.stdout.trim().startsWith("{"), shows(published));
            assert.deepEqual(findingSet(JSON.parse(published.stdout).violations), findingSet(JSON.parse(local.stdout).violations));
            assert.match(published.stderr, /cross-az-guardrails@v0\.1\.0/);
        });
    }
});
