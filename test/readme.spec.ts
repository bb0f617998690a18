import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { configKeys, parseStackConfig, zonalServiceSchema } from "../components/config";

/** Rows of the config reference (docs/config.md): `| \`section.key\` | default | allowed |`, one key per row. */
function configReferenceRows(): { key: string; defaultCell: string }[] {
    const reference = readFileSync(join(__dirname, "..", "docs", "config.md"), "utf8");
    return [...reference.matchAll(/^\| `([a-zA-Z]+(?:\[\])?(?:\.(?:[a-zA-Z0-9]+|<key>)(?:\[\])?)+)` \| ([^|]*) \|/gm)]
        .map(([, key, defaultCell]) => ({ key, defaultCell: defaultCell.trim() }));
}

/** The value a key takes when left out: optional sections and list entries are given their required keys only. */
function defaultOf(key: string): unknown {
    if (key.startsWith("services[].")) {
        const service = zonalServiceSchema.parse({ name: "web", image: "web:1.0.0", port: 8080 });
        return lookup(service, key.slice("services[].".length));
    }
    const sidecars = [{ name: "log-router", image: "fluent-bit:3.0.0" }];
    const config = parseStackConfig({ traffic: {}, ecs: { services: { web: { image: "web:1.0.0", sidecars } } } });
    return lookup(config, key.replace("<key>", "web"));
}

/** Follows a config reference key path; `list[]` steps into the first entry. */
const lookup = (value: unknown, path: string) =>
    path.split(".").reduce<any>((current, part) => part.endsWith("[]") ? current?.[part.slice(0, -2)]?.[0] : current?.[part], value);

describe("config reference (docs/config.md)", () => {
    it("lists exactly the keys components/config.ts accepts, one row each", () => {
        const keys = configReferenceRows().map(r => r.key);
        assert.deepEqual([...keys].sort(), configKeys().sort());
        assert.equal(new Set(keys).size, keys.length);
    });

    it("states the defaults the config actually applies", () => {
        const literalDefaults = configReferenceRows().filter(r => /^`[^`]+`$/.test(r.defaultCell));
        assert.ok(literalDefaults.length > 40, `only ${literalDefaults.length} literal defaults found`);
        for (const { key, defaultCell } of literalDefaults) {
            assert.deepEqual(defaultOf(key), parseYaml(defaultCell.slice(1, -1)), key);
        }
    });
});
