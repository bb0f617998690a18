/**
 * npm run traffic:from-flow-logs -- [--stack NAME] RESULT.csv...
 *
 * Turns the results of the FlowLogs named queries (Athena's CSV downloads; any of the three, each
 * recognized by its header) into the stack's `traffic` section, on its own as the offline
 * preview's `--traffic FILE` takes it: measured volumes per 30-day month, and the keys flow logs
 * cannot tell apart kept from the stack's section (--stack) or 0. A comment block on top prices
 * what was measured with the cost model. Exit 2: usage or input error (one line on stderr).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import {
    FlowLogResults, measuredKeys, measuredMonthlyCost, measuredTrafficProfile, measureTraffic, MeasuredTraffic, queryOfColumns, ResultRow,
} from "../components/flow-log-traffic";
import { FLOW_LOG_QUERY_KEYS, QUERY_COLUMNS } from "../components/flow-log-queries";
import { AWS_TRAFFIC_SERVICES, formatGbPerMonth, formatMonthlyUsd, TrafficProfile, trafficProfile } from "../policies/lib/cost-model";
import { oneLine, PreviewError } from "./preview/errors";
import { loadStackSettings } from "./preview/project";
import { PROJECT_ROOT, readTraffic } from "./preview/run-preview";

const USAGE = "usage: npm run traffic:from-flow-logs -- [--stack NAME] RESULT.csv...";
const HELP = `${USAGE}

Reads the CSV results of the flow-log named queries (network.flowLogs; Athena console "Download
results", or the workgroup's result files) and prints the traffic section they measure, per 30-day
month, ready for npm run preview:offline -- --stack NAME --traffic FILE.

  RESULT.csv     results of ${FLOW_LOG_QUERY_KEYS.join(", ")} (any of them, each once)
  --stack NAME   keep this stack's figures for what flow logs do not measure (default: 0)
  -h, --help     this help

Exit codes: 0 printed, 2 usage or input error.`;

/** Rows of an RFC 4180 CSV text (Athena quotes every field; "" is a quote inside one). */
export function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') field += text[++i];
            else if (c === '"') quoted = false;
            else field += c;
        } else if (c === '"') quoted = true;
        else if (c === ",") {
            row.push(field);
            field = "";
        } else if (c === "\n" || c === "\r") {
            if (c === "\r" && text[i + 1] === "\n") i++;
            rows.push([...row, field]);
            row = [];
            field = "";
        } else field += c;
    }
    if (quoted) throw new Error("a quoted field does not end");
    if (field !== "" || row.length > 0) rows.push([...row, field]);
    return rows.filter(r => r.length > 1 || r[0] !== "");
}

/** The results in the files, each file recognized by its header. */
export function readResults(files: string[]): FlowLogResults {
    const results: FlowLogResults = {};
    for (const file of files) {
        let rows: string[][];
        try {
            rows = parseCsv(readFileSync(file, "utf8"));
        } catch (error) {
            throw new PreviewError(`${file} cannot be read as CSV: ${oneLine(error)}`);
        }
        const [header = [], ...records] = rows;
        const query = queryOfColumns(header);
        if (query === undefined) {
            const known = FLOW_LOG_QUERY_KEYS.map(key => `${key}: ${QUERY_COLUMNS[key].join(",")}`).join("; ");
            throw new PreviewError(`${file} has columns ${header.join(",") || "none"}, not those of a flow-log query (${known})`);
        }
        if (results[query]) throw new PreviewError(`${file} is a second ${query} result: give each query's result once`);
        results[query] = records.map(record => Object.fromEntries(header.map((column, i) => [column, record[i]])) as ResultRow);
    }
    return results;
}

const round = (gb: number) => Math.round(gb * 100) / 100;

