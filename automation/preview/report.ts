/** Human and JSON renderings of a preview result. The exit code says what the verdict line says. */
import { cents } from "../../policies/lib/cost-model";
import { PRICE_REGION } from "../../policies/lib/prices";
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
function remoteNotes(result: PreviewResult): string[] {
    return result.remoteComponents.map(remote => `${remote.urn} is a remote component (${remote.type}): one opaque resource offline, its children were not checked`);
}

export function exitCode(result: PreviewResult): 0 | 1 {
    return result.violations.some(v => v.level === "mandatory") ? 1 : 0;
}

export function humanReport(result: PreviewResult, diff?: CostDiff): string {
    const out: string[] = [];
    const asNew = result.newStack ? " as a new stack (no ids or computed outputs yet)" : "";
    out.push(`Offline preview of stack ${result.stack}${asNew} with policy pack ${result.pack.name}@${result.pack.version}`, "");

    const byType = new Map<string, number>();
    for (const r of result.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    out.push(`Resources (${result.resources.length})`);
    out.push(...table(["type", "count"], [...byType].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => [type, String(count)]), [false, true]));
    for (const note of remoteNotes(result)) out.push(`  note: ${note}`);
    out.push("");

    const names = new Map(result.resources.map(r => [r.urn, `${r.type}::${r.name}`]));
    if (result.violations.length === 0) {
        out.push("Policy violations: none", "");
    } else {
        out.push(`Policy violations (${result.violations.length})`);
        const policies = [...new Set(result.violations.map(v => v.policy))];
        for (const policy of policies) {
            const found = result.violations.filter(v => v.policy === policy);
            out.push(`  ${policy}`);
            for (const v of found) {
                const where = v.urn ? names.get(v.urn) ?? v.urn : "stack";
                const [first, ...rest] = v.message.split("\n").filter(line => line.trim() !== "");
                out.push(`    [${v.level}] ${where}`);
                for (const line of [first, ...rest]) if (line) out.push(`      ${line}`);
            }
        }
        out.push("");
    }

    out.push(`Cost report (USD per month at ${PRICE_REGION} list prices; before = one NAT per VPC, no endpoints, random routing, instance targets for Kubernetes workloads)`);
    const usd = (n: number) => `$${n.toFixed(2)}`;
    const rows = result.cost.lines.map(l => [l.item, usd(l.before), usd(l.after), `before: ${result.costFormulas[l.item].before}`]);
    const withAfter = rows.flatMap((row, i) => [row, ["", "", "", `after:  ${result.costFormulas[result.cost.lines[i].item].after}`]]);
    withAfter.push(["total", usd(result.cost.totals.before), usd(result.cost.totals.after), savingPhrase(result.cost.totals.before - result.cost.totals.after)]);
    out.push(...table(["item", "before", "after", "formula inputs"], withAfter, [false, true, true, false]));
    const { optimal, after } = result.cost.totals;
    out.push(`  optimal: ${usd(optimal)} with the cheapest VPC endpoints for this NAT layout${optimal < after ? ` (${usd(after - optimal)}/month below after)` : " (the declared endpoints are the cheapest)"}`);
    for (const r of result.cost.recommendations) out.push(`  recommendation: ${r.change} (saves ${usd(r.savesPerMonth)}/month)`);
    for (const note of result.notes) out.push(`  note: ${note}`);
    out.push("");

    if (diff) {
        const signed = (n: number) => `${n < 0 ? "-" : "+"}${usd(Math.abs(n))}`;
        out.push(`Cost change against ${diff.base} ("after" then and now)`);
        const rows = diff.lines.filter(l => l.change !== 0).map(l => [l.item, usd(l.base), usd(l.head), signed(l.change)]);
        rows.push(["total", usd(diff.totals.base), usd(diff.totals.head), signed(diff.totals.change)]);
        out.push(...table(["item", "base", "now", "change"], rows, [false, true, true, true]), "");
    }

    const mandatory = result.violations.filter(v => v.level === "mandatory").length;
    const advisory = result.violations.filter(v => v.level === "advisory").length;
    const remediated = result.violations.filter(v => v.level === "remediated").length;
    const counts = `${mandatory} mandatory, ${advisory} advisory, ${remediated} remediated`;
    out.push(mandatory > 0 ? `FAIL: ${counts} (exit 1)` : `PASS: ${counts} (exit 0)`);
    return out.join("\n");
}

const savingPhrase = (saving: number) => saving >= 0 ? `saves $${saving.toFixed(2)}/month` : `costs $${(-saving).toFixed(2)}/month more`;

function table(header: string[], rows: string[][], alignRight: boolean[]): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
    const line = (cells: string[]) => "  " + cells.map((c, i) => i === cells.length - 1 && !alignRight[i] ? c : alignRight[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ").trimEnd();
    return [line(header), ...rows.map(line)];
}
