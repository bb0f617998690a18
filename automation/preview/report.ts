/** Human and JSON renderings of a preview result. The exit code says what the verdict line says. */
import { styleText } from "node:util";
import { cents } from "../../policies/lib/cost-model";
import { PRICE_REGION } from "../../policies/lib/prices";
import { findingsOf, sourceText } from "./findings";
import { PreviewResult } from "./run-preview";

/** The `--json` contract's version: 2 added `schemaVersion` and `notes`. */
export const JSON_SCHEMA_VERSION = 2;

/** The cost change against an earlier `--json` report (`--compare-to`): each line's and the total's "after", then and now. */
export interface CostDiff {
    base: string;
    lines: { item: string; base: number; head: number; change: number }[];
    totals: { base: number; head: number; change: number };
}

/** The `--json` document: exactly the contract's fields (`costDiff` only with --compare-to). */
export function jsonReport(result: PreviewResult, costDiff?: CostDiff): string {
    const { stack, resources, violations, cost } = result;
    const document = { schemaVersion: JSON_SCHEMA_VERSION, stack, resources, violations, cost, notes: [...remoteNotes(result), ...result.notes] };
    return JSON.stringify(costDiff ? { ...document, costDiff } : document, null, 2);
}

/**
 * The cost change from an earlier report's "after" to this one's, line by line, as a pull
 * request's cost change against its base branch. Lines the base does not have count from $0.
 */
export function costDiff(result: PreviewResult, base: { file: string; cost: { lines: { item: string; after: number }[]; totals: { after: number } } }): CostDiff {
    const baseAfter = new Map(base.cost.lines.map(l => [l.item, l.after]));
    const lines = result.cost.lines.map(l => ({ item: l.item, base: baseAfter.get(l.item) ?? 0, head: l.after, change: cents(l.after - (baseAfter.get(l.item) ?? 0)) }));
    const totals = { base: base.cost.totals.after, head: result.cost.totals.after, change: cents(result.cost.totals.after - base.cost.totals.after) };
    return { base: base.file, lines, totals };
}

/** What a remote component hides, one note each: a gate must not read silence about it as a pass. */
export function remoteNotes(result: PreviewResult): string[] {
    return result.remoteComponents.map(remote => `${remote.urn} is a remote component (${remote.type}): one opaque resource offline, its children were not checked`);
}

export function exitCode(result: PreviewResult): 0 | 1 {
    return result.violations.some(v => v.level === "mandatory") ? 1 : 0;
}

