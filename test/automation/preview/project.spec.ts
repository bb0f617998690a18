import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PreviewError } from "../../../automation/preview/errors";
import { loadStackSettings } from "../../../automation/preview/project";

/** A throwaway Pulumi project: Pulumi.yaml and Pulumi.ci.yaml with the given texts. */
function project(projectYaml: string, stackYaml: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "project-"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml);
    writeFileSync(path.join(dir, "Pulumi.ci.yaml"), stackYaml);
    return dir;
}

describe("automation/preview/project loadStackSettings", () => {
    it("takes project-level config from Pulumi.yaml (values and defaults), the stack's values over them", () => {
        const dir = project([
            "name: shop", "runtime: nodejs", "config:",
            "  plain: fromProject", "  declared: { type: string, default: fromDefault }", "  withValue: { value: { a: 1 } }",
            "  overridden: { type: string, default: lost }", "  aws:region: eu-west-1", "  noDefault: { type: string }",
        ].join("\n"), "config:\n  overridden: fromStack\n  aws:region: us-east-1\n");
        assert.deepEqual(loadStackSettings(dir, "ci").config, {
            "shop:plain": "fromProject", "shop:declared": "fromDefault", "shop:withValue": '{"a":1}',
            "shop:overridden": "fromStack", "aws:region": "us-east-1",
        });
    });

    it("reads every secure value as [secret], nested ones included, and marks those keys secret", () => {
        const dir = project("name: shop\nruntime: nodejs\n", [
            "config:", "  token: { secure: AAAB }", "  db: { host: db.internal, password: { secure: AAAC } }", "  plain: { a: [1, { b: 2 }] }",
        ].join("\n"));
        const settings = loadStackSettings(dir, "ci");
        assert.equal(settings.config["shop:token"], "[secret]");
        assert.deepEqual(JSON.parse(settings.config["shop:db"]), { host: "db.internal", password: "[secret]" });
        assert.deepEqual(JSON.parse(settings.config["shop:plain"]), { a: [1, { b: 2 }] });
        assert.deepEqual(settings.secretKeys.sort(), ["shop:db", "shop:token"]);
    });

    it("refuses a config that is not a mapping, in the stack file or in Pulumi.yaml, in one line naming the file", () => {
        for (const [projectYaml, stackYaml, file, got] of [
            ["name: shop\n", "config: [1, 2]\n", "Pulumi.ci.yaml", "[1,2]"],
            ["name: shop\n", "config: 5\n", "Pulumi.ci.yaml", "5"],
            ["name: shop\nconfig: plain\n", "config: {}\n", "Pulumi.yaml", '"plain"'],
        ]) {
            const dir = project(projectYaml, stackYaml);
            assert.throws(() => loadStackSettings(dir, "ci"), (e: Error) => e instanceof PreviewError
                && e.message === `${path.join(realpathSync(dir), file)} config must be a mapping of keys like aws:region to values, got ${got}`);
        }
        assert.deepEqual(loadStackSettings(project("name: shop\n", "config:\n"), "ci").config, {}, "an empty config is no config");
    });

    it("keeps a YAML .inf or .nan, which JSON cannot carry, as its YAML text rather than null", () => {
        const dir = project("name: shop\n", "config:\n  shop:limits: { max: .inf, min: -.inf, ratio: .nan }\n  shop:top: .inf\n");
        const config = loadStackSettings(dir, "ci").config;
        assert.deepEqual(JSON.parse(config["shop:limits"]), { max: ".inf", min: "-.inf", ratio: ".nan" });
        assert.equal(config["shop:top"], ".inf");
    });

    it("resolves a symlinked program directory to its real path", () => {
        const dir = project("name: shop\nruntime: nodejs\n", "config: {}\n");
        const link = path.join(mkdtempSync(path.join(tmpdir(), "link-")), "shop");
        symlinkSync(dir, link);
        assert.equal(loadStackSettings(link, "ci").programDir, realpathSync(dir));
    });
});