/** The section as YAML, under comments that say what was measured, what it costs and what was kept. */
function renderTraffic(measured: MeasuredTraffic, profile: TrafficProfile, keptFrom: string): string {
    const cost = measuredMonthlyCost(measured);
    const first = measured.days[0];
    const last = measured.days.at(-1)!;
    const lines = [`# Measured by VPC flow logs over ${measured.days.length} day(s), ${first}${first === last ? "" : ` to ${last}`}, per 30-day month.`];
    if (cost.crossAzTransfer !== undefined) {
        lines.push(`# Cross-AZ transfer: ${formatGbPerMonth(measured.crossAzGbPerMonth!)}, ${formatMonthlyUsd(cost.crossAzTransfer)} ($0.02/GB, both directions).`);
    }
    if (cost.natProcessing !== undefined) lines.push(`# NAT processing: ${formatGbPerMonth(measured.natGbPerMonth!)}, ${formatMonthlyUsd(cost.natProcessing)} ($0.045/GB).`);
    if (cost.natProcessingOfAwsServices !== undefined) {
        const viaNat = Object.entries(measured.awsServiceGbPerMonth!).filter(([, v]) => v.viaNat > 0)
            .map(([service, v]) => `${service} ${formatGbPerMonth(v.viaNat)}`);
        lines.push(`# AWS services through NAT, bypassing endpoints: ${viaNat.join(", ") || "none"}; ${formatMonthlyUsd(cost.natProcessingOfAwsServices)} of NAT processing.`);
    }
    const measuredSet = new Set(measuredKeys(measured));
    const kept = ["eastWestGbPerMonth", ...AWS_TRAFFIC_SERVICES.map(s => `awsServiceGbPerMonth.${s}`), "internetEgressGbPerMonth", "northSouthGbPerMonth"]
        .filter(key => !measuredSet.has(key));
    if (kept.length > 0) lines.push(`# Not measured, ${keptFrom}: ${kept.join(", ")}.`);
    const rounded: TrafficProfile = {
        eastWestGbPerMonth: round(profile.eastWestGbPerMonth),
        awsServiceGbPerMonth: Object.fromEntries(Object.entries(profile.awsServiceGbPerMonth).map(([k, v]) => [k, round(v)])) as TrafficProfile["awsServiceGbPerMonth"],
        internetEgressGbPerMonth: round(profile.internetEgressGbPerMonth),
        northSouthGbPerMonth: round(profile.northSouthGbPerMonth),
    };
    return `${lines.join("\n")}\n${stringify(rounded)}`;
}

function main(argv: string[]): number {
    let parsed;
    try {
        parsed = parseArgs({ args: argv, allowPositionals: true, options: { stack: { type: "string" }, help: { type: "boolean", short: "h", default: false } }, strict: true });
    } catch (error) {
        throw new PreviewError(`${oneLine(error)}; run with --help for usage`);
    }
    if (parsed.values.help) {
        process.stdout.write(HELP + "\n");
        return 0;
    }
    if (parsed.positionals.length === 0) throw new PreviewError(`give at least one query result file; ${USAGE}`);
    let measured: MeasuredTraffic;
    try {
        measured = measureTraffic(readResults(parsed.positionals));
    } catch (error) {
        throw error instanceof PreviewError ? error : new PreviewError(oneLine(error));
    }
    const stack = parsed.values.stack;
    const current = stack === undefined ? trafficProfile() : readTraffic(loadStackSettings(PROJECT_ROOT, stack)).profile;
    const keptFrom = stack === undefined ? "0 (give --stack to keep a stack's figures)" : `kept from Pulumi.${stack}.yaml`;
    process.stdout.write(renderTraffic(measured, measuredTrafficProfile(measured, current), keptFrom));
    return 0;
}

if (require.main === module) {
    try {
        process.exitCode = main(process.argv.slice(2));
    } catch (error) {
        process.stderr.write(`traffic:from-flow-logs: ${error instanceof PreviewError ? error.message : oneLine(error)}\n`);
        process.exitCode = 2;
    }
}
