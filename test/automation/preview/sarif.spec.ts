import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repositoryRoot, sarifLog } from "../../../automation/preview/sarif";
import { PROGRAM_DIR, SERVICE_URN, SUBNET_URN, previewResult } from "../../helpers/preview-result";
import { assertSarifShape } from "../../helpers/sarif-shape";

describe("automation/preview/sarif", () => {
    const log = sarifLog(previewResult());
    const [run] = log.runs;

    it("is a SARIF 2.1.0 log: one run, the pack as the tool, a rule per policy, a result per finding", () => {
        assertSarifShape(log);
        assert.deepEqual(run.tool.driver.name, "test-pack");
        assert.deepEqual(run.tool.driver.version, "1.2.3");
        assert.equal(run.tool.driver.informationUri, undefined);
        assert.deepEqual(run.tool.driver.rules!.map(r => [r.id, r.shortDescription!.text, r.defaultConfiguration]), [
            ["nat-per-az", "Each AZ has its NAT.", { level: "error" }],
            ["service-zone-routing", "Services route in-zone.", { level: "warning" }],
            ["stack-check", "The stack is tagged.", { level: "error" }],
            ["quiet", "Never fires.", { level: "none", enabled: false }],
        ]);
        assert.deepEqual(run.results!.map(r => [r.ruleId, r.ruleIndex, r.level]), [
            ["nat-per-az", 0, "error"], ["stack-check", 2, "error"], ["service-zone-routing", 1, "warning"],
        ]);
        assert.equal(sarifLog(previewResult({ violations: [{ policy: "nat-per-az", level: "remediated", urn: SUBNET_URN, message: "remediated: x" }] })).runs[0].results![0].level, "note");
    });

    it("locates a finding at its source line relative to the repository root, and by URN", () => {
        // No .git above /repo/programs/shop: the program's directory is the root.
        assert.deepEqual(run.results![0].locations, [{
            physicalLocation: { artifactLocation: { uri: "network/subnets.ts", uriBaseId: "%SRCROOT%" }, region: { startLine: 42, startColumn: 5 } },
            logicalLocations: [{ name: "private-b", fullyQualifiedName: SUBNET_URN, kind: "resource" }],
        }]);
        assert.equal(run.results![0].message.text, "Subnet 'private-b' sends 0.0.0.0/0 to a NAT in another AZ.\nFix: give it a NAT in com.amazonaws.<region>.");
    });

    it("locates a finding without a source position by its resource's URN, a stack-wide one by the stack's", () => {
        assert.deepEqual(run.results![2].locations, [{ logicalLocations: [{ name: "orders", fullyQualifiedName: SERVICE_URN, kind: "resource" }] }]);
        assert.deepEqual(run.results![1].locations![0].logicalLocations![0].fullyQualifiedName, "urn:pulumi:ci::shop::pulumi:pulumi:Stack::shop-ci");
    });

    it("takes the nearest directory with .git as the repository root", () => {
        const root = realpathSync(mkdtempSync(path.join(tmpdir(), "repo-")));
        mkdirSync(path.join(root, ".git"));
        const program = path.join(root, "infra", "app");
        mkdirSync(program, { recursive: true });
        assert.equal(repositoryRoot(program), root);
        assert.equal(repositoryRoot(PROGRAM_DIR), PROGRAM_DIR);
    });
});
