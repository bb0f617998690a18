import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { parseCsv, readResults } from "../../automation/traffic-from-flow-logs";
import { parseStackConfig } from "../../components/config";
import { FlowLogQueryKey, QUERY_COLUMNS } from "../../components/flow-log-queries";
import { measureTraffic } from "../../components/flow-log-traffic";
import { npmRun } from "../helpers/npm-run";

/** A result as Athena's console downloads it: every field quoted, booleans as true/false, doubles with a fraction. */
const athenaCsv = (key: FlowLogQueryKey, rows: unknown[][]) =>
    [QUERY_COLUMNS[key], ...rows].map(row => row.map(v => `"${typeof v === "number" && Number.isInteger(v) ? `${v}.0` : String(v)}"`).join(",")).join("\n") + "\n";

/** The sample flow log's results (test/components/flow-logs-queries.spec.ts), over two days. */
const RESULTS: Record<FlowLogQueryKey, unknown[][]> = {
    "cross-az-by-subnet": [
        ["2025/03/01", "subnet-0pub1", "public", "use1-az1", "subnet-0priv2", "private", "use1-az2", true, 4],
        ["2025/03/01", "subnet-0priv1", "private", "use1-az1", "subnet-0priv2", "private", "use1-az2", true, 2],
        ["2025/03/01", "subnet-0priv1", "private", "use1-az1", "subnet-0pub3", "public", "use1-az3", true, 2],
        ["2025/03/01", "subnet-0priv2", "private", "use1-az2", "subnet-0priv1", "private", "use1-az1", true, 1.5],
        ["2025/03/01", "subnet-0pub3", "public", "use1-az3", "subnet-0priv1", "private", "use1-az1", true, 1],
        ["2025/03/01", "subnet-0priv2", "private", "use1-az2", "subnet-0pub1", "public", "use1-az1", true, 0.375],
        ["2025/03/01", "subnet-0priv1", "private", "use1-az1", "subnet-0priv1", "private", "use1-az1", false, 4],
        ["2025/03/01", "subnet-0priv1", "private", "use1-az1", "subnet-0pub1", "public", "use1-az1", false, 0.5],
        ["2025/03/01", "subnet-0pub1", "public", "use1-az1", "subnet-0priv1", "private", "use1-az1", false, 0.25],
        ["2025/03/02", "subnet-0priv1", "private", "use1-az1", "subnet-0priv2", "private", "use1-az2", true, 1],
    ],
    "nat-gateway-by-az": [["2025/03/01", "use1-az1", 5.125]],
    "aws-services": [["2025/03/01", "S3", 3.625, 1.125], ["2025/03/01", "AMAZON", 0.75, 0.75], ["2025/03/01", "DYNAMODB", 0.25, 0]],
};

function writeResults(keys: FlowLogQueryKey[]): string[] {
    const dir = mkdtempSync(path.join(tmpdir(), "flow-log-results-"));
    return keys.map(key => {
        const file = path.join(dir, `${key}.csv`);
        writeFileSync(file, athenaCsv(key, RESULTS[key]));
        return file;
    });
}

describe("npm run traffic:from-flow-logs", function () {
    this.timeout(60_000);

    it("reads Athena's CSV: quoted fields, commas and quotes inside them, CRLF line ends", () => {
        assert.deepEqual(parseCsv('"a","b,c"\r\n"say ""hi""",""\r\n'), [["a", "b,c"], ['say "hi"', ""]]);
        assert.deepEqual(parseCsv("x,y\n1,2"), [["x", "y"], ["1", "2"]]);
        assert.throws(() => parseCsv('"open'), /does not end/);
    });

    it("knows each result by its header, and refuses a file that is none of them or a result given twice", () => {
        const [pairs, nat] = writeResults(["cross-az-by-subnet", "nat-gateway-by-az"]);
        const results = readResults([nat, pairs]);
        assert.deepEqual(Object.keys(results).sort(), ["cross-az-by-subnet", "nat-gateway-by-az"]);
        assert.deepEqual(results["nat-gateway-by-az"], [{ day: "2025/03/01", nat_az_id: "use1-az1", gb: "5.125" }]);
        assert.throws(() => readResults([pairs, pairs]), /is a second cross-az-by-subnet result: give each query's result once/);
        const other = path.join(path.dirname(pairs), "other.csv");
        writeFileSync(other, '"day","bytes"\n"2025/03/01","1"\n');
        assert.throws(() => readResults([other]), /other\.csv has columns day,bytes, not those of a flow-log query \(cross-az-by-subnet: day,src_subnet_id,/);
    });

    it("prints the measured traffic section over prod's unmeasured figures, priced, valid for --traffic", async () => {
        const run = await npmRun("traffic:from-flow-logs", ["--stack", "prod", ...writeResults(["cross-az-by-subnet", "nat-gateway-by-az", "aws-services"])]);
        assert.equal(run.code, 0, run.stderr);
        const comments = run.stdout.split("\n").filter(line => line.startsWith("#"));
        assert.deepEqual(comments, [
            "# Measured by VPC flow logs over 2 day(s), 2025/03/01 to 2025/03/02, per 30-day month.",
            "# Cross-AZ transfer: 178 GB/month, $3.56/month ($0.02/GB, both directions).",
            "# NAT processing: 77 GB/month, $3.46/month ($0.045/GB).",
            "# AWS services through NAT, bypassing endpoints: S3 17 GB/month, AMAZON 11 GB/month; $1.27/month of NAT processing.",
            "# Not measured, kept from Pulumi.prod.yaml: awsServiceGbPerMonth.logs, awsServiceGbPerMonth.sts, northSouthGbPerMonth.",
        ]);
        const section = parseYaml(run.stdout);
        assert.deepEqual(section, {
            eastWestGbPerMonth: 127.5,
            awsServiceGbPerMonth: { s3: 54.38, ecr: 0, logs: 400, sts: 0, dynamodb: 3.75 },
            internetEgressGbPerMonth: 60,
            northSouthGbPerMonth: 2000,
        });
        assert.deepEqual(parseStackConfig({ traffic: section }).traffic, section, "the schema the offline preview applies to --traffic takes it as is");
    });

    it("without --stack, sets what it did not measure to 0 and says so", async () => {
        const run = await npmRun("traffic:from-flow-logs", writeResults(["nat-gateway-by-az"]));
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /^# Measured by VPC flow logs over 1 day\(s\), 2025\/03\/01, per 30-day month\.$/m);
        assert.match(run.stdout, /^# Not measured, 0 \(give --stack to keep a stack's figures\): eastWestGbPerMonth, awsServiceGbPerMonth\.s3, /m);
        assert.equal(parseYaml(run.stdout).internetEgressGbPerMonth, 153.75); // 5.125 GB in one day x 30
    });

    it("exits 2 with one line on a usage or input error", async () => {
        const run = await npmRun("traffic:from-flow-logs", ["--stack", "prod"]);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /^traffic:from-flow-logs: give at least one query result file; usage: npm run traffic:from-flow-logs -- \[--stack NAME\] RESULT\.csv\.\.\.\n$/);
        // the other input errors take the same path: readResults and measureTraffic throw them
        const empty = path.join(mkdtempSync(path.join(tmpdir(), "flow-log-empty-")), "nat.csv");
        writeFileSync(empty, athenaCsv("nat-gateway-by-az", []));
        assert.throws(() => measureTraffic(readResults([empty])), /^Error: the results have no rows: nothing was measured$/);
    });
});
