/**
 * node automation/pr-comment.ts REPORTS_DIR [--engine-skipped REASON] [--run-url URL]
 *
 * Assembles the pull request's one sticky comment (also its job summary) from the artifacts that
 * .github/workflows/preview.yml's jobs upload into REPORTS_DIR, for each stack of the project in the
 * working directory (its Pulumi.<stack>.yaml files):
 *   offline-<stack>/report.md, exit-code, stderr.txt   npm run preview:offline -- --format markdown
 *   engine-<stack>/summary.md, exit-code               npm run ci -- preview --summary
 * A stack whose artifact is missing says so instead of vanishing from the comment.
 *
 * Runs on plain Node.js 24 (type stripping), before any `npm ci`: node: built-ins only, no project imports.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

/** GitHub refuses a comment body longer than this many characters. */
export const MAX_COMMENT_LENGTH = 65536;

export interface CommentInput {
    reportsDir: string;
    stacks: string[];
    /** Why the engine preview did not run (fork or Dependabot pull request: no secrets). */
    engineSkipped?: string;
    /** The workflow run, whose artifacts hold the full reports. */
    runUrl?: string;
}

const read = (file: string) => existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
const lastLine = (text: string | undefined) => text?.split("\n").filter(Boolean).pop();

function offlineSection(dir: string): string {
    const exit = read(path.join(dir, "exit-code"));
    if (exit === undefined) return "⚠️ No report: the job stopped before the preview finished.";
    const report = read(path.join(dir, "report.md")) ?? "";
    if (exit === "0") return `✅ No mandatory violation.\n\n${report}`;
    if (exit === "1") return `❌ Mandatory violations: this check fails.\n\n${report}`;
    const error = lastLine(read(path.join(dir, "stderr.txt"))) ?? "no error message";
    return `⚠️ The offline preview failed (exit ${exit}):\n\n\`\`\`\n${error}\n\`\`\``;
}

function engineSection(stack: string, dir: string): string {
    const summary = read(path.join(dir, "summary.md"));
    // The driver's summary has its own title, then a "### <stack>: preview <status>" heading per stack:
    // the title goes, the headings go one level down, under the comment's section.
    if (summary) return summary.replace(/^## Pulumi CI summary\n+/, "").replace(/^### /gm, "#### ");
    const exit = read(path.join(dir, "exit-code"));
    return `#### \`${stack}\`\n\n${exit === undefined
        ? "⚠️ No report: the job stopped before the preview finished."
        : `⚠️ No summary (exit ${exit}): see the job log.`}`;
}

export function prComment({ reportsDir, stacks, engineSkipped, runUrl }: CommentInput): string {
    const parts = ["## Cross-AZ preview", "", "### Offline preview: the `cross-az-guardrails` pack on the mock runtime, cost change against the base branch", ""];
    for (const stack of stacks) parts.push(`#### \`${stack}\``, "", offlineSection(path.join(reportsDir, `offline-${stack}`)), "");
    parts.push("### `pulumi preview --policy-pack` on the real engine", "");
    if (engineSkipped) {
        parts.push(`Skipped: ${engineSkipped}.`, "");
    } else {
        for (const stack of stacks) parts.push(engineSection(stack, path.join(reportsDir, `engine-${stack}`)), "");
    }
    const footer = runUrl ? `Full reports and SARIF: the artifacts of [this run](${runUrl}).` : "";
    return fit(parts.join("\n"), footer);
}

/** The body and footer, the body cut at a line so that the whole stays within GitHub's limit. */
function fit(body: string, footer: string): string {
    const whole = `${body}\n${footer}\n`;
    if (whole.length <= MAX_COMMENT_LENGTH) return whole;
    const note = "\n\n… cut here: the comment is limited to 65536 characters.\n";
    const room = MAX_COMMENT_LENGTH - note.length - footer.length - 2;
    const cut = body.lastIndexOf("\n", room);
    return `${body.slice(0, cut > 0 ? cut : room)}${note}\n${footer}\n`;
}

/** The stacks of the project in `dir`: one a Pulumi.<stack>.yaml file. */
export function projectStacks(dir: string): string[] {
    return readdirSync(dir).map(name => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1]).filter((s): s is string => !!s).sort();
}

if (path.basename(process.argv[1] ?? "") === "pr-comment.ts") {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: { "engine-skipped": { type: "string" }, "run-url": { type: "string" } },
    });
    if (positionals.length !== 1) {
        process.stderr.write("usage: node automation/pr-comment.ts REPORTS_DIR [--engine-skipped REASON] [--run-url URL]\n");
        process.exit(2);
    }
    process.stdout.write(prComment({
        reportsDir: positionals[0],
        stacks: projectStacks(process.cwd()),
        engineSkipped: values["engine-skipped"],
        runUrl: values["run-url"],
    }));
}
