import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { configKeys, parseStackConfig } from "../components/config";

/** Rows of the README's config reference: `| \`section.key\` | default | allowed |`. */
function configReferenceRows(): { key: string; defaultCell: string }[] {
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    return [...readme.matchAll(/^\| `([a-zA-Z]+(?:\[\])?(?:\.[a-zA-Z0-9]+(?:\[\])?)+)` \| ([^|]*) \|/gm)]
        .map(([, key, defaultCell]) => ({ key, defaultCell: defaultCell.trim() }));
}

describe("README config reference", () => {
    it("lists exactly the keys components/config.ts accepts", () => {
        assert.deepEqual(configReferenceRows().map(r => r.key).sort(), configKeys().sort());
    });

    it("states the defaults the config actually applies", () => {
        const defaults = parseStackConfig({}) as Record<string, any>;
        const literalDefaults = configReferenceRows().filter(r => /^`[^`]+`$/.test(r.defaultCell) && !r.key.includes("[]"));
        assert.ok(literalDefaults.length > 0);
        for (const { key, defaultCell } of literalDefaults) {
            const actual = key.split(".").reduce((value, part) => value?.[part], defaults);
            assert.deepEqual(actual, parseYaml(defaultCell.slice(1, -1)), key);
        }
    });
});
