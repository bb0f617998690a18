/**
 * From the flow-log queries' results (components/flow-log-queries.ts) to monthly volumes, to
 * dollars priced by the cost model's own functions, and to the stack's `traffic` section, so the
 * cost report and `network.endpoints: auto` work from measured rather than typed-in volumes.
 *
 * A month is 30 days (HOURS_PER_MONTH / 24): each volume is its total over the days the results
 * cover, divided by that day count, times 30.
 */
import { crossAzTransferCost, natProcessingCost, TrafficProfile } from "../policies/lib/cost-model";
import { HOURS_PER_MONTH } from "../policies/lib/prices";
import { FLOW_LOG_QUERY_KEYS, FlowLogQueryKey, QUERY_COLUMNS } from "./flow-log-queries";

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** One result row by column name: text from Athena's CSV, or typed values from an SQL engine. */
export type ResultRow = Record<string, unknown>;

/** Query results by query; any of them may be missing. */
export type FlowLogResults = Partial<Record<FlowLogQueryKey, ResultRow[]>>;

/** Flow-log service codes whose bytes the traffic section has a key for. */
const TRAFFIC_KEY_OF_SERVICE: Record<string, "s3" | "dynamodb"> = { S3: "s3", DYNAMODB: "dynamodb" };

/** GB per month measured; a volume is undefined when the result it comes from was not given. */
export interface MeasuredTraffic {
    /** The days the results cover (yyyy/MM/dd), sorted. */
    days: string[];
    /** Every hop between two AZs of the VPC, whatever the subnets' tiers. */
    crossAzGbPerMonth?: number;
    /** Hops between private subnets, in-zone or not: the workloads' east-west traffic. */
    eastWestGbPerMonth?: number;
    /** Bytes the NAT gateways processed. */
    natGbPerMonth?: number;
    /** By flow-log service code (S3, DYNAMODB, AMAZON, ...): every path, and the part through NAT gateways. */
    awsServiceGbPerMonth?: Record<string, { total: number; viaNat: number }>;
}

/** The query whose result has exactly these columns, in order (Athena's CSV header). */
export function queryOfColumns(columns: readonly string[]): FlowLogQueryKey | undefined {
    return FLOW_LOG_QUERY_KEYS.find(key => QUERY_COLUMNS[key].join(",") === columns.join(","));
}

const number = (value: unknown) => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`not a number: ${JSON.stringify(value)}`);
    return n;
};
const isTrue = (value: unknown) => value === true || value === "true";
const sum = (rows: ResultRow[], column: string) => rows.reduce((total, row) => total + number(row[column]), 0);

/** Monthly volumes from whichever results are given. Throws when none has a row. */
export function measureTraffic(results: FlowLogResults): MeasuredTraffic {
    const days = [...new Set(Object.values(results).flat().map(row => String(row!.day)))].sort();
    if (days.length === 0) throw new Error("the results have no rows: nothing was measured");
    const perMonth = (gb: number) => gb / days.length * DAYS_PER_MONTH;
    const measured: MeasuredTraffic = { days };
    const pairs = results["cross-az-by-subnet"];
    if (pairs) {
        measured.crossAzGbPerMonth = perMonth(sum(pairs.filter(row => isTrue(row.cross_az)), "gb"));
        measured.eastWestGbPerMonth = perMonth(sum(pairs.filter(row => row.src_tier === "private" && row.dst_tier === "private"), "gb"));
    }
    const nat = results["nat-gateway-by-az"];
    if (nat) measured.natGbPerMonth = perMonth(sum(nat, "gb"));
    const services = results["aws-services"];
    if (services) {
        measured.awsServiceGbPerMonth = {};
        for (const row of services) {
            const service = String(row.aws_service);
            const volumes = measured.awsServiceGbPerMonth[service] ??= { total: 0, viaNat: 0 };
            volumes.total += perMonth(number(row.gb_total));
            volumes.viaNat += perMonth(number(row.gb_via_nat));
        }
    }
    return measured;
}

/** Measured monthly dollars, each from the cost model's function for that charge. */
export interface MeasuredCost {
    /** crossAzTransferCost of every cross-AZ GB (billed out of one AZ and into the other). */
    crossAzTransfer?: number;
    /** natProcessingCost of every GB the NAT gateways processed. */
    natProcessing?: number;
    /** The part of natProcessing spent on AWS-service traffic that a VPC endpoint could take. */
    natProcessingOfAwsServices?: number;
}

export function measuredMonthlyCost(measured: MeasuredTraffic): MeasuredCost {
    const viaNat = measured.awsServiceGbPerMonth && Object.values(measured.awsServiceGbPerMonth).reduce((total, v) => total + v.viaNat, 0);
    return {
        crossAzTransfer: measured.crossAzGbPerMonth === undefined ? undefined : crossAzTransferCost(measured.crossAzGbPerMonth, 1),
        natProcessing: measured.natGbPerMonth === undefined ? undefined : natProcessingCost(measured.natGbPerMonth),
        natProcessingOfAwsServices: viaNat === undefined ? undefined : natProcessingCost(viaNat),
    };
}

/**
 * The traffic section with the measured volumes in place of `current`'s (the stack's, or zeros):
 * - eastWestGbPerMonth: hops between private subnets;
 * - awsServiceGbPerMonth.s3 and .dynamodb: their address ranges, every path; ecr becomes 0 when
 *   S3 is measured (image layers are S3 objects, already in s3); logs and sts stay: flow logs put
 *   them in the catch-all AMAZON range, through an interface endpoint they are not seen at all;
 * - internetEgressGbPerMonth: NAT-processed bytes less S3 and DynamoDB through NAT (so the AMAZON
 *   range, CloudWatch Logs and STS included, is priced as NAT-bound, as it is without endpoints);
 * - northSouthGbPerMonth stays.
 */
export function measuredTrafficProfile(measured: MeasuredTraffic, current: TrafficProfile): TrafficProfile {
    const profile: TrafficProfile = { ...current, awsServiceGbPerMonth: { ...current.awsServiceGbPerMonth } };
    if (measured.eastWestGbPerMonth !== undefined) profile.eastWestGbPerMonth = measured.eastWestGbPerMonth;
    const services = measured.awsServiceGbPerMonth;
    if (services) {
        for (const [code, key] of Object.entries(TRAFFIC_KEY_OF_SERVICE)) profile.awsServiceGbPerMonth[key] = services[code]?.total ?? 0;
        profile.awsServiceGbPerMonth.ecr = 0;
    }
    if (measured.natGbPerMonth !== undefined) {
        const awsViaNat = Object.keys(TRAFFIC_KEY_OF_SERVICE).reduce((total, code) => total + (services?.[code]?.viaNat ?? 0), 0);
        profile.internetEgressGbPerMonth = Math.max(measured.natGbPerMonth - awsViaNat, 0);
    }
    return profile;
}

/** The traffic keys the measurement set (the rest kept their current value). */
export function measuredKeys(measured: MeasuredTraffic): string[] {
    return [
        ...(measured.eastWestGbPerMonth !== undefined ? ["eastWestGbPerMonth"] : []),
        ...(measured.awsServiceGbPerMonth ? [...Object.values(TRAFFIC_KEY_OF_SERVICE), "ecr"].map(key => `awsServiceGbPerMonth.${key}`) : []),
        ...(measured.natGbPerMonth !== undefined ? ["internetEgressGbPerMonth"] : []),
    ];
}
