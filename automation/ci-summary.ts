import { StackReport, exitCode, hasMandatory } from "./ci-driver";

/** The JSON printed by `--json`. */
export function summaryJson(reports: StackReport[]) {
    return { ok: exitCode(reports) === 0, stacks: reports };
}

/** Markdown summary: per stack the change counts, violations by policy and level, the failure. */
export function summaryMarkdown(reports: StackReport[]): string {
    const lines = ["## Pulumi CI summary", ""];
    for (const r of reports) {
        const status = r.failure ? "failed" : hasMandatory(r) ? "mandatory violations" : "ok";
        lines.push(`### ${r.stack}: ${r.operation} ${status}`, "");
        const changes = Object.entries(r.changes).map(([op, n]) => `${op} ${n}`);
        lines.push(`Changes: ${changes.length ? changes.join(", ") : "none reported"}`, "");
        if (r.violations.length) {
            const counts = new Map<string, number>();
            for (const v of r.violations) {
                const key = `| ${v.policyPack} | ${v.policy} | ${v.level} |`;
                counts.set(key, (counts.get(key) ?? 0) + 1);
            }
            lines.push("| Pack | Policy | Level | Count |", "| --- | --- | --- | --- |");
            for (const [key, n] of counts) lines.push(`${key} ${n} |`);
            lines.push("");
        } else {
            lines.push("No policy violations.", "");
        }
        if (r.failure) lines.push(`Failure: ${r.failure}`, "");
    }
    return lines.join("\n");
}
