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
    /** GB/month of the stack's east-west traffic that crosses zones at this share, when the volume is known. */
    monthlyCrossAzGb?: number;
    /** crossAzTransferCost(eastWestGbPerMonth, crossAzShare), when the volume is known. */
    monthlyCrossAzCost?: number;
    /** The first few distinct error messages, for the log. */
    errorKinds: string[];
    /** The variant's Service's endpoints before it was measured, when the measurer was asked to look. */
    endpoints?: EndpointCounts | { error: string };
    /** Set on the variant measured while its backend Deployment rolled (pod churn). */
    rollout?: RolloutOutcome;
    /** Set on a variant expected to drop the measurer's requests (internalTrafficPolicy: Local, no local endpoint). */
    dropsExpected?: { inFlight: number; timeoutMs: number };
}

/** Ready endpoints of a Service (its EndpointSlices), and of those: in the caller's zone, on its node, with zone hints. */
export interface EndpointCounts {
    ready: number;
    inCallerZone: number;
    onCallerNode: number;
    withZoneHints: number;
}

/**
 * The rollout the churn variant was measured during: the measurer restarted the Deployment and
 * sent requests until it had rolled out (rolledOut), or until the time limit (not rolledOut), or
 * until restarting or watching it failed (error).
 */
export type RolloutOutcome =
    | { deployment: string; seconds: number; rolledOut: boolean }
    | { deployment: string; seconds: number; error: string };

export interface Report {
    caller: Placement & { pod: string };
    requestsPerVariant: number;
    concurrency: number;
    eastWestGbPerMonth?: number;
    variants: VariantSummary[];
    /**
     * Lowest cross-AZ share, then fewest errors, then lowest average latency, among the routing
     * strategies in steady state: the churn variant is the same strategy under a rollout.
     */
    best?: string;
    /** The variant savings and reductions are quoted against ("baseline" when measured). */
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
    const priced = eastWestGbPerMonth !== undefined && crossAzShare !== undefined;
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
        monthlyCrossAzGb: priced ? eastWestGbPerMonth * crossAzShare : undefined,
        monthlyCrossAzCost: priced ? crossAzTransferCost(eastWestGbPerMonth, crossAzShare) : undefined,
        errorKinds: [...new Set(failures.map(f => f.error))].slice(0, 3),
    };
}

