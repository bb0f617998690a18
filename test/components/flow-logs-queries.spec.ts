/**
 * The named queries' SQL, run as rendered (the very text the FlowLogs component gives Athena) on a
 * small flow log written for the test (test/fixtures/flow-logs/sample.txt), in DuckDB. DuckDB runs
 * this Trino text unchanged; a query that counts a byte twice, misses a hop or puts it in the
 * wrong AZ returns other numbers than the ones stated here.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import {
    DAY_COLUMN, FLOW_LOG_COLUMNS, FLOW_LOG_FIELDS, FLOW_LOG_TABLE, FlowLogLayout, FlowLogQueryKey, flowLogQueries, QUERY_COLUMNS,
} from "../../components/flow-log-queries";
import { measuredMonthlyCost, measuredTrafficProfile, measureTraffic } from "../../components/flow-log-traffic";
import { trafficProfile } from "../../policies/lib/cost-model";

const SAMPLE = path.join(__dirname, "..", "fixtures", "flow-logs", "sample.txt");

/** The sample's VPC, as the FlowLogs component would describe it (see the fixture's header). */
const LAYOUT: FlowLogLayout = {
    vpcCidr: "10.0.0.0/16",
    subnets: [
        { id: "subnet-0priv1", cidr: "10.0.0.0/19", azId: "use1-az1", tier: "private" },
        { id: "subnet-0priv2", cidr: "10.0.32.0/19", azId: "use1-az2", tier: "private" },
        { id: "subnet-0priv3", cidr: "10.0.64.0/19", azId: "use1-az3", tier: "private" },
        { id: "subnet-0pub1", cidr: "10.0.224.0/22", azId: "use1-az1", tier: "public" },
        { id: "subnet-0pub2", cidr: "10.0.228.0/22", azId: "use1-az2", tier: "public" },
        { id: "subnet-0pub3", cidr: "10.0.232.0/22", azId: "use1-az3", tier: "public" },
    ],
    natGatewayInterfaceIds: ["eni-0nat1"],
};

const DUCKDB_TYPES: Record<string, string> = { int: "INTEGER", bigint: "BIGINT", string: "VARCHAR" };

/** yyyy/MM/dd of a Unix time: the S3 prefix (and `day` partition) of the file a record is delivered in. */
const deliveryDay = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10).replaceAll("-", "/");

/**
 * The sample's records as table rows. `-` in a number field is NULL; in a text field it stays `-`
 * as plain text has it, or, with dashAsNull, becomes NULL as a Parquet reader may give it.
 */
function sampleRows(dashAsNull: boolean): (string | number | null)[][] {
    const [header, ...records] = readFileSync(SAMPLE, "utf8").split("\n").filter(line => line !== "" && !line.startsWith("#"));
    assert.deepEqual(header.split(" "), Object.keys(FLOW_LOG_FIELDS), "the sample is in the component's log format");
    return records.map(record => {
        const values = record.split(" ");
        const row = FLOW_LOG_COLUMNS.map(({ type }, i) =>
            values[i] === "-" ? (type === "string" && !dashAsNull ? "-" : null) : type === "string" ? values[i] : Number(values[i]));
        return [...row, deliveryDay(Number(values[Object.keys(FLOW_LOG_FIELDS).indexOf("start")]))];
    });
}

async function loadSample(connection: DuckDBConnection, dashAsNull: boolean): Promise<void> {
    const columns = [...FLOW_LOG_COLUMNS.map(c => `"${c.name}" ${DUCKDB_TYPES[c.type]}`), `${DAY_COLUMN} VARCHAR`];
    await connection.run(`CREATE OR REPLACE TABLE ${FLOW_LOG_TABLE} (${columns.join(", ")})`);
    const placeholders = columns.map(() => "?").join(", ");
    for (const row of sampleRows(dashAsNull)) await connection.run(`INSERT INTO ${FLOW_LOG_TABLE} VALUES (${placeholders})`, row);
}

const D1 = "2025/03/01";
const D2 = "2025/03/02";

const EXPECTED: Record<FlowLogQueryKey, unknown[][]> = {
    // day, src subnet, tier, AZ, dst subnet, tier, AZ, cross_az, GB
    "cross-az-by-subnet": [
        [D1, "subnet-0priv1", "private", "use1-az1", "subnet-0priv2", "private", "use1-az2", true, 2], // 1: once, not from both records
        [D1, "subnet-0priv2", "private", "use1-az2", "subnet-0priv1", "private", "use1-az1", true, 1.5], // 2 + 3 (the pod's own address)
        [D1, "subnet-0priv2", "private", "use1-az2", "subnet-0pub1", "public", "use1-az1", true, 0.375], // 5, 6: into the NAT gateway in another AZ
        [D1, "subnet-0pub1", "public", "use1-az1", "subnet-0priv2", "private", "use1-az2", true, 4], // 5, 6: the answers back from it
        [D1, "subnet-0pub3", "public", "use1-az3", "subnet-0priv1", "private", "use1-az1", true, 1], // 9: load balancer to target
        [D1, "subnet-0priv1", "private", "use1-az1", "subnet-0pub3", "public", "use1-az3", true, 2], // 9: and back
        [D1, "subnet-0priv1", "private", "use1-az1", "subnet-0priv1", "private", "use1-az1", false, 4], // 4
        [D1, "subnet-0priv1", "private", "use1-az1", "subnet-0pub1", "public", "use1-az1", false, 0.5], // 10: NAT gateway in the same AZ
        [D1, "subnet-0pub1", "public", "use1-az1", "subnet-0priv1", "private", "use1-az1", false, 0.25],
        [D2, "subnet-0priv1", "private", "use1-az1", "subnet-0priv2", "private", "use1-az2", true, 1], // 13
    ],
    // every byte into the NAT gateway once: 5 (0.25 + 3), 6 (0.125 + 1), 10 (0.5 + 0.25)
    "nat-gateway-by-az": [[D1, "use1-az1", 5.125]],
    // day, service, every path from the private subnets, through NAT
    "aws-services": [
        [D1, "AMAZON", 0.75, 0.75], // 10
        [D1, "DYNAMODB", 0.25, 0], // 8: gateway endpoint
        [D1, "S3", 3.625, 1.125], // 6 through NAT, 7 through the gateway endpoint
    ],
};

