import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "..");

/** `npm run engine:preview`'s usage errors need no engine: exit 2, one line on stderr. */
describe("automation/engine-preview (usage)", function () {
    this.timeout(60_000);
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "automation", "engine-preview.ts"), ...args], {
        encoding: "utf8", cwd: ROOT, env: { ...process.env, CROSSAZ_ENGINE_CACHE: mkdtempSync(path.join(tmpdir(), "no-engine-")), ...env },
    });
    for (const [what, args, message] of [
        ["an unknown flag", ["--bogus"], /^engine preview: unknown flag --bogus: the flags are --stack, .*; run with --help for usage$/],
        ["a format the engine preview does not print", ["--format", "sarif"], /^engine preview: --format sarif is not one of human, json; run with --help for usage$/],
        ["a stack without Pulumi.<stack>.yaml", ["--stack", "nope"], /^engine preview: --stack nope has no Pulumi\.nope\.yaml in .* \(stacks here: dev, prod\)$/],
        ["no engine set up", ["--stack", "dev"], /^engine preview: no Pulumi engine set up in .*: run npm run engine:setup$/],
    ] as const) {
        it(what, () => {
            const r = run([...args]);
            assert.equal(r.status, 2, r.stderr);
            assert.equal(r.stdout, "");
            assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
            assert.match(r.stderr.trimEnd(), message);
        });
    }
});
