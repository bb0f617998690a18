/**
 * The flow-log table's columns and the Athena named queries that read it, in Athena's (Trino) SQL.
 *
 * A flow-log record is written by one network interface and names only that interface's zone
 * (`az-id`). The other side's zone comes from its address: each query carries the VPC's subnets
 * (address range as numbers, AZ id, tier) as a VALUES list rendered from the Network's layout.
 * Pure, so the FlowLogs component renders the queries from resource outputs and the tests run the
 * very same text on a sample in DuckDB (test/components/flow-logs-queries.spec.ts).
 *
 * Which record counts a byte once (a hop between two interfaces of the VPC is logged by both):
 * - the sender's egress record, whose dstaddr is the next interface (a workload, a load balancer,
 *   or a NAT gateway sending to a workload);
 * - a NAT gateway's ingress record from a workload: the workload's own egress record names the
 *   far address (pkt-dstaddr, outside the VPC), not the NAT gateway, so only this one sees the hop.
 * Every byte through a NAT gateway enters its interface once: its ingress records are what NAT
 * processing bills. Rows are GB per day (1 GB = 2^30 bytes, as AWS bills), by the `day` partition,
 * the day the log file was delivered.
 */
import * as ipaddr from "ipaddr.js";

/**
 * The custom log format's fields, version 2 to 5, in order, with their Parquet types: the AZ of the
 * interface (`az-id`, or `sublocation-type`/`sublocation-id` in a Local Zone or on an Outpost), the
 * direction and egress path, and the AWS service on either end. Parquet names them with underscores.
 */
export const FLOW_LOG_FIELDS = {
    "version": "int",
    "account-id": "string",
    "interface-id": "string",
    "srcaddr": "string",
    "dstaddr": "string",
    "srcport": "int",
    "dstport": "int",
    "protocol": "int",
    "packets": "bigint",
    "bytes": "bigint",
    "start": "bigint",
    "end": "bigint",
    "action": "string",
    "log-status": "string",
    "vpc-id": "string",
    "subnet-id": "string",
    "instance-id": "string",
    "tcp-flags": "int",
    "type": "string",
    "pkt-srcaddr": "string",
    "pkt-dstaddr": "string",
    "region": "string",
    "az-id": "string",
    "sublocation-type": "string",
    "sublocation-id": "string",
    "pkt-src-aws-service": "string",
    "pkt-dst-aws-service": "string",
    "flow-direction": "string",
    "traffic-path": "int",
} as const;

/** `${version} ${account-id} ...`: the flow log's logFormat. */
export const FLOW_LOG_FORMAT = Object.keys(FLOW_LOG_FIELDS).map(field => `\${${field}}`).join(" ");

/** The table's columns: the fields as Parquet names them. */
export const FLOW_LOG_COLUMNS = Object.entries(FLOW_LOG_FIELDS).map(([field, type]) => ({ name: field.replaceAll("-", "_"), type }));

/** The Glue table the queries read, in the FlowLogs component's database. */
export const FLOW_LOG_TABLE = "vpc_flow_logs";

/** The table's partition column: the delivery day as the S3 prefix spells it, yyyy/MM/dd. */
export const DAY_COLUMN = "day";

/** A subnet of the VPC as the queries see it. */
export interface SubnetZone {
    id: string;
    cidr: string;
    /** The AZ id (use1-az1), the name flow-log records use: AZ names differ between accounts. */
    azId: string;
    tier: "public" | "private";
}

/** What the queries know about the VPC. */
export interface FlowLogLayout {
    vpcCidr: string;
    subnets: SubnetZone[];
    /** Network interfaces of the NAT gateways; empty without NAT. */
    natGatewayInterfaceIds: string[];
}

export const FLOW_LOG_QUERY_KEYS = ["cross-az-by-subnet", "nat-gateway-by-az", "aws-services"] as const;
export type FlowLogQueryKey = (typeof FLOW_LOG_QUERY_KEYS)[number];