const byText = (a: unknown[], b: unknown[]) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe("flow-log named queries on a sample flow log (DuckDB)", function () {
    this.timeout(30_000);
    const queries = flowLogQueries(LAYOUT);
    let instance: DuckDBInstance;
    let connection: DuckDBConnection;
    const run = async (key: FlowLogQueryKey) => {
        const reader = await connection.runAndReadAll(queries[key]);
        return { columns: reader.columnNames(), rows: reader.getRowsJS() as unknown[][], objects: reader.getRowObjectsJS() };
    };

    before(async () => {
        instance = await DuckDBInstance.create(":memory:");
        connection = await instance.connect();
    });
    after(() => {
        connection?.closeSync();
        instance?.closeSync();
    });

    for (const dashAsNull of [false, true]) {
        describe(dashAsNull ? "with '-' read as NULL (as from Parquet)" : "with '-' kept in text fields (as in plain text)", () => {
            before(() => loadSample(connection, dashAsNull));

            for (const key of Object.keys(EXPECTED) as FlowLogQueryKey[]) {
                it(`${key} returns its columns and the sample's figures`, async () => {
                    const { columns, rows } = await run(key);
                    assert.deepEqual(columns, QUERY_COLUMNS[key]);
                    assert.deepEqual([...rows].sort(byText), [...EXPECTED[key]].sort(byText));
                });
            }

            it("cross-az-by-subnet lists each day's cross-AZ pairs first, largest first", async () => {
                const { rows } = await run("cross-az-by-subnet");
                const day1 = rows.filter(row => row[0] === D1);
                assert.deepEqual(day1.map(row => row[7]), [true, true, true, true, true, true, false, false, false]);
                assert.deepEqual(day1.slice(0, 6).map(row => row[8]), [4, 2, 2, 1.5, 1, 0.375]);
                assert.equal(rows.at(-1)![0], D2);
            });
        });
    }

    it("without NAT gateways the NAT query returns nothing and nothing counts as through NAT", async () => {
        await loadSample(connection, false);
        const withoutNat = flowLogQueries({ ...LAYOUT, natGatewayInterfaceIds: [] });
        assert.deepEqual((await connection.runAndReadAll(withoutNat["nat-gateway-by-az"])).getRowsJS(), []);
        const services = (await connection.runAndReadAll(withoutNat["aws-services"])).getRowsJS();
        assert.deepEqual(services.map(row => row[3]), [0, 0, 0]);
    });

    it("prices the results with the cost model and turns them into the traffic section", async () => {
        await loadSample(connection, false);
        const measured = measureTraffic({
            "cross-az-by-subnet": (await run("cross-az-by-subnet")).objects,
            "nat-gateway-by-az": (await run("nat-gateway-by-az")).objects,
            "aws-services": (await run("aws-services")).objects,
        });
        // two days: x 15 for a 30-day month
        assert.deepEqual(measured, {
            days: [D1, D2],
            crossAzGbPerMonth: 11.875 * 15,
            eastWestGbPerMonth: 8.5 * 15,
            natGbPerMonth: 5.125 * 15,
            awsServiceGbPerMonth: {
                AMAZON: { total: 0.75 * 15, viaNat: 0.75 * 15 },
                DYNAMODB: { total: 0.25 * 15, viaNat: 0 },
                S3: { total: 3.625 * 15, viaNat: 1.125 * 15 },
            },
        });
        const cost = measuredMonthlyCost(measured);
        assert.ok(Math.abs(cost.crossAzTransfer! - 178.125 * 0.02) < 1e-9, `cross-AZ $${cost.crossAzTransfer}`);
        assert.ok(Math.abs(cost.natProcessing! - 76.875 * 0.045) < 1e-9, `NAT $${cost.natProcessing}`);
        assert.ok(Math.abs(cost.natProcessingOfAwsServices! - (16.875 + 11.25) * 0.045) < 1e-9, `AWS via NAT $${cost.natProcessingOfAwsServices}`);
        const prod = trafficProfile({ eastWestGbPerMonth: 10000, awsServiceGbPerMonth: { s3: 800, ecr: 800, logs: 400 }, internetEgressGbPerMonth: 500, northSouthGbPerMonth: 2000 });
        assert.deepEqual(measuredTrafficProfile(measured, prod), {
            eastWestGbPerMonth: 127.5,
            awsServiceGbPerMonth: { s3: 54.375, ecr: 0, logs: 400, sts: 0, dynamodb: 3.75 },
            internetEgressGbPerMonth: 60, // 76.875 through NAT less 16.875 of S3
            northSouthGbPerMonth: 2000,
        });
    });
});
