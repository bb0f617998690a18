/**
 * The measurement's arithmetic and its printed report: pure functions over recorded samples,
 * shared by the in-pod measurer and the unit tests. Shipped to the pod as JavaScript, so it may
 * import only Node's standard library and relative modules that ship with it (the cost model).
 */
import { crossAzTransferCost } from "../../policies/lib/cost-model";
import { CROSS_AZ_PER_GB_EACH_DIRECTION } from "../../policies/lib/prices";

/** Where a process runs: the measurer's own placement, or the echo pod that answered. */
export interface Placement {
    zone: string;
    node: string;
}

/** One request: the echo pod's answer, or why there was none. Latency is wall-clock, connect included. */
export type Sample =
    | { ok: true; latencyMs: number; answer: Placement }
    | { ok: false; latencyMs: number; error: string };

export interface VariantSummary {
    variant: string;
    requests: number;
    answered: number;
    errors: number;
    /** Answers from the caller's zone / node. */
    sameZone: number;
    sameNode: number;
    /** Shares of the answered requests (errors excluded), 0..1; undefined when nothing answered. */
    sameZoneShare?: number;
    crossAzShare?: number;
    /** Over answered requests only, so timeouts do not pose as latency. */
    averageLatencyMs?: number;
    p99LatencyMs?: number;
    /** Answers per zone of the answering pod, zones sorted by name. */
    answersByZone: Record<string, number>;
    /** crossAzTransferCost(eastWestGbPerMonth, crossAzShare), when the volume is known. */
    monthlyCrossAzCost?: number;
    /** The first few distinct error messages, for the log. */
    errorKinds: string[];
}

export interface Report {
    caller: Placement & { pod: string };
    requestsPerVariant: number;
    concurrency: number;
    eastWestGbPerMonth?: number;
    variants: VariantSummary[];
    /** Lowest cross-AZ share, then fewest errors, then lowest average latency. */
    best?: string;
    /** The variant the saving is quoted against ("baseline" when measured). */
    reference?: string;
    /** best's saving against reference: share points and, when the volume is known, dollars. */
    savedCrossAzShare?: number;
    monthlySaving?: number;
}

/** Nearest-rank percentile (p in 0..100): the smallest value with at least p% of values at or below it. */
export function percentile(values: readonly number[], p: number): number | undefined {
    if (values.length === 0) return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return sorted[rank - 1];
}

export function summarizeVariant(
    variant: string, samples: readonly Sample[], caller: Placement, eastWestGbPerMonth?: number,
): VariantSummary {
    const answers = samples.filter((s): s is Extract<Sample, { ok: true }> => s.ok);
    const failures = samples.filter((s): s is Extract<Sample, { ok: false }> => !s.ok);
    const sameZone = answers.filter(s => s.answer.zone === caller.zone).length;
    const sameNode = answers.filter(s => s.answer.node === caller.node).length;
    const answersByZone: Record<string, number> = {};
    for (const zone of answers.map(s => s.answer.zone).sort()) answersByZone[zone] = (answersByZone[zone] ?? 0) + 1;
    const latencies = answers.map(s => s.latencyMs);
    const answered = answers.length;
    const crossAzShare = answered > 0 ? (answered - sameZone) / answered : undefined;
    return {
        variant,
        requests: samples.length,
        answered,
        errors: failures.length,
        sameZone,
        sameNode,
        sameZoneShare: answered > 0 ? sameZone / answered : undefined,
        crossAzShare,
        averageLatencyMs: answered > 0 ? latencies.reduce((a, b) => a + b, 0) / answered : undefined,
        p99LatencyMs: percentile(latencies, 99),
        answersByZone,
        monthlyCrossAzCost: eastWestGbPerMonth !== undefined && crossAzShare !== undefined
            ? crossAzTransferCost(eastWestGbPerMonth, crossAzShare) : undefined,
        errorKinds: [...new Set(failures.map(f => f.error))].slice(0, 3),
    };
}

