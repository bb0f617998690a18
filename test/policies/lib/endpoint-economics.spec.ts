import assert from "node:assert/strict";
import { parseStackConfig } from "../../../components/config";
import { CostLayout, estimateMonthlyCost, trafficProfile, TrafficProfile } from "../../../policies/lib/cost-model";
import { endpointBalance } from "../../../policies/lib/endpoint-economics";

/** The monthly total of a one-VPC layout with these interface endpoints (gateway endpoints always there). */
function monthlyTotal(traffic: TrafficProfile, zoneCount: number, nat: "perAz" | "single", interfaceEndpoints: string[]): number {
    const layout: CostLayout = {
        zoneCount,
        networks: [{
            name: "vpc", zoneCount,
            natGatewayCount: nat === "perAz" ? zoneCount : 1,
            azsWithoutOwnNat: nat === "perAz" ? 0 : zoneCount - 1,
            endpoints: { gateway: ["s3", "dynamodb"], interface: interfaceEndpoints.map(service => ({ service, azCount: zoneCount })) },
        }],
        eastWestInZoneShare: 1, northSouthInstanceShare: 0, northSouthKubernetesShare: 0,
    };
    return Object.values(estimateMonthlyCost(traffic, layout)).reduce((sum, line) => sum + line.dollars, 0);
}

/** What `network.endpoints: auto` resolves to, interface endpoints only. */
function autoInterfaceEndpoints(traffic: Record<string, unknown>, azCount: number, natGateways: string): string[] {
    const config = parseStackConfig({ network: { azCount, natGateways, endpoints: "auto" }, traffic });
    return (config.network.endpoints as string[]).filter(e => e !== "s3" && e !== "dynamodb");
}

/** A deterministic pseudo-random sequence (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

describe("policies/lib/endpoint-economics", () => {
    it("balances an endpoint: hours per AZ and PrivateLink against NAT processing and the cross-AZ share", () => {
        // logs, 200 GB, 3 AZs, a NAT per AZ: costs 3 x $7.20 + $2 = $23.60, saves 200 x $0.045 = $9; pays above 21.60 / 0.035 = 617 GB.
        const perAz = endpointBalance("logs", 200, 3, { zoneCount: 3, natGatewayCount: 3, azsWithoutOwnNat: 0 });
        assert.equal(perAz.monthlyCost.toFixed(2), "23.60");
        assert.equal(perAz.monthlySaving.toFixed(2), "9.00");
        assert.equal(Math.round(perAz.breakEvenGbPerMonth!), 617);
        // One shared NAT: 2/3 of it also crosses zones ($0.02 x 2/3 per GB more saved).
        const single = endpointBalance("logs", 2000, 3, { zoneCount: 3, natGatewayCount: 1, azsWithoutOwnNat: 2 });
        assert.equal(single.monthlySaving.toFixed(2), (2000 * 0.045 + 2000 * 0.02 * 2 / 3).toFixed(2));
        assert.equal(endpointBalance("logs", 5000, 3, { zoneCount: 3, natGatewayCount: 0, azsWithoutOwnNat: 0 }).breakEvenGbPerMonth, undefined, "no NAT: nothing to save on");
    });

    describe("network.endpoints: auto", () => {
        it("takes the logs endpoint at 2,000 GB/month (3 AZs x $7.20 + $20 = $41.60 against $90 through NAT), not at 200", () => {
            assert.deepEqual(autoInterfaceEndpoints({ awsServiceGbPerMonth: { logs: 2000 } }, 3, "perAz"), ["logs"]);
            assert.deepEqual(autoInterfaceEndpoints({ awsServiceGbPerMonth: { logs: 200, s3: 1200, ecr: 600 } }, 3, "perAz"), []);
            assert.deepEqual(autoInterfaceEndpoints({}, 3, "perAz"), []);
        });

        it("without NAT gateways takes what the workloads need to run, whatever the traffic", () => {
            const config = parseStackConfig({ network: { natGateways: "none", endpoints: "auto" }, eks: { enabled: true, adminPrincipalArn: "arn:aws:iam::111122223333:role/admin" } });
            assert.deepEqual(config.network.endpoints, ["s3", "dynamodb", "ecr.api", "ecr.dkr", "sts", "logs", "eks-auth", "ec2"]);
            assert.deepEqual(parseStackConfig({ network: { natGateways: "none", endpoints: "auto" } }).network.endpoints, ["s3", "dynamodb"], "no workloads declared");
        });

        it("an explicit list stays as given", () => {
            assert.deepEqual(parseStackConfig({ network: { endpoints: ["s3", "logs", "kms"] } }).network.endpoints, ["s3", "logs", "kms"]);
        });

        it("costs exactly the brute-force minimum over every endpoint subset, for 1,000 random traffic profiles and 2-6 AZs", () => {
            // Services with no traffic figure cost hours and save nothing, so a minimum never holds one:
            // the subsets of these five (two with figures, three without) cover every candidate minimum.
            const candidates = ["logs", "sts", "ecr.api", "ecr.dkr", "kms"];
            const next = random(20261203);
            for (let i = 0; i < 1000; i++) {
                const zoneCount = 2 + Math.floor(next() * 5);
                const nat = next() < 0.5 ? "perAz" : "single";
                const volume = () => Math.round(next() * 4000 * (next() < 0.3 ? 0 : 1));
                const section = { awsServiceGbPerMonth: { logs: volume(), sts: volume(), s3: volume(), ecr: volume() }, internetEgressGbPerMonth: volume() };
                const traffic = trafficProfile(section);
                let best = Infinity;
                for (let mask = 0; mask < 1 << candidates.length; mask++) {
                    best = Math.min(best, monthlyTotal(traffic, zoneCount, nat, candidates.filter((_, bit) => mask & (1 << bit))));
                }
                const chosen = autoInterfaceEndpoints(section, zoneCount, nat);
                assert.ok(Math.abs(monthlyTotal(traffic, zoneCount, nat, chosen) - best) < 1e-9,
                    `case ${i}: ${JSON.stringify({ zoneCount, nat, section, chosen })} costs ${monthlyTotal(traffic, zoneCount, nat, chosen)}, minimum ${best}`);
            }
        });
    });
});
