/**
 * The failing and passing examples of every docs/policies/<policy>.md page are real programs: each
 * runs under Pulumi's mock runtime, and the policy must report the failing one and pass the other.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import { Policy } from "@pulumi/policy";
import { allPolicies } from "../policies/rules";
import { declare } from "./helpers/mocks";
import { Diagnostic, Fixture, PackConfig, runPolicies } from "./policies/harness";

interface PageExamples {
    fails: string;
    passes: string;
    /** The policy-pack config the page says the examples run with, if it shows one. */
    config?: PackConfig;
}

/** The fenced blocks of the page's "## Examples" section: a json block (optional), then the failing and the passing ts block. */
function examplesOf(policyName: string): PageExamples {
    const page = readFileSync(join(__dirname, "..", "docs", "policies", `${policyName}.md`), "utf8");
    const section = page.split(/^## Examples$/m)[1];
    assert.ok(section, `docs/policies/${policyName}.md has no "## Examples" section`);
    const blocks = [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, lang, body]) => ({ lang, body }));
    const programs = blocks.filter(b => b.lang === "ts").map(b => b.body);
    assert.equal(programs.length, 2, `docs/policies/${policyName}.md: expected a failing and a passing ts example, found ${programs.length} ts blocks`);
    const json = blocks.find(b => b.lang === "json");
    return { fails: programs[0], passes: programs[1], config: json && JSON.parse(json.body) };
}

/** Runs a TypeScript program under the mocks and one policy over what it declared, as the pack sees a stack (aws resources carry their id). */
async function diagnosticsOf(policy: Policy, source: string, config?: PackConfig): Promise<Diagnostic[]> {
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const { resources } = await declare(() => {
        const module = { exports: {} };
        new Function("require", "module", "exports", js)(require, module, module.exports);
    });
    assert.ok(resources.length > 0, "the example declares no resource");
    // As AnalyzeStack sees a stack after the update: outputs over inputs, and aws resources' ids.
    const fixtures: Fixture[] = resources.map(r => ({ type: r.type, name: r.name, props: r.type.startsWith("aws:") ? { ...r.outputs, ...r.inputs, id: r.id } : r.inputs }));
    return (await runPolicies([policy], fixtures, { config })).diagnostics;
}

const realFindings = (diagnostics: Diagnostic[]) => diagnostics.filter(d => !d.message.startsWith("can't run policy"));

describe("policy pages' examples", () => {
    for (const policy of allPolicies) {
        describe(policy.name, () => {
            it("the failing example is reported", async () => {
                const { fails, config } = examplesOf(policy.name);
                const diagnostics = await diagnosticsOf(policy, fails, config);
                assert.ok(realFindings(diagnostics).length > 0, `no finding; diagnostics: ${JSON.stringify(diagnostics)}`);
            });

            it("the passing example passes", async () => {
                const { passes, config } = examplesOf(policy.name);
                const diagnostics = await diagnosticsOf(policy, passes, config);
                assert.deepEqual(diagnostics.map(d => d.message), []);
            });
        });
    }
});