/** The columns each query returns, in order: how a result file is recognized (components/flow-log-traffic.ts). */
export const QUERY_COLUMNS: Record<FlowLogQueryKey, readonly string[]> = {
    "cross-az-by-subnet": ["day", "src_subnet_id", "src_tier", "src_az_id", "dst_subnet_id", "dst_tier", "dst_az_id", "cross_az", "gb"],
    "nat-gateway-by-az": ["day", "nat_az_id", "gb"],
    "aws-services": ["day", "aws_service", "gb_total", "gb_via_nat"],
};

/** What each query returns, for the Athena console. */
export const QUERY_DESCRIPTIONS: Record<FlowLogQueryKey, string> = {
    "cross-az-by-subnet": "GB per day between each pair of subnets, with their AZ ids; cross_az marks the pairs in different AZs",
    "nat-gateway-by-az": "GB per day the NAT gateways processed, by the AZ of the NAT gateway",
    "aws-services": "GB per day between the private subnets and AWS service ranges: every path (gb_total) and through NAT gateways, bypassing endpoints (gb_via_nat)",
};

/** The named queries' SQL for one VPC. */
export function flowLogQueries(layout: FlowLogLayout): Record<FlowLogQueryKey, string> {
    return {
        "cross-az-by-subnet": crossAzBySubnet(layout),
        "nat-gateway-by-az": natGatewayByAz(layout),
        "aws-services": awsServices(layout),
    };
}

const GIB = 1073741824;
const gb = (expression: string) => `CAST(sum(${expression}) AS double) / ${GIB}`;
const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
/** `column IN ('a', 'b')`, or false for an empty list (SQL has no empty IN list). */
const isIn = (column: string, values: string[]) => values.length === 0 ? "false" : `${column} IN (${values.map(quote).join(", ")})`;
/** The interface's zone: its AZ id, or its Local Zone or Outpost id (az-id is '-' there). */
const ZONE = "coalesce(nullif(az_id, '-'), sublocation_id)";

/** An IPv4 address column as a number; NULL for IPv6 and '-' (try_cast). */
function ipv4Number(column: string): string {
    return [16777216, 65536, 256, 1].map((factor, i) => `try_cast(split_part(${column}, '.', ${i + 1}) AS bigint) * ${factor}`).join(" + ");
}

/** First and last address of a CIDR block as numbers. */
function addressRange(cidr: string): [number, number] {
    const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
    const first = address.octets.reduce((n, octet) => n * 256 + octet, 0);
    return [first, first + 2 ** (32 - prefix) - 1];
}

function subnetsValues(layout: FlowLogLayout): string {
    const rows = layout.subnets.map(subnet => {
        const [first, last] = addressRange(subnet.cidr);
        return `        (${quote(subnet.id)}, ${quote(subnet.tier)}, ${quote(subnet.azId)}, ${first}, ${last})`;
    });
    return `subnets (subnet_id, tier, az_id, first_ip, last_ip) AS (\n    VALUES\n${rows.join(",\n")}\n)`;
}

