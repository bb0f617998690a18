/**
 * The flag tables of preview:offline, engine:preview and ci: each command parses its argv with
 * its table and prints its --help from it (flags.ts).
 */
import * as path from "node:path";
import { Command, SwitchFlag, UsageError, ValueFlag } from "./flags";
import { DEFAULT_POLICY_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS } from "./preview/limits";

const PROJECT_ROOT = path.resolve(__dirname, "..");

/** The report formats of the offline preview; the engine preview prints its own output or JSON. */
export const REPORT_FORMATS = ["human", "json", "sarif", "markdown"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The flags both previews take, so they run side by side on one program. */
const previewFlags = {
    stack: { type: "string", value: "NAME", default: "dev", description: "the stack to preview: its config is the program's Pulumi.NAME.yaml" },
    program: { type: "string", value: "DIR", default: PROJECT_ROOT, description: "the Pulumi project to preview" },
    "policy-pack": { type: "string", value: "DIR", default: path.join(PROJECT_ROOT, "policies"), description: "the policy pack to check it with" },
    "policy-pack-config": { type: "string", value: "FILE", description: "policy pack config (default: the pack's config/NAME.json when it exists)" },
    traffic: { type: "string", value: "FILE", description: "the traffic section (YAML or JSON) to price, instead of the stack's traffic config" },
} as const satisfies Record<string, ValueFlag>;

/** A time limit: whole seconds, at least one. */
const SECONDS = { test: /^[1-9][0-9]*$/, says: "a whole number of seconds, 1 or more" };

const JSON_FLAG = { type: "boolean", description: "same as --format json" } as const satisfies SwitchFlag;

const PREVIEW_EXIT_CODES = [
    [0, "no mandatory policy violation"],
    [1, "mandatory policy violations"],
    [2, "usage, config or program error (one line on stderr)"],
] as const;

export const OFFLINE_PREVIEW = {
    script: "preview:offline",
    about: [
        "Runs a Pulumi program under the mock runtime and checks it with a CrossGuard policy pack, the way",
        "`pulumi preview --policy-pack` would, with no cloud account; prices its cross-AZ data transfer in USD.",
        "The human report lists findings (each with its fix and source position), then costs, resources and the verdict.",
    ].join("\n"),
    flags: {
        ...previewFlags,
        "compare-to": { type: "string", value: "FILE", description: "an earlier --format json report: adds the cost change against it" },
        "new-stack": { type: "boolean", description: "preview as a stack with nothing deployed: every id and computed output unknown" },
        format: { type: "string", value: "FORMAT", choices: REPORT_FORMATS, description: "the report on stdout (default: human)" },
        json: JSON_FLAG,
        timeout: { type: "string", value: "SECONDS", default: String(DEFAULT_TIMEOUT_SECONDS), pattern: SECONDS, description: "how long the program may run; past it, exit 2 naming it" },
        "policy-timeout": { type: "string", value: "SECONDS", default: String(DEFAULT_POLICY_TIMEOUT_SECONDS), pattern: SECONDS, description: "how long each policy pack call may take; past it, exit 2 naming the policy and the resource" },
    },
    exitCodes: PREVIEW_EXIT_CODES,
} as const satisfies Command<any>;

export const ENGINE_PREVIEW = {
    script: "engine:preview",
    about: [
        "A real `pulumi preview --policy-pack` on the engine `npm run engine:setup` set up, in a scratch copy of the",
        "program on a local file backend, with stand-in providers as the cloud. Takes the offline preview's flags;",
        "prints the engine's own output (human) or a JSON document with the engine's output on stderr (json).",
    ].join("\n"),
    flags: {
        ...previewFlags,
        "new-stack": { type: "boolean", description: "accepted for parity: every engine preview here is of a new stack" },
        format: { type: "string", value: "FORMAT", choices: ["human", "json"], description: "the engine's own output, or a JSON document (default: human)" },
        json: JSON_FLAG,
    },
    exitCodes: [
        [0, "the preview passed"],
        [1, "a mandatory policy violation failed the preview (else the pulumi CLI's own exit code)"],
        [2, "usage or setup error (one line on stderr)"],
    ],
} as const satisfies Command<any>;

export const CI = {
    script: "ci",
    about: [
        "Runs `pulumi preview` or `pulumi up` with the policy pack on each stack through the Automation API and",
        "writes a Markdown summary (to --summary FILE, else $GITHUB_STEP_SUMMARY when set, and to stderr).",
        "`up` refuses a stack whose preview has mandatory violations.",
    ].join("\n"),
    positional: { name: "the operation", choices: ["preview", "up"] },
    flags: {
        stack: { type: "string", multiple: true, value: "NAME", required: true, description: "a stack to run; its Pulumi.NAME.yaml must exist" },
        parallel: { type: "string", value: "N", default: "1", pattern: { test: /^[1-9][0-9]*$/, says: "a positive integer" }, description: "how many stacks run at once" },
        summary: { type: "string", value: "FILE", description: "append the Markdown summary to FILE (default: $GITHUB_STEP_SUMMARY when set)" },
        json: { type: "boolean", description: "print {ok, stacks} as JSON on stdout; engine output goes to stderr" },
    },
    exitCodes: [
        [0, "every stack passed"],
        [1, "mandatory violations, a failed preview or up, or an unexpected error"],
        [2, "usage error, or no pulumi CLI on PATH (one line on stderr)"],
    ],
} as const satisfies Command<any>;

/** --format, or --json as its alias; both given and different is a usage error. */
export function formatOf<F extends string>(values: { format?: F; json: boolean }): F | "human" | "json" {
    if (values.json && values.format !== undefined && values.format !== "json") {
        throw new UsageError(`--json (--format json) conflicts with --format ${values.format}: give one`);
    }
    return values.format ?? (values.json ? "json" : "human");
}

export const PACK_CONFIG = {
    script: "pack-config",
    about: [
        "Writes the stack's traffic section (Pulumi.<stack>.yaml, <project>:traffic) into a pack config file, as the",
        "traffic property of every policy that prices its findings with it, so that pulumi preview --policy-pack",
        "messages carry the dollar figures of the offline preview.",
    ].join("\n"),
    flags: {
        stack: { type: "string", value: "NAME", required: true, description: "the stack whose traffic section to read" },
        program: { type: "string", value: "DIR", default: PROJECT_ROOT, description: "the Pulumi project holding Pulumi.NAME.yaml" },
        "policy-pack-config": { type: "string", value: "FILE", description: "the pack config to update (default: policies/config/NAME.json of this project)" },
        check: { type: "boolean", description: "write nothing; exit 1 when the file is out of date with the stack's traffic" },
    },
    exitCodes: [
        [0, "written, or already up to date"],
        [1, "out of date (--check)"],
        [2, "usage or config error (one line on stderr)"],
    ],
} as const satisfies Command<any>;

