/**
 * Policy findings as every report shows them: what is wrong and its fix apart, the resource
 * named, where the program declared it, the most severe first.
 */
import * as path from "node:path";
import { PreviewResult, ViolationLevel } from "./run-preview";
import { SourcePosition } from "./run-program";

export interface Finding {
    policy: string;
    level: ViolationLevel;
    urn: string | null;
    /** `type::name`, or "stack" for a finding about the stack as a whole. */
    resource: string;
    /** What is wrong: the message without the policy's description line and without the fix. */
    message: string;
    /** The message's "Fix: ..." sentence, without "Fix: ". */
    fix?: string;
    source?: SourcePosition;
}

const LEVEL_ORDER: Record<ViolationLevel, number> = { mandatory: 0, advisory: 1, remediated: 2 };

/** The result's violations as findings: mandatory, then advisory, then remediated, each in the preview's order. */
export function findingsOf(result: PreviewResult): Finding[] {
    const names = new Map(result.resources.map(r => [r.urn, `${r.type}::${r.name}`]));
    const descriptions = new Map(result.pack.policies.map(p => [p.name, p.description]));
    return result.violations
        .map(v => {
            // @pulumi/policy sends the policy's description as the message's first line.
            const lines = v.message.split("\n");
            const text = lines.length > 1 && lines[0].trim() === descriptions.get(v.policy)?.trim() ? lines.slice(1).join("\n") : v.message;
            return {
                policy: v.policy, level: v.level, urn: v.urn,
                resource: v.urn ? names.get(v.urn) ?? v.urn : "stack",
                ...splitFix(text.trim()),
                source: v.urn ? result.sources[v.urn] : undefined,
            };
        })
        .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
}

/**
 * The pack's messages carry their fix as a sentence that starts "Fix: "; it ends at the end of
 * the message or where a new sentence starts (a cost note often follows). The message keeps the rest.
 */
export function splitFix(text: string): { message: string; fix?: string } {
    const start = text.search(/(^|\s)Fix: /);
    if (start < 0) return { message: text };
    const fixStart = text.indexOf("Fix: ", start) + "Fix: ".length;
    const end = text.slice(fixStart).search(/\.\s+(?=[A-Z$])/);
    const fixEnd = end < 0 ? text.length : fixStart + end + 1;
    const message = [text.slice(0, start), text.slice(fixEnd)].map(part => part.trim()).filter(Boolean).join(" ");
    return { message, fix: text.slice(fixStart, fixEnd).trim() };
}

/** A file's path relative to `dir` (the program's or the repository's), with forward slashes. */
export const relativeFile = (file: string, dir: string) => path.relative(dir, file).split(path.sep).join("/");

/** `file:line` of a source position, the file relative to `dir`. */
export const sourceText = (source: SourcePosition, dir: string) => `${relativeFile(source.file, dir)}:${source.line}`;
