/**
 * Shared by the engine specs (npm run test:engine): the project's commands run as a user runs
 * them, and findings reduced to what the engine and the offline preview must agree on.
 */
import * as path from "node:path";
import { EngineManifest, readEngine } from "../../automation/engine/engine";
import { PROJECT_ROOT, type Run } from "../helpers/npm-run";

export { npmRun } from "../helpers/npm-run";
export type { Run };

export const ROOT = PROJECT_ROOT;
export const FIXTURES = path.join(ROOT, "test", "fixtures", "programs");

export const shows = (run: Run) => `exit ${run.code}\nstdout: ${run.stdout.slice(-3000)}\nstderr: ${run.stderr.slice(-3000)}`;

export interface Finding { policy: string; level: string; urn: string | null; message: string }

/**
 * (policy, level, resource name, message), sorted: what must be equal on both sides. Without
 * messages where the wording may differ for a known reason: a bare `--policy-pack-config FILE`
 * run has no stack traffic (the offline preview adds it for its cost sentences), and an offline
 * preview with every id known names the fake ids and auto-names of a deployed stack.
 */
export function findingSet(findings: Finding[], options: { messages: boolean } = { messages: true }): string[] {
    return findings.map(f => [f.policy, f.level, f.urn?.split("::").pop() ?? "(stack)", ...(options.messages ? [f.message] : [])].join(" | ")).sort();
}

/** The engine engine:setup built; the specs fail (not skip) without it. */
export function engine(): EngineManifest {
    return readEngine();
}
