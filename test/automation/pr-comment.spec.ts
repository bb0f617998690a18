import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { MAX_COMMENT_LENGTH, prComment, projectStacks } from "../../automation/pr-comment";

const ROOT = path.resolve(__dirname, "..", "..");

/** A reports directory laid out as download-artifact lays out the preview jobs' artifacts. */
function reports(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(tmpdir(), "pr-comment-"));
    for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
    }
    return dir;
}

const section = (comment: string, title: string) => comment.slice(comment.indexOf(title)).split(/\n### /)[0];

describe("pr-comment", () => {
    it("gives each stack its offline verdict and report, and each engine summary without its own title", () => {
        const dir = reports({
            "offline-dev/exit-code": "0\n",
            "offline-dev/report.md": "| line | cost |\n| nat | +$32.85 |\n",
            "offline-prod/exit-code": "1\n",
            "offline-prod/report.md": "mandatory: cross-az-nat-gateway\n",
            "engine-dev/summary.md": "## Pulumi CI summary\n\n### dev: preview ok\n\nNo policy violations.\n",
            "engine-prod/summary.md": "## Pulumi CI summary\n\n### prod: preview mandatory violations\n",
        });
        const comment = prComment({ reportsDir: dir, stacks: ["dev", "prod"], runUrl: "https://example.test/run/1" });
        const offline = section(comment, "### Offline preview");
        assert.match(offline, /#### `dev`\n\n✅ No mandatory violation\.\n\n\| line \| cost \|\n\| nat \| \+\$32\.85 \|/);
        assert.match(offline, /#### `prod`\n\n❌ Mandatory violations: this check fails\.\n\nmandatory: cross-az-nat-gateway/);
        const engine = section(comment, "### `pulumi preview --policy-pack`");
        assert.match(engine, /^### `pulumi preview --policy-pack` on the real engine\n\n#### dev: preview ok\n\nNo policy violations\.\n\n#### prod: preview mandatory violations\n/);
        assert.doesNotMatch(comment, /Pulumi CI summary/);
        assert.match(comment, /\[this run\]\(https:\/\/example\.test\/run\/1\)\.\n$/);
    });

    it("says so where a stack has no report, a preview failed, or the engine preview was skipped", () => {
        const dir = reports({
            "offline-dev/exit-code": "2\n",
            "offline-dev/stderr.txt": "npm warn something\noffline preview: Pulumi.dev.yaml: traffic.crossAzGbPerMonth must be a number\n",
        });
        const comment = prComment({ reportsDir: dir, stacks: ["dev", "prod"], engineSkipped: "fork PR, no secrets" });
        assert.match(comment, /#### `dev`\n\n⚠️ The offline preview failed \(exit 2\):\n\n```\noffline preview: Pulumi\.dev\.yaml: traffic\.crossAzGbPerMonth must be a number\n```/);
        assert.match(comment, /#### `prod`\n\n⚠️ No report: the job stopped before the preview finished\./);
        assert.match(section(comment, "### `pulumi preview --policy-pack`"), /^### `pulumi preview --policy-pack` on the real engine\n\nSkipped: fork PR, no secrets\.\n/);

        const noSummary = prComment({ reportsDir: reports({ "engine-dev/exit-code": "2" }), stacks: ["dev", "prod"] });
        const engine = section(noSummary, "### `pulumi preview --policy-pack`");
        assert.match(engine, /#### `dev`\n\n⚠️ No summary \(exit 2\): see the job log\./);
        assert.match(engine, /#### `prod`\n\n⚠️ No report: the job stopped before the preview finished\./);
    });

    it("cuts a report too long for a comment at a line, keeping the footer", () => {
        const huge = Array.from({ length: 4000 }, (_, i) => `| resource-${i} | +$1.00 |`).join("\n");
        const dir = reports({ "offline-dev/exit-code": "0", "offline-dev/report.md": huge });
        const comment = prComment({ reportsDir: dir, stacks: ["dev"], runUrl: "https://example.test/run/2" });
        assert.ok(huge.length > MAX_COMMENT_LENGTH);
        assert.ok(comment.length <= MAX_COMMENT_LENGTH, `${comment.length} characters`);
        assert.match(comment, /\| \+\$1\.00 \|\n\n… cut here: the comment is limited to 65536 characters\.\n\nFull reports and SARIF: the artifacts of \[this run\]\(https:\/\/example\.test\/run\/2\)\.\n$/);
    });

    it("takes the stacks from the project's Pulumi.<stack>.yaml files", () => {
        assert.deepEqual(projectStacks(ROOT), ["dev", "prod"]);
    });

    it("runs as the workflow runs it: plain node on the script, stacks from the working directory", () => {
        const dir = reports({ "offline-dev/exit-code": "0", "offline-dev/report.md": "dev report", "offline-prod/exit-code": "0" });
        const node = path.join(ROOT, "node_modules", ".bin", "node"); // Node 24, as setup-node gives the report job
        const run = spawnSync(node, ["automation/pr-comment.ts", dir, "--engine-skipped", "Dependabot PR, no secrets"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout, prComment({ reportsDir: dir, stacks: ["dev", "prod"], engineSkipped: "Dependabot PR, no secrets" }));
        assert.equal(spawnSync(node, ["automation/pr-comment.ts"], { cwd: ROOT }).status, 2);
    });
});
