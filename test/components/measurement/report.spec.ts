import assert from "node:assert/strict";
import { buildReport, crossAzReduction, formatReport, percentile, Sample, summarizeVariant } from "../../../components/measurement/report";
import { crossAzTransferCost } from "../../../policies/lib/cost-model";

const caller = { zone: "us-east-1a", node: "ip-10-0-1-10" };

/** Samples as the measurer records them: [latency ms, answering zone and node | error]. */
function recorded(rows: Array<[number, string, string?]>): Sample[] {
    return rows.map(([latencyMs, zoneOrError, node]) => node === undefined
        ? { ok: false, latencyMs, error: zoneOrError }
        : { ok: true, latencyMs, answer: { zone: zoneOrError, node } });
}

// Ten requests to a randomly routed Service: 3 from the caller's zone (one on its node),
// 6 from other zones, 1 reset.
const baseline = recorded([
    [2.1, "us-east-1a", "ip-10-0-1-10"], [2.9, "us-east-1b", "ip-10-0-2-20"], [3.4, "us-east-1c", "ip-10-0-3-30"],
    [1.9, "us-east-1a", "ip-10-0-1-11"], [2.6, "us-east-1b", "ip-10-0-2-21"], [8.8, "us-east-1c", "ip-10-0-3-31"],
    [2.0, "us-east-1a", "ip-10-0-1-11"], [3.1, "us-east-1b", "ip-10-0-2-20"], [2.7, "us-east-1c", "ip-10-0-3-30"],
    [5000, "socket hang up"],
]);
// Four requests to a zone-preferring Service: all from the caller's zone.
const preferSameZone = recorded([
    [1.5, "us-east-1a", "ip-10-0-1-11"], [1.7, "us-east-1a", "ip-10-0-1-10"],
    [1.6, "us-east-1a", "ip-10-0-1-11"], [2.4, "us-east-1a", "ip-10-0-1-10"],
]);