/** Whether to colour what goes to `stream`: never with NO_COLOR (non-empty) or FORCE_COLOR=0/false; with another FORCE_COLOR always; else on a colour TTY only. */
export function colourFor(stream: { isTTY?: boolean; hasColors?: () => boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
    if (env.NO_COLOR) return false;
    if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
    return stream.isTTY === true && (stream.hasColors?.() ?? true);
}

const LEVEL_STYLE = { mandatory: "red", advisory: "yellow", remediated: "cyan" } as const;

/**
 * The report for people: findings first (each with its fix on a line of its own and where the
 * program declared the resource), then the cost table, the resources by type, and the verdict.
 * `colour` styles the levels and the verdict.
 */
export function humanReport(result: PreviewResult, diff?: CostDiff, { colour = false }: { colour?: boolean } = {}): string {
    const paint = (style: Parameters<typeof styleText>[0], text: string) => colour ? styleText(style, text, { validateStream: false }) : text;
    const out: string[] = [];
    const asNew = result.newStack ? " as a new stack (no ids or computed outputs yet)" : "";
    out.push(`Offline preview of stack ${result.stack}${asNew} with policy pack ${result.pack.name}@${result.pack.version}`, "");

    const findings = findingsOf(result);
    out.push(findings.length === 0 ? "Findings: none" : `Findings (${findings.length})`);
    for (const f of findings) {
        const where = f.source ? `  ${sourceText(f.source, result.programDir)}` : "";
        out.push(`  ${paint(LEVEL_STYLE[f.level], `[${f.level}]`)} ${f.policy}  ${f.resource}${where}`);
        for (const line of f.message.split("\n")) if (line.trim()) out.push(`      ${line.trim()}`);
        if (f.fix) out.push(`      fix: ${f.fix}`);
    }
    out.push("");

    out.push(`Cost report (USD per month at ${PRICE_REGION} list prices; before = one NAT per VPC, no endpoints, random routing, instance targets for Kubernetes workloads)`);
    const rows = result.cost.lines.map(l => [l.item, usd(l.before), usd(l.after), `before: ${result.costFormulas[l.item].before}`]);
    const withAfter = rows.flatMap((row, i) => [row, ["", "", "", `after:  ${result.costFormulas[result.cost.lines[i].item].after}`]]);
    withAfter.push(["total", usd(result.cost.totals.before), usd(result.cost.totals.after), savingPhrase(result.cost.totals.before - result.cost.totals.after)]);
    out.push(...table(["item", "before", "after", "formula inputs"], withAfter, [false, true, true, false]));
    out.push(`  ${optimalPhrase(result)}`);
    for (const r of result.cost.recommendations) out.push(`  recommendation: ${r.change} (saves ${usd(r.savesPerMonth)}/month)`);
    for (const note of result.notes) out.push(`  note: ${note}`);
    out.push("");

    if (diff) {
        out.push(`Cost change against ${diff.base} ("after" then and now)`);
        out.push(...table(["item", "base", "now", "change"], costChangeRows(diff), [false, true, true, true]), "");
    }

    const byType = new Map<string, number>();
    for (const r of result.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    out.push(`Resources (${result.resources.length})`);
    out.push(...table(["type", "count"], [...byType].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => [type, String(count)]), [false, true]));
    for (const note of remoteNotes(result)) out.push(`  note: ${note}`);
    out.push("");

    const passed = exitCode(result) === 0;
    out.push(paint(["bold", passed ? "green" : "red"], verdict(result)));
    return out.join("\n");
}

/** The verdict line: PASS or FAIL, the counts by level and the exit code. */
export function verdict(result: PreviewResult): string {
    const count = (level: string) => result.violations.filter(v => v.level === level).length;
    const counts = `${count("mandatory")} mandatory, ${count("advisory")} advisory, ${count("remediated")} remediated`;
    return exitCode(result) === 0 ? `PASS: ${counts} (exit 0)` : `FAIL: ${counts} (exit 1)`;
}

export const usd = (n: number) => `$${n.toFixed(2)}`;
const signed = (n: number) => `${n < 0 ? "-" : "+"}${usd(Math.abs(n))}`;

/** The optimal total and how far below "after" it is. */
export function optimalPhrase(result: PreviewResult): string {
    const { optimal, after } = result.cost.totals;
    return `optimal: ${usd(optimal)} with the cheapest VPC endpoints for this NAT layout${optimal < after ? ` (${usd(after - optimal)}/month below after)` : " (the declared endpoints are the cheapest)"}`;
}

/** The cost change's lines that changed, then the total: item, base, now, signed change. */
export function costChangeRows(diff: CostDiff): string[][] {
    const rows = diff.lines.filter(l => l.change !== 0).map(l => [l.item, usd(l.base), usd(l.head), signed(l.change)]);
    rows.push(["total", usd(diff.totals.base), usd(diff.totals.head), signed(diff.totals.change)]);
    return rows;
}

export const savingPhrase = (saving: number) => saving >= 0 ? `saves ${usd(saving)}/month` : `costs ${usd(-saving)}/month more`;

function table(header: string[], rows: string[][], alignRight: boolean[]): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
    const line = (cells: string[]) => "  " + cells.map((c, i) => i === cells.length - 1 && !alignRight[i] ? c : alignRight[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ").trimEnd();
    return [line(header), ...rows.map(line)];
}