/** Summaries in, verdict added: the best variant and its saving against the reference. */
export function buildReport(
    base: Omit<Report, "best" | "reference" | "savedCrossAzShare" | "monthlySaving">,
    referenceVariant = "baseline",
): Report {
    const ranked = base.variants
        .filter(v => v.crossAzShare !== undefined)
        .sort((a, b) => a.crossAzShare! - b.crossAzShare! || a.errors - b.errors
            || a.averageLatencyMs! - b.averageLatencyMs!);
    const best = ranked[0];
    const reference = base.variants.find(v => v.variant === referenceVariant && v.crossAzShare !== undefined);
    if (!best) return { ...base };
    if (!reference) return { ...base, best: best.variant };
    return {
        ...base,
        best: best.variant,
        reference: reference.variant,
        savedCrossAzShare: reference.crossAzShare! - best.crossAzShare!,
        monthlySaving: reference.monthlyCrossAzCost !== undefined && best.monthlyCrossAzCost !== undefined
            ? reference.monthlyCrossAzCost - best.monthlyCrossAzCost : undefined,
    };
}

const percent = (share: number | undefined) => share === undefined ? "n/a" : `${(share * 100).toFixed(1)}%`;
const millis = (ms: number | undefined) => ms === undefined ? "n/a" : ms.toFixed(2);
const dollars = (usd: number | undefined) => usd === undefined ? "n/a" : `$${usd.toFixed(2)}`;

/** The report as printed to the Job's log: an aligned table, the cost lines, a one-line verdict. */
export function formatReport(report: Report): string {
    const { caller } = report;
    const header = ["variant", "requests", "answered", "errors", "same-zone", "cross-AZ", "same-node", "avg ms", "p99 ms", "answers by zone"];
    const rows = report.variants.map(v => [
        v.variant, String(v.requests), String(v.answered), String(v.errors), percent(v.sameZoneShare),
        percent(v.crossAzShare), percent(v.answered > 0 ? v.sameNode / v.answered : undefined),
        millis(v.averageLatencyMs), millis(v.p99LatencyMs),
        Object.entries(v.answersByZone).map(([zone, count]) => `${zone}=${count}`).join(" ") || "-",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
    // Text columns left-aligned, figures right-aligned; the last column is not padded.
    const line = (cells: string[]) => cells.map((c, i) => i === cells.length - 1 ? c
        : i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ");
    const out = [
        `Cross-AZ measurement from zone ${caller.zone} (node ${caller.node}, pod ${caller.pod})`,
        `${report.requestsPerVariant} requests per variant, ${report.concurrency} in flight, a new connection per request`,
        "Shares are of answered requests; latency is over answered requests (p99 nearest-rank).",
        "",
        line(header),
        ...rows.map(line),
        "",
    ];
    for (const v of report.variants) {
        if (v.errorKinds.length > 0) out.push(`errors from ${v.variant}: ${v.errorKinds.join("; ")}`);
    }
    if (report.eastWestGbPerMonth === undefined) {
        out.push("Monthly cross-AZ cost: not priced (set traffic.eastWestGbPerMonth on the stack).");
    } else {
        out.push(`Monthly cross-AZ cost at ${report.eastWestGbPerMonth} GB/month east-west `
            + `(GB x cross-AZ share x $${CROSS_AZ_PER_GB_EACH_DIRECTION}/GB x 2 directions):`);
        const nameWidth = Math.max(...report.variants.map(v => v.variant.length));
        for (const v of report.variants) out.push(`  ${v.variant.padEnd(nameWidth)}  ${dollars(v.monthlyCrossAzCost).padStart(12)}`);
    }
    out.push("");
    out.push(verdict(report));
    return out.join("\n") + "\n";
}

function verdict(report: Report): string {
    if (report.best === undefined) return "Best: none (no variant answered).";
    const best = report.variants.find(v => v.variant === report.best)!;
    const head = `Best: ${best.variant}, ${percent(best.sameZoneShare)} same-zone`;
    if (report.reference === undefined || report.reference === report.best) return `${head}.`;
    const points = `${(report.savedCrossAzShare! * 100).toFixed(1)} points less cross-AZ than ${report.reference}`;
    if (report.monthlySaving === undefined) return `${head}, ${points}.`;
    return `${head}, ${points}: saves ${dollars(report.monthlySaving)}/month at ${report.eastWestGbPerMonth} GB/month.`;
}