function crossAzBySubnet(layout: FlowLogLayout): string {
    const [vpcFirst, vpcLast] = addressRange(layout.vpcCidr);
    return `-- GB per day between subnets of ${layout.vpcCidr}, each hop once: the sender's egress record, or a
-- NAT gateway's ingress record from a workload (whose own record names the far address instead).
WITH ${subnetsValues(layout)},
records AS (
    SELECT
        ${DAY_COLUMN},
        flow_direction,
        subnet_id,
        ${ZONE} AS zone_id,
        bytes,
        CASE WHEN flow_direction = 'egress' THEN dstaddr ELSE srcaddr END AS peer_addr,
        pkt_dstaddr
    FROM ${FLOW_LOG_TABLE}
),
numbered AS (
    SELECT
        records.*,
        ${ipv4Number("peer_addr")} AS peer_ip,
        ${ipv4Number("pkt_dstaddr")} AS pkt_dst_ip
    FROM records
),
hops AS (
    SELECT
        numbered.${DAY_COLUMN},
        numbered.flow_direction,
        numbered.subnet_id AS own_subnet_id,
        coalesce(own.tier, 'unknown') AS own_tier,
        numbered.zone_id AS own_zone_id,
        peer.subnet_id AS peer_subnet_id,
        peer.tier AS peer_tier,
        peer.az_id AS peer_zone_id,
        numbered.bytes
    FROM numbered
    JOIN subnets peer ON numbered.peer_ip BETWEEN peer.first_ip AND peer.last_ip
    LEFT JOIN subnets own ON own.subnet_id = numbered.subnet_id
    WHERE numbered.flow_direction = 'egress'
        OR (numbered.flow_direction = 'ingress' AND numbered.pkt_dst_ip NOT BETWEEN ${vpcFirst} AND ${vpcLast})
),
oriented AS (
    SELECT
        ${DAY_COLUMN},
        CASE WHEN flow_direction = 'egress' THEN own_subnet_id ELSE peer_subnet_id END AS src_subnet_id,
        CASE WHEN flow_direction = 'egress' THEN own_tier ELSE peer_tier END AS src_tier,
        CASE WHEN flow_direction = 'egress' THEN own_zone_id ELSE peer_zone_id END AS src_az_id,
        CASE WHEN flow_direction = 'egress' THEN peer_subnet_id ELSE own_subnet_id END AS dst_subnet_id,
        CASE WHEN flow_direction = 'egress' THEN peer_tier ELSE own_tier END AS dst_tier,
        CASE WHEN flow_direction = 'egress' THEN peer_zone_id ELSE own_zone_id END AS dst_az_id,
        bytes
    FROM hops
)
SELECT
    ${DAY_COLUMN},
    src_subnet_id, src_tier, src_az_id,
    dst_subnet_id, dst_tier, dst_az_id,
    src_az_id <> dst_az_id AS cross_az,
    ${gb("bytes")} AS gb
FROM oriented
GROUP BY ${DAY_COLUMN}, src_subnet_id, src_tier, src_az_id, dst_subnet_id, dst_tier, dst_az_id
ORDER BY ${DAY_COLUMN}, cross_az DESC, gb DESC
`;
}

function natGatewayByAz(layout: FlowLogLayout): string {
    return `-- GB per day the NAT gateways processed, by their AZ: every byte enters a NAT gateway's interface
-- once, from a workload or from the far end, so its ingress records are what NAT processing bills.
WITH nat_records AS (
    SELECT ${DAY_COLUMN}, ${ZONE} AS nat_az_id, bytes
    FROM ${FLOW_LOG_TABLE}
    WHERE ${isIn("interface_id", layout.natGatewayInterfaceIds)}
        AND flow_direction = 'ingress'
)
SELECT ${DAY_COLUMN}, nat_az_id, ${gb("bytes")} AS gb
FROM nat_records
GROUP BY ${DAY_COLUMN}, nat_az_id
ORDER BY ${DAY_COLUMN}, nat_az_id
`;
}

function awsServices(layout: FlowLogLayout): string {
    const privateSubnetIds = layout.subnets.filter(s => s.tier === "private").map(s => s.id);
    return `-- GB per day between workloads and AWS service ranges (pkt-src/dst-aws-service): gb_total from the
-- private subnets' interfaces, whatever the path; gb_via_nat from the NAT gateways' ingress records,
-- the bytes that bypass VPC endpoints and pay NAT processing. AMAZON and EC2 are catch-all ranges.
WITH records AS (
    SELECT
        ${DAY_COLUMN},
        coalesce(nullif(pkt_dst_aws_service, '-'), nullif(pkt_src_aws_service, '-')) AS aws_service,
        ${isIn("subnet_id", privateSubnetIds)} AS at_workload,
        ${isIn("interface_id", layout.natGatewayInterfaceIds)} AND flow_direction = 'ingress' AS into_nat,
        bytes
    FROM ${FLOW_LOG_TABLE}
)
SELECT
    ${DAY_COLUMN},
    aws_service,
    ${gb("CASE WHEN at_workload THEN bytes ELSE 0 END")} AS gb_total,
    ${gb("CASE WHEN into_nat THEN bytes ELSE 0 END")} AS gb_via_nat
FROM records
WHERE aws_service IS NOT NULL AND (at_workload OR into_nat)
GROUP BY ${DAY_COLUMN}, aws_service
ORDER BY ${DAY_COLUMN}, gb_via_nat DESC, aws_service
`;
}
