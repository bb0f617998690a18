/**
 * The SARIF 2.1.0 schema is not available offline (no package here ships it), so this checks the
 * parts of it this log uses, structurally: the required properties, their types and enums, and
 * that every result refers to a rule of the run.
 */
import assert from "node:assert/strict";
import type { Location, Log } from "sarif";

const LEVELS = ["none", "note", "warning", "error"];

export function assertSarifShape(log: Log): void {
    assert.equal(log.version, "2.1.0");
    assert.match(log.$schema ?? "", /^https:\/\/.*sarif-schema-2\.1\.0\.json$/);
    assert.equal(log.runs.length, 1, "one run");
    const [run] = log.runs;
    const { driver } = run.tool;
    assert.equal(typeof driver.name, "string");
    assert.ok(driver.name.length > 0);
    const ids = (driver.rules ?? []).map(rule => rule.id);
    assert.equal(new Set(ids).size, ids.length, "rule ids are unique");
    for (const rule of driver.rules ?? []) {
        assert.equal(typeof rule.id, "string");
        for (const text of [rule.shortDescription, rule.fullDescription, rule.help]) assert.equal(typeof text?.text, "string", `${rule.id}: a message has text`);
        assert.ok(LEVELS.includes(rule.defaultConfiguration?.level ?? ""), `${rule.id}: defaultConfiguration.level`);
    }
    assert.ok(Array.isArray(run.results), "results");
    for (const result of run.results!) {
        assert.ok(ids.includes(result.ruleId!), `${result.ruleId} is a rule of the run`);
        if (result.ruleIndex !== undefined) assert.equal(ids[result.ruleIndex], result.ruleId);
        assert.ok(LEVELS.includes(result.level ?? ""), `level ${result.level}`);
        assert.equal(typeof result.message.text, "string");
        assert.ok(result.message.text!.length > 0);
        assert.equal(result.locations?.length, 1, "one location");
        assertLocation(result.locations![0]);
    }
}

function assertLocation(location: Location): void {
    assert.ok(location.physicalLocation || location.logicalLocations?.length, "a physical or a logical location");
    const physical = location.physicalLocation;
    if (physical) {
        const uri = physical.artifactLocation?.uri ?? "";
        assert.ok(uri.length > 0 && !uri.startsWith("/") && !uri.includes("\\") && !uri.startsWith(".."), `a relative URI inside the repository: ${uri}`);
        assert.ok(Number.isInteger(physical.region?.startLine) && physical.region!.startLine! >= 1, "startLine is a positive integer");
    }
    for (const logical of location.logicalLocations ?? []) {
        assert.equal(typeof logical.fullyQualifiedName, "string");
        assert.equal(logical.kind, "resource");
    }
}
