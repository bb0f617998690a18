/**
 * One flag table per command drives both its parser and its --help (automation/flags.ts,
 * automation/commands.ts): in process here, and through the real commands at the end.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CI, ENGINE_PREVIEW, OFFLINE_PREVIEW, formatOf } from "../../automation/commands";
import { Command, FlagTable, HELP_FLAG, UsageError, helpText, parseCommand } from "../../automation/flags";

const ROOT = path.resolve(__dirname, "..", "..");
const COMMANDS: [string, Command<FlagTable>][] = [["offline-preview.ts", OFFLINE_PREVIEW], ["engine-preview.ts", ENGINE_PREVIEW], ["ci.ts", CI]];

/** The flags a --help text lists: `--name` at the start of a line of its flags section. */
const listedFlags = (help: string) => [...help.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map(m => m[1]);

/** A value the flag takes: its first choice, a number for a pattern, else a word. */
function valueFor(command: Command<FlagTable>, name: string): string[] {
    const flag = name === "help" ? HELP_FLAG : command.flags[name];
    if (flag.type === "boolean") return [];
    if ("choices" in flag && flag.choices) return [flag.choices[0]];
    return ["pattern" in flag && flag.pattern ? "2" : "x"];
}
/** The smallest valid argv: the positional and required flags. */
const base = (command: Command<FlagTable>) => [
    ...(command.positional ? [command.positional.choices[0]] : []),
    ...Object.entries(command.flags).filter(([, f]) => f.type === "string" && f.required).flatMap(([name]) => [`--${name}`, "x"]),
];
function failure(command: Command<FlagTable>, argv: string[]): string {
    try {
        parseCommand(command, argv);
    } catch (error) {
        assert.ok(error instanceof UsageError, String(error));
        return error.message;
    }
    assert.fail(`${argv.join(" ")} parsed`);
}

describe("automation/flags", () => {
    for (const [file, command] of COMMANDS) {
        describe(command.script, () => {
            const help = helpText(command);

            it("--help lists every flag the parser takes, and the parser takes every flag it lists", () => {
                assert.deepEqual(listedFlags(help).sort(), [...Object.keys(command.flags), "help"].sort());
                for (const name of listedFlags(help).filter(n => n !== "help")) {
                    const parsed = parseCommand(command, [...base(command), `--${name}`, ...valueFor(command, name)]);
                    assert.equal(parsed.help, false, name);
                }
                assert.deepEqual(parseCommand(command, ["-h"]), { help: true });
                assert.deepEqual(parseCommand(command, ["--stack", "--bogus", "--help"]), { help: true }, "help wins over errors");
            });

            it("--help has one line per flag, the usage line and the exit codes", () => {
                assert.match(help, new RegExp(`^usage: npm run ${command.script} -- `));
                for (const [name, flag] of Object.entries(command.flags)) {
                    assert.match(help, new RegExp(`^ {2}--${name}\\b.*${flag.description.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m"));
                }
                for (const [code, meaning] of command.exitCodes) assert.ok(help.includes(`  ${code}  ${meaning}`), `${code} ${meaning}`);
            });

            it("an unknown flag is a usage error that names it, lists the flags and points to --help", () => {
                const message = failure(command, [...base(command), "--stak", "dev"]);
                assert.match(message, /^unknown flag --stak: the flags are --.*; run with --help for usage$/);
                for (const name of Object.keys(command.flags)) assert.ok(message.includes(`--${name}`), name);
            });

            it(`${file} --help exits 0 with the same text; a usage error exits 2 with one line naming the flag`, () => {
                const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "automation", file), ...args], {
                    encoding: "utf8", cwd: ROOT,
                    env: { ...process.env, CROSSAZ_ENGINE_CACHE: mkdtempSync(path.join(tmpdir(), "no-engine-")), PATH: `/nonexistent:${process.env.PATH}` },
                });
                const shown = run([...base(command), "--help"]);
                assert.equal(shown.status, 0, shown.stderr);
                assert.equal(shown.stdout, help + "\n");
                const bad = run([...base(command), "--bogus=1"]);
                assert.equal(bad.status, 2, bad.stderr);
                assert.equal(bad.stdout, "");
                assert.match(bad.stderr, /^(\w+ \w+: )?unknown flag --bogus: the flags are .*; run with --help for usage\n$/);
            });
        });
    }

    it("names the flag, the value and what is allowed in each usage error", () => {
        assert.equal(failure(OFFLINE_PREVIEW, ["--format", "xml"]), "--format xml is not one of human, json, sarif, markdown; run with --help for usage");
        assert.equal(failure(ENGINE_PREVIEW, ["--format=sarif"]), "--format sarif is not one of human, json; run with --help for usage");
        assert.equal(failure(CI, ["up", "--stack", "dev", "--parallel", "0"]), "--parallel 0 is not a positive integer; run with --help for usage");
        assert.equal(failure(OFFLINE_PREVIEW, ["--stack"]), "--stack needs a value (NAME); run with --help for usage");
        assert.equal(failure(OFFLINE_PREVIEW, ["--traffic", "--json"]), "--traffic needs a value (FILE), got the flag --json; run with --help for usage");
        assert.equal(failure(OFFLINE_PREVIEW, ["--new-stack=yes"]), "--new-stack takes no value, got --new-stack=yes; run with --help for usage");
        assert.equal(failure(OFFLINE_PREVIEW, ["--stack", "dev", "--stack", "prod"]), "--stack given 2 times (dev, prod): it takes one value; run with --help for usage");
        assert.equal(failure(OFFLINE_PREVIEW, ["dev"]), "unexpected argument 'dev': this command takes flags only; run with --help for usage");
        assert.equal(failure(CI, ["deploy", "--stack", "dev"]), "the operation must be one of preview, up, got deploy; run with --help for usage");
        assert.equal(failure(CI, ["preview"]), "--stack NAME is required; run with --help for usage");
        for (const parallel of ["0x2", "1e3", " 2", "-1"]) assert.match(failure(CI, ["preview", "--stack", "dev", `--parallel=${parallel}`]), /^--parallel .* is not a positive integer/);
    });

    it("parses values with their defaults, lists and switches", () => {
        const parsed = parseCommand(CI, ["up", "--stack", "dev", "--stack=prod", "--json"]);
        assert.deepEqual(parsed, { help: false, positional: "up", values: { stack: ["dev", "prod"], parallel: "1", summary: undefined, json: true } });
        const offline = parseCommand(OFFLINE_PREVIEW, ["--format", "sarif"]);
        assert.ok(!offline.help);
        assert.equal(offline.values.stack, "dev");
        assert.equal(offline.values.format, "sarif");
        assert.equal(offline.values["new-stack"], false);
    });

    it("--json is --format json: alone, with --format json, and a usage error with another format", () => {
        assert.equal(formatOf({ json: true }), "json");
        assert.equal(formatOf({ json: true, format: "json" }), "json");
        assert.equal(formatOf({ json: false }), "human");
        assert.equal(formatOf({ json: false, format: "markdown" }), "markdown");
        assert.throws(() => formatOf({ json: true, format: "sarif" }), { name: "UsageError", message: "--json (--format json) conflicts with --format sarif: give one; run with --help for usage" });
    });
});
