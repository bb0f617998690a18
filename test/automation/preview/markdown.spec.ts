import assert from "node:assert/strict";
import { escapeMarkdown, markdownReport } from "../../../automation/preview/markdown";
import { costDiff } from "../../../automation/preview/report";
import { previewResult } from "../../helpers/preview-result";

describe("automation/preview/markdown", () => {
    const result = previewResult();
    const base = { file: "base|report.json", cost: { lines: result.cost.lines.map(l => ({ item: l.item, after: l.after - 1 })), totals: { after: 100 } } };
    const report = markdownReport(result, costDiff(result, base));
    const lines = report.split("\n");

    it("escapes what would break a table cell or render as Markdown, HTML or math", () => {
        assert.equal(escapeMarkdown("a | b\nc <region> & `x` *y* _z_ [l] $5 \\"), "a \\| b<br>c &lt;region&gt; &amp; \\`x\\` \\*y\\* \\_z\\_ \\[l\\] \\$5 \\\\");
    });

    it("heads with the stack and the verdict", () => {
        assert.equal(lines[0], "## Offline preview of stack ci: FAIL");
        assert.equal(markdownReport(previewResult({ violations: [] })).split("\n")[0], "## Offline preview of stack ci: PASS");
    });

    it("has a findings table: level, policy, resource with its source line, the message's first line, the fix", () => {
        const header = lines.indexOf("| Level | Policy | Resource | Message | Fix |");
        assert.ok(header > 0, report);
        assert.deepEqual(lines.slice(header + 1, header + 5), [
            "| --- | --- | --- | --- | --- |",
            "| mandatory | nat-per-az | aws:ec2/subnet:Subnet::private-b (network/subnets.ts:42) | Subnet 'private-b' sends 0.0.0.0/0 to a NAT in another AZ. | give it a NAT in com.amazonaws.&lt;region&gt;. |",
            "| mandatory | stack-check | stack | The stack has no owner tag. |  |",
            "| advisory | service-zone-routing | kubernetes:core/v1:Service::orders | Service orders \\| shop has no spec.trafficDistribution. It costs \\$40.00/month. | set spec.trafficDistribution: PreferSameZone. |",
        ]);
        const rows = lines.slice(header, lines.indexOf("", header));
        for (const row of rows) assert.equal(row.match(/(?<!\\)\|/g)?.length, 6, `five cells: ${row}`);
    });

    it("has the cost table with totals and the optimum, and the cost change against --compare-to", () => {
        assert.ok(lines.includes("| Item | Before | After |"));
        assert.ok(lines.includes("| total | \\$210.00 | \\$105.00 |"));
        assert.ok(lines.includes("Optimal: \\$100.00 with the cheapest VPC endpoints for this NAT layout (\\$5.00/month below after)."));
        assert.ok(lines.includes("### Cost change against base\\|report.json"));
        assert.ok(lines.includes("| total | \\$100.00 | \\$105.00 | +\\$5.00 |"), report);
        assert.ok(lines.includes("- a note \\| with a pipe"));
    });
});
