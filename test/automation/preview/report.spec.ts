import assert from "node:assert/strict";
import { findingsOf, splitFix } from "../../../automation/preview/findings";
import { colourFor, humanReport } from "../../../automation/preview/report";
import { previewResult } from "../../helpers/preview-result";

const ESCAPE = "\x1b[";

describe("automation/preview/findings", () => {
    it("splits the fix sentence off a message, the text after it back into the message", () => {
        assert.deepEqual(splitFix("Subnet b crosses zones. Fix: give b its own NAT gateway (network.natGateways: perAz). At 600 GB/month it costs $8.00."),
            { message: "Subnet b crosses zones. At 600 GB/month it costs $8.00.", fix: "give b its own NAT gateway (network.natGateways: perAz)." });
        assert.deepEqual(splitFix('Target group has targetType unset. Fix: set targetType: "ip". If the stack\'s 900 GB reach it, $12.00/month.'),
            { message: "Target group has targetType unset. If the stack's 900 GB reach it, $12.00/month.", fix: 'set targetType: "ip".' });
        assert.deepEqual(splitFix("Endpoint missing. Fix: add com.amazonaws.<region>.s3 on the private route tables."),
            { message: "Endpoint missing.", fix: "add com.amazonaws.<region>.s3 on the private route tables." });
        assert.deepEqual(splitFix("No fix here, and no Fixation either."), { message: "No fix here, and no Fixation either." });
    });

    it("drops the policy's description line, names the resource, takes its source position; mandatory first", () => {
        const findings = findingsOf(previewResult());
        assert.deepEqual(findings.map(f => [f.level, f.policy, f.resource]), [
            ["mandatory", "nat-per-az", "aws:ec2/subnet:Subnet::private-b"],
            ["mandatory", "stack-check", "stack"],
            ["advisory", "service-zone-routing", "kubernetes:core/v1:Service::orders"],
        ]);
        assert.equal(findings[0].message, "Subnet 'private-b' sends 0.0.0.0/0 to a NAT in another AZ.");
        assert.equal(findings[0].fix, "give it a NAT in com.amazonaws.<region>.");
        assert.deepEqual(findings[0].source, { file: "/repo/programs/shop/network/subnets.ts", line: 42, column: 5 });
        assert.equal(findings[1].source, undefined);
        assert.equal(findings[2].message, "Service orders | shop has no spec.trafficDistribution. It costs $40.00/month.");
    });
});

describe("automation/preview/report humanReport", () => {
    const report = humanReport(previewResult());
    const lines = report.split("\n");

    it("puts the findings first, then the cost table, the resources and the verdict last", () => {
        const at = (pattern: RegExp) => lines.findIndex(line => pattern.test(line));
        const order = [/^Findings \(3\)$/, /^Cost report \(USD/, /^Resources \(3\)$/, /^FAIL: 2 mandatory, 1 advisory, 0 remediated \(exit 1\)$/].map(at);
        assert.ok(order.every(i => i >= 0), order.join(" "));
        assert.deepEqual([...order].sort((a, b) => a - b), order);
        assert.equal(order[3], lines.length - 1);
    });

    it("shows each finding's level, policy, resource and source position, its message, and the fix on a line of its own", () => {
        const start = lines.indexOf("  [mandatory] nat-per-az  aws:ec2/subnet:Subnet::private-b  network/subnets.ts:42");
        assert.ok(start > 0, report);
        assert.deepEqual(lines.slice(start + 1, start + 3), [
            "      Subnet 'private-b' sends 0.0.0.0/0 to a NAT in another AZ.",
            "      fix: give it a NAT in com.amazonaws.<region>.",
        ]);
        assert.ok(lines.includes("  [mandatory] stack-check  stack"), "no position: nothing after the resource");
    });

    it("says when there are no findings", () => {
        assert.match(humanReport(previewResult({ violations: [] })), /^Findings: none$/m);
    });

    it("colours levels and the verdict only when asked to", () => {
        assert.ok(!report.includes(ESCAPE));
        const coloured = humanReport(previewResult(), undefined, { colour: true });
        assert.ok(coloured.includes(`${ESCAPE}31m[mandatory]`), coloured);
        assert.ok(coloured.includes(`${ESCAPE}33m[advisory]`), coloured);
        assert.match(coloured.split("\n").pop()!, /^\x1b\[1m\x1b\[31mFAIL: /);
        assert.equal(coloured.replace(/\x1b\[\d+m/g, ""), report, "the same text under the colours");
    });
});

describe("automation/preview/report colourFor", () => {
    const tty = { isTTY: true, hasColors: () => true };
    const pipe = {};
    it("colours a colour TTY, never a pipe or file", () => {
        assert.equal(colourFor(tty, {}), true);
        assert.equal(colourFor(pipe, {}), false);
        assert.equal(colourFor({ isTTY: true, hasColors: () => false }, {}), false, "TERM=dumb and the like");
    });
    it("NO_COLOR (any non-empty value) and FORCE_COLOR=0 turn it off; another FORCE_COLOR turns it on", () => {
        assert.equal(colourFor(tty, { NO_COLOR: "1" }), false);
        assert.equal(colourFor(tty, { NO_COLOR: "false" }), false);
        assert.equal(colourFor(tty, { NO_COLOR: "" }), true, "empty is unset");
        assert.equal(colourFor(tty, { FORCE_COLOR: "0" }), false);
        assert.equal(colourFor(pipe, { FORCE_COLOR: "1" }), true);
        assert.equal(colourFor(pipe, { FORCE_COLOR: "1", NO_COLOR: "1" }), false, "NO_COLOR wins");
    });
});
