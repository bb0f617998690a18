/** Human and JSON renderings of a preview result. The exit code says what the verdict line says. */
import { PRICE_REGION } from "../../policies/lib/prices";
import { PreviewResult } from "./run-preview";

/** The `--json` contract's version: 2 added `schemaVersion` and `notes`. */
export const JSON_SCHEMA_VERSION = 2;

/** The `--json` document: exactly the contract's fields. */
export function jsonReport(result: PreviewResult): string {
    const { stack, resources, violations, cost } = result;
    return JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, stack, resources, violations, cost, notes: [...remoteNotes(result), ...result.notes] }, null, 2);
}

/** What a remote component hides, one note each: a gate must not read silence about it as a pass. */
function remoteNotes(result: PreviewResult): string[] {
    return result.remoteComponents.map(remote => `${remote.urn} is a remote component (${remote.type}): one opaque resource offline, its children were not checked`);
}

export function exitCode(result: PreviewResult): 0 | 1 {
    return result.violations.some(v => v.level === "mandatory") ? 1 : 0;
}

export function humanReport(result: PreviewResult): string {
    const out: string[] = [];
    const asNew = result.newStack ? " as a new stack (no ids or computed outputs yet)" : "";
    out.push(`Offline preview of stack ${result.stack}${asNew} with policy pack ${result.packName}`, "");

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
    for (const note of result.notes) out.push(`  note: ${note}`);
    out.push("");

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
