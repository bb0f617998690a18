/**
 * npm run bench:cost
 *
 * The prod stack's monthly bill under the reference workload (10 TB east-west, S3 1.2 TB, ECR
 * 0.6 TB, Logs 0.2 TB, no internet egress, 3 AZs), through the offline preview: with the
 * interface endpoints prod used to list, with `network.endpoints: auto` (prod's setting), and with
 * auto at 2 TB of logs. Not a test: it prints the figures the cost report gives.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { endpointService } from "../policies/lib/cost-model";
import { scratchCopy } from "./engine/engine";
import { PROJECT_ROOT, runOfflinePreview } from "./preview/run-preview";

const REFERENCE_TRAFFIC = {
    eastWestGbPerMonth: 10_000,
    awsServiceGbPerMonth: { s3: 1200, ecr: 600, logs: 200 },
    internetEgressGbPerMonth: 0,
};

const VARIANTS: { name: string; endpoints: unknown; logsGbPerMonth: number }[] = [
    { name: "prod's former endpoint list", endpoints: ["s3", "dynamodb", "ecr.api", "ecr.dkr", "sts", "logs"], logsGbPerMonth: 200 },
    { name: "endpoints: auto", endpoints: "auto", logsGbPerMonth: 200 },
    { name: "endpoints: auto, logs 2,000 GB", endpoints: "auto", logsGbPerMonth: 2000 },
];

async function main(): Promise<void> {
    const scratch = scratchCopy(PROJECT_ROOT);
    try {
        const prod = readFileSync(path.join(scratch.dir, "Pulumi.prod.yaml"), "utf8");
        const rows: string[][] = [];
        for (const [i, variant] of VARIANTS.entries()) {
            const stack = parseDocument(prod);
            stack.setIn(["config", "cross-az-platform:network", "endpoints"], variant.endpoints);
            const traffic = { ...REFERENCE_TRAFFIC, awsServiceGbPerMonth: { ...REFERENCE_TRAFFIC.awsServiceGbPerMonth, logs: variant.logsGbPerMonth } };
            for (const [key, value] of Object.entries(traffic)) stack.setIn(["config", "cross-az-platform:traffic", key], value);
            writeFileSync(path.join(scratch.dir, `Pulumi.bench${i}.yaml`), stack.toString());
            const started = Date.now();
            const result = await runOfflinePreview({ stack: `bench${i}`, programDir: scratch.dir, packDir: path.join(scratch.dir, "policies") });
            const endpoints = result.resources.filter(r => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint").map(r => endpointService(String(r.inputs.serviceName)));
            const { after, optimal } = result.cost.totals;
            rows.push([variant.name, endpoints.join(" "), `$${after.toFixed(2)}`, `$${optimal.toFixed(2)}`,
                result.cost.recommendations.map(r => `${r.change} (-$${r.savesPerMonth.toFixed(2)})`).join("; ") || "none", `${((Date.now() - started) / 1000).toFixed(1)} s`]);
        }
        const header = ["variant", "endpoints", "after", "optimal", "recommendations", "preview"];
        const widths = header.map((h, c) => Math.max(h.length, ...rows.map(r => r[c].length)));
        for (const row of [header, ...rows]) process.stdout.write(row.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd() + "\n");
    } finally {
        scratch.remove();
    }
}

main().then(() => process.exit(0), error => {
    process.stderr.write(`bench:cost: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
