/**
 * The preview as GitHub-flavoured Markdown, for a pull-request comment or a job summary: a heading
 * with the stack and the verdict, the findings, the cost table and, with --compare-to, the cost
 * change. Every table cell is escaped: a pipe or a newline in a message cannot break the table.
 */
import { PRICE_REGION } from "../../policies/lib/prices";
import { findingsOf, sourceText } from "./findings";
import { CostDiff, costChangeRows, exitCode, optimalPhrase, remoteNotes, usd, verdict } from "./report";
import { PreviewResult } from "./run-preview";

export function markdownReport(result: PreviewResult, diff?: CostDiff): string {
    const out: string[] = [];
    const outcome = exitCode(result) === 0 ? "PASS" : "FAIL";
    out.push(`## Offline preview of stack ${escapeMarkdown(result.stack)}: ${outcome}`, "");
    out.push(`${escapeMarkdown(verdict(result))}, policy pack ${escapeMarkdown(`${result.pack.name}@${result.pack.version}`)}${result.newStack ? ", as a new stack" : ""}.`, "");

    const findings = findingsOf(result);
    out.push(`### Findings (${findings.length})`, "");
    if (findings.length === 0) out.push("No policy findings.", "");
    else {
        out.push(...markdownTable(["Level", "Policy", "Resource", "Message", "Fix"], findings.map(f => [
            f.level, f.policy, f.source ? `${f.resource} (${sourceText(f.source, result.programDir)})` : f.resource,
            f.message.split("\n")[0], f.fix ?? "",
        ])), "");
    }

    out.push(`### Cost (USD per month, ${PRICE_REGION} list prices)`, "");
    const rows = result.cost.lines.map(l => [l.item, usd(l.before), usd(l.after)]);
    rows.push(["total", usd(result.cost.totals.before), usd(result.cost.totals.after)]);
    out.push(...markdownTable(["Item", "Before", "After"], rows, [false, true, true]), "");
    out.push(`${escapeMarkdown(optimalPhrase(result)).replace(/^optimal/, "Optimal")}.`, "");
    for (const r of result.cost.recommendations) out.push(`- Recommendation: ${escapeMarkdown(r.change)} (saves ${usd(r.savesPerMonth)}/month)`);
    if (result.cost.recommendations.length > 0) out.push("");

    if (diff) {
        out.push(`### Cost change against ${escapeMarkdown(diff.base)}`, "");
        out.push(...markdownTable(["Item", "Base", "Now", "Change"], costChangeRows(diff), [false, true, true, true]), "");
    }

    const notes = [...remoteNotes(result), ...result.notes];
    if (notes.length > 0) out.push("### Notes", "", ...notes.map(note => `- ${escapeMarkdown(note)}`), "");
    return out.join("\n").trimEnd();
}

/** A GFM table; `right` aligns columns to the right (amounts). */
export function markdownTable(header: string[], rows: string[][], right: boolean[] = []): string[] {
    const line = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
    return [line(header), `| ${header.map((_, i) => right[i] ? "---:" : "---").join(" | ")} |`, ...rows.map(line)];
}

/**
 * Text as literal Markdown, safe in a table cell: Markdown punctuation is backslash-escaped (`$`
 * too: GitHub reads `$...$` as math), `<`, `>` and `&` become entities (GitHub would read
 * `<region>` as a tag), a newline becomes `<br>`.
 */
export function escapeMarkdown(text: string): string {
    return text
        .replace(/[\\`*_[\]|$]/g, c => `\\${c}`)
        .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/\r?\n/g, "<br>");
}