/** Summaries in, verdict added: the best variant and its saving against the reference. */
export function buildReport(
    base: Omit<Report, "best" | "reference" | "savedCrossAzShare" | "monthlySaving">,
    referenceVariant = "baseline",
): Report {
    const ranked = base.variants
        .filter(v => v.crossAzShare !== undefined && v.rollout === undefined)
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

/**
 * How much less of the traffic crosses zones than under the reference: 1 is none left, 0 the
 * same, negative more. The same fraction of the GB and the dollars, which scale with the share.
 * Undefined when either did not answer or nothing crossed under the reference.
 */
export function crossAzReduction(reference: VariantSummary | undefined, variant: VariantSummary): number | undefined {
    if (reference?.crossAzShare === undefined || variant.crossAzShare === undefined || reference.crossAzShare === 0) return undefined;
    return 1 - variant.crossAzShare / reference.crossAzShare;
}

const percent = (share: number | undefined) => share === undefined ? "n/a" : `${(share * 100).toFixed(1)}%`;
const millis = (ms: number | undefined) => ms === undefined ? "n/a" : ms.toFixed(2);
const dollars = (usd: number | undefined) => usd === undefined ? "n/a" : `$${usd.toFixed(2)}`;
const gigabytes = (gb: number | undefined) => gb === undefined ? "n/a" : gb.toFixed(1);

/** Aligned rows: the first column left-aligned, figures right-aligned, the last column not padded. */
function table(header: string[], rows: string[][], indent = ""): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
    const line = (cells: string[]) => indent + cells.map((c, i) => i === cells.length - 1 ? c
        : i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ");
    return [header, ...rows].map(line);
}

/** The report as printed to the Job's log: the measured table, what explains it, the cross-zone cost per variant, a verdict. */
export function formatReport(report: Report): string {
    const { caller } = report;
    const out = [
        `Cross-AZ measurement from zone ${caller.zone} (node ${caller.node}, pod ${caller.pod})`,
        `${report.requestsPerVariant} requests per variant, ${report.concurrency} in flight, a new connection per request`,
        "Shares are of answered requests; latency is over answered requests (p99 nearest-rank).",
        "",
        ...table(
            ["variant", "requests", "answered", "errors", "same-zone", "cross-AZ", "same-node", "avg ms", "p99 ms", "answers by zone"],
            report.variants.map(v => [
                v.variant, String(v.requests), String(v.answered), String(v.errors), percent(v.sameZoneShare),
                percent(v.crossAzShare), percent(v.answered > 0 ? v.sameNode / v.answered : undefined),
                millis(v.averageLatencyMs), millis(v.p99LatencyMs),
                Object.entries(v.answersByZone).map(([zone, count]) => `${zone}=${count}`).join(" ") || "-",
            ])),
        "",
        ...explanations(report),
        ...costTable(report),
        "",
        verdict(report),
    ];
    return out.join("\n") + "\n";
}

/** Endpoints before each variant, the dropping and the churn variants' conditions, error kinds. */
function explanations(report: Report): string[] {
    const out: string[] = [];
    const described = report.variants.filter(v => v.endpoints !== undefined);
    if (described.length > 0) {
        const nameWidth = Math.max(...described.map(v => v.variant.length));
        out.push("Ready endpoints of each variant's Service before it was measured (its EndpointSlices):");
        for (const v of described) out.push(`  ${v.variant.padEnd(nameWidth)}  ${endpointsLine(v.endpoints!, report.caller.zone)}`);
    }
    for (const v of report.variants) {
        if (v.dropsExpected) {
            out.push(`${v.variant}: expected to drop this pod's requests (no endpoint on this node); `
                + `${v.dropsExpected.inFlight} in flight, a dropped request waits out its ${v.dropsExpected.timeoutMs} ms timeout.`);
        }
        if (v.rollout) out.push(`${v.variant}: ${rolloutLine(v.rollout)}`);
    }
    for (const v of report.variants) {
        if (v.errorKinds.length > 0) out.push(`errors from ${v.variant}: ${v.errorKinds.join("; ")}`);
    }
    return out.length > 0 ? [...out, ""] : out;
}

function endpointsLine(endpoints: EndpointCounts | { error: string }, zone: string): string {
    if ("error" in endpoints) return `could not read: ${endpoints.error}`;
    return `${endpoints.ready} ready, ${endpoints.inCallerZone} in ${zone}, ${endpoints.onCallerNode} on this node, `
        + `${endpoints.withZoneHints} with zone hints`;
}

function rolloutLine(rollout: RolloutOutcome): string {
    const seconds = `${rollout.seconds.toFixed(1)} s`;
    if ("error" in rollout) return `not measured under churn: ${rollout.error} (after ${seconds}).`;
    return rollout.rolledOut
        ? `measured from the restart of Deployment ${rollout.deployment} until it had rolled out, ${seconds}.`
        : `measured from the restart of Deployment ${rollout.deployment} for ${seconds}; it had not rolled out by then.`;
}

/** Per variant: requests, in-zone and cross-zone shares, GB/month crossing zones, dollars, reduction against the reference. */
function costTable(report: Report): string[] {
    const reference = report.variants.find(v => v.variant === report.reference);
    const priced = report.eastWestGbPerMonth !== undefined;
    return [
        priced
            ? `Cross-zone traffic at ${report.eastWestGbPerMonth} GB/month east-west `
            + `(GB x cross-AZ share; $${CROSS_AZ_PER_GB_EACH_DIRECTION}/GB out of one zone and again into the other):`
            : "Cross-zone traffic: GB and dollars not priced (set traffic.eastWestGbPerMonth on the stack):",
        ...table(
            ["variant", "requests", "in-zone", "cross-zone", "GB/month cross-zone", "$/month", `reduction vs ${report.reference ?? "baseline"}`],
            report.variants.map(v => [
                v.variant, String(v.requests), percent(v.sameZoneShare), percent(v.crossAzShare),
                gigabytes(v.monthlyCrossAzGb), dollars(v.monthlyCrossAzCost),
                v === reference ? "-" : percent(crossAzReduction(reference, v)),
            ]),
            "  "),
    ];
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