describe("measurement report math", () => {
    describe("percentile (nearest rank)", () => {
        it("takes the smallest value with at least p% at or below it", () => {
            const oneToTwoHundred = Array.from({ length: 200 }, (_, i) => 200 - i); // unsorted on purpose
            assert.equal(percentile(oneToTwoHundred, 99), 198);
            assert.equal(percentile(oneToTwoHundred, 50), 100);
            assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
        });

        it("is the maximum below 100 values and the minimum at p=0; undefined without values", () => {
            assert.equal(percentile([3, 9, 1, 7], 99), 9);
            assert.equal(percentile([3, 9, 1, 7], 0), 1);
            assert.equal(percentile([], 99), undefined);
        });
    });

    describe("summarizeVariant", () => {
        const summary = summarizeVariant("baseline", baseline, caller, 10_000);

        it("counts requests, answers and errors, and keeps the error kinds", () => {
            assert.equal(summary.requests, 10);
            assert.equal(summary.answered, 9);
            assert.equal(summary.errors, 1);
            assert.deepEqual(summary.errorKinds, ["socket hang up"]);
        });

        it("computes same-zone and cross-AZ shares of the answered requests", () => {
            assert.equal(summary.sameZone, 3);
            assert.equal(summary.sameNode, 1);
            assert.equal(summary.sameZoneShare, 3 / 9);
            assert.equal(summary.crossAzShare, 6 / 9);
            assert.deepEqual(summary.answersByZone, { "us-east-1a": 3, "us-east-1b": 3, "us-east-1c": 3 });
        });

        it("averages latency and takes p99 over answered requests only (the 5 s timeout is not latency)", () => {
            const answered = [2.1, 2.9, 3.4, 1.9, 2.6, 8.8, 2.0, 3.1, 2.7];
            assert.ok(Math.abs(summary.averageLatencyMs! - answered.reduce((a, b) => a + b) / 9) < 1e-9);
            assert.equal(summary.p99LatencyMs, 8.8);
        });

        it("prices the cross-AZ share with the policy pack's cost model: 10,000 GB x 2/3 cross, x $0.02", () => {
            assert.ok(Math.abs(summary.monthlyCrossAzGb! - 6666.666667) < 1e-4);
            assert.ok(Math.abs(summary.monthlyCrossAzCost! - 133.333333) < 1e-4);
            assert.equal(summary.monthlyCrossAzCost, crossAzTransferCost(10_000, 6 / 9));
        });

        it("leaves shares, latency and cost undefined when nothing answered or no volume is known", () => {
            const dead = summarizeVariant("dead", recorded([[5000, "ECONNREFUSED"], [5000, "ECONNREFUSED"]]), caller, 10_000);
            assert.equal(dead.answered, 0);
            assert.equal(dead.crossAzShare, undefined);
            assert.equal(dead.p99LatencyMs, undefined);
            assert.equal(dead.monthlyCrossAzGb, undefined);
            assert.equal(dead.monthlyCrossAzCost, undefined);
            assert.deepEqual(dead.errorKinds, ["ECONNREFUSED"]);
            assert.equal(summarizeVariant("baseline", baseline, caller).monthlyCrossAzCost, undefined);
            assert.equal(summarizeVariant("baseline", baseline, caller).monthlyCrossAzGb, undefined);
        });
    });

    describe("buildReport and formatReport", () => {
        const base = {
            caller: { ...caller, pod: "crossaz-measure-x7k2p" }, requestsPerVariant: 10, concurrency: 4, eastWestGbPerMonth: 10_000,
        };
        const variants = [
            summarizeVariant("baseline", baseline, caller, 10_000),
            summarizeVariant("prefer-same-zone", preferSameZone, caller, 10_000),
        ];

        it("picks the lowest cross-AZ share and quotes its saving against baseline", () => {
            const report = buildReport({ ...base, variants });
            assert.equal(report.best, "prefer-same-zone");
            assert.equal(report.reference, "baseline");
            assert.equal(report.savedCrossAzShare, 6 / 9);
            assert.ok(Math.abs(report.monthlySaving! - 133.333333) < 1e-4);
        });

        it("quotes each variant's reduction of cross-zone traffic against the reference, worse ones negative", () => {
            const [reference, zonal] = variants;
            const halfCrossing = summarizeVariant("half", recorded([[1, "us-east-1a", "n"], [1, "us-east-1b", "n"]]), caller);
            const allCrossing = summarizeVariant("all", recorded([[1, "us-east-1b", "n"]]), caller);
            assert.equal(crossAzReduction(reference, zonal), 1);
            assert.ok(Math.abs(crossAzReduction(reference, halfCrossing)! - 0.25) < 1e-12); // 1/2 of 2/3 crossing is 3/4 of it
            assert.ok(Math.abs(crossAzReduction(reference, allCrossing)! + 0.5) < 1e-12); // 1 is 1.5 times 2/3
            assert.equal(crossAzReduction(undefined, zonal), undefined);
            assert.equal(crossAzReduction(zonal, reference), undefined, "nothing crossed under the reference");
            assert.equal(crossAzReduction(reference, summarizeVariant("dead", recorded([[1, "ECONNREFUSED"]]), caller)), undefined);
        });

        it("breaks a tie in cross-AZ share on errors, then on average latency", () => {
            const fasterTwin = summarizeVariant("prefer-same-node", recorded([[0.9, "us-east-1a", "ip-10-0-1-10"]]), caller, 10_000);
            assert.equal(buildReport({ ...base, variants: [...variants, fasterTwin] }).best, "prefer-same-node");
            const flakyTwin = summarizeVariant("prefer-same-node",
                recorded([[0.9, "us-east-1a", "ip-10-0-1-10"], [1, "HTTP 503"]]), caller, 10_000);
            assert.equal(buildReport({ ...base, variants: [...variants, flakyTwin] }).best, "prefer-same-zone");
        });

        it("ranks only steady-state routing: the variant measured during a rollout does not compete", () => {
            const churned = { ...summarizeVariant("prefer-same-zone-rolling", recorded([[0.5, "us-east-1a", "ip-10-0-1-10"]]), caller, 10_000),
                rollout: { deployment: "zone-echo-rolling", seconds: 40, rolledOut: true } };
            assert.equal(buildReport({ ...base, variants: [...variants, churned] }).best, "prefer-same-zone");
        });

        it("prints the table, the cost table per variant and the verdict", () => {
            const text = formatReport(buildReport({ ...base, variants }));
            assert.match(text, /^Cross-AZ measurement from zone us-east-1a \(node ip-10-0-1-10, pod crossaz-measure-x7k2p\)$/m);
            assert.match(text, /^baseline +10 +9 +1 +33\.3% +66\.7% +11\.1% +3\.28 +8\.80 +us-east-1a=3 us-east-1b=3 us-east-1c=3$/m);
            assert.match(text, /^prefer-same-zone +4 +4 +0 +100\.0% +0\.0% +50\.0% +1\.80 +2\.40 +us-east-1a=4$/m);
            assert.match(text, /^errors from baseline: socket hang up$/m);
            assert.match(text, /^Cross-zone traffic at 10000 GB\/month east-west \(GB x cross-AZ share; \$0\.01\/GB out of one zone and again into the other\):$/m);
            assert.match(text, /^ {2}variant +requests +in-zone +cross-zone +GB\/month cross-zone +\$\/month +reduction vs baseline$/m);
            assert.match(text, /^ {2}baseline +10 +33\.3% +66\.7% +6666\.7 +\$133\.33 +-$/m);
            assert.match(text, /^ {2}prefer-same-zone +4 +100\.0% +0\.0% +0\.0 +\$0\.00 +100\.0%$/m);
            assert.match(text, /Best: prefer-same-zone, 100\.0% same-zone, 66\.7 points less cross-AZ than baseline: saves \$133\.33\/month at 10000 GB\/month\.\n$/);
            assert.doesNotMatch(text, /Ready endpoints|expected to drop|Deployment/, "nothing to explain when nothing was looked at");
        });

        it("explains the variants: endpoints before each, the expected drops, the rollout, how a failed restart reads", () => {
            const explained = [
                { ...variants[0], endpoints: { ready: 6, inCallerZone: 2, onCallerNode: 1, withZoneHints: 0 } },
                { ...summarizeVariant("internal-local", recorded([[1000, "timed out after 1000 ms"]]), caller, 10_000),
                    endpoints: { error: "list EndpointSlices of Service m/zone-echo-internal-local: HTTP 403 forbidden" },
                    dropsExpected: { inFlight: 64, timeoutMs: 1000 } },
                { ...summarizeVariant("rolling", preferSameZone, caller, 10_000), rollout: { deployment: "zone-echo-rolling", seconds: 41.26, rolledOut: true } },
                { ...summarizeVariant("stuck", preferSameZone, caller, 10_000), rollout: { deployment: "zone-echo-rolling", seconds: 600, rolledOut: false } },
                { ...summarizeVariant("refused", [], caller, 10_000), rollout: { deployment: "zone-echo-rolling", seconds: 0.01, error: "restart Deployment m/zone-echo-rolling: HTTP 403 no" } },
            ];
            const text = formatReport(buildReport({ ...base, variants: explained }));
            assert.match(text, /^ {2}baseline {8}6 ready, 2 in us-east-1a, 1 on this node, 0 with zone hints$/m);
            assert.match(text, /^ {2}internal-local {2}could not read: list EndpointSlices of Service m\/zone-echo-internal-local: HTTP 403 forbidden$/m);
            assert.match(text, /^internal-local: expected to drop this pod's requests \(no endpoint on this node\); 64 in flight, a dropped request waits out its 1000 ms timeout\.$/m);
            assert.match(text, /^rolling: measured from the restart of Deployment zone-echo-rolling until it had rolled out, 41\.3 s\.$/m);
            assert.match(text, /^stuck: measured from the restart of Deployment zone-echo-rolling for 600\.0 s; it had not rolled out by then\.$/m);
            assert.match(text, /^refused: not measured under churn: restart Deployment m\/zone-echo-rolling: HTTP 403 no \(after 0\.0 s\)\.$/m);
            assert.match(text, /^ {2}internal-local +1 +n\/a +n\/a +n\/a +n\/a +n\/a$/m);
            assert.match(text, /^ {2}refused +0 +n\/a +n\/a +n\/a +n\/a +n\/a$/m);
        });

        it("says how to price the report when the volume is unknown", () => {
            const unpriced = [summarizeVariant("baseline", baseline, caller), summarizeVariant("prefer-same-zone", preferSameZone, caller)];
            const text = formatReport(buildReport({ ...base, eastWestGbPerMonth: undefined, variants: unpriced }));
            assert.match(text, /^Cross-zone traffic: GB and dollars not priced \(set traffic\.eastWestGbPerMonth on the stack\):$/m);
            assert.match(text, /^ {2}prefer-same-zone +4 +100\.0% +0\.0% +n\/a +n\/a +100\.0%$/m, "the reduction needs no price");
            assert.match(text, /Best: prefer-same-zone, 100\.0% same-zone, 66\.7 points less cross-AZ than baseline\.\n$/);
        });
    });
});
