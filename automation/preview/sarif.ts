/**
 * The preview's findings as a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers:
 * one run, the policy pack as the tool with one rule per policy, one result per finding, located
 * at the program line that declared the resource (relative to the repository root) when known,
 * and always by the resource's URN.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { Location, Log, ReportingConfiguration, ReportingDescriptor, Result } from "sarif";
import { EnforcementLevel } from "./analyzer-client";
import { findingsOf, Finding, relativeFile } from "./findings";
import { PreviewResult, ViolationLevel } from "./run-preview";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const RESULT_LEVEL: Record<ViolationLevel, Result.level> = { mandatory: "error", advisory: "warning", remediated: "note" };
const RULE_LEVEL: Record<EnforcementLevel, ReportingConfiguration> = {
    mandatory: { level: "error" },
    advisory: { level: "warning" },
    remediate: { level: "note" },
    disabled: { level: "none", enabled: false },
};

export function sarifReport(result: PreviewResult): string {
    return JSON.stringify(sarifLog(result), null, 2);
}

export function sarifLog(result: PreviewResult): Log {
    const root = repositoryRoot(result.programDir);
    const { name, version, policies } = result.pack;
    const rules: ReportingDescriptor[] = policies.map(p => ({
        id: p.name,
        shortDescription: { text: p.description },
        fullDescription: { text: p.description },
        help: { text: `${p.description}\n\nA ${p.kind} policy of the ${name} policy pack, ${p.enforcementLevel} unless the stack's policy pack config sets another enforcement level. Each result's message ends with its fix.` },
        defaultConfiguration: RULE_LEVEL[p.enforcementLevel],
    }));
    const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
    const stackUrn = result.resources.find(r => r.type === "pulumi:pulumi:Stack")?.urn;
    const results = findingsOf(result).map((f): Result => ({
        ruleId: f.policy,
        ...(ruleIndex.has(f.policy) ? { ruleIndex: ruleIndex.get(f.policy) } : {}),
        level: RESULT_LEVEL[f.level],
        message: { text: f.fix ? `${f.message}\nFix: ${f.fix}` : f.message },
        locations: [location(f, root, stackUrn)],
    }));
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [{ tool: { driver: { name, version, rules } }, results }],
    };
}

/** The declaring line in the repository when known; the resource by URN (the stack's for a stack-wide finding) always. */
function location(f: Finding, root: string, stackUrn: string | undefined): Location {
    const urn = f.urn ?? stackUrn;
    const logical: Location = urn ? { logicalLocations: [{ name: urn.split("::").pop(), fullyQualifiedName: urn, kind: "resource" }] } : {};
    if (!f.source) return logical;
    return {
        physicalLocation: {
            artifactLocation: { uri: relativeFile(f.source.file, root), uriBaseId: "%SRCROOT%" },
            region: { startLine: f.source.line, startColumn: f.source.column },
        },
        ...logical,
    };
}

/** The git work tree the program is in (its nearest directory with a .git), else the program's own directory. */
export function repositoryRoot(programDir: string): string {
    for (let dir = programDir; ; dir = path.dirname(dir)) {
        if (existsSync(path.join(dir, ".git"))) return dir;
        if (path.dirname(dir) === dir) return programDir;
    }
}
