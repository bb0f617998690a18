import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { compileForPod, configMapKey } from "../../../components/measurement/compile";

describe("measurement compileForPod", () => {
    let dir: string;
    const write = (name: string, source: string) => writeFileSync(path.join(dir, name), source);

    beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), "crossaz-compile-")); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("ships an entry point with its relative requires as CommonJS, leaving type-only imports out", () => {
        write("main.ts", 'import { readFileSync } from "node:fs";\nimport { twice } from "./math";\nimport type { Shape } from "./types";\n'
            + "export const area = (s: Shape): number => twice(s.side) + readFileSync.length;\n");
        write("math.ts", "export function twice(n: number): number { return 2 * n; }\n");
        write("types.ts", "export interface Shape { side: number }\n");
        const files = compileForPod([path.join(dir, "main.ts")]);
        assert.deepEqual(files.map(f => path.basename(f.path)), ["main.js", "math.js"]);
        assert.match(files[0].javascript, /require\("\.\/math"\)/);
        assert.doesNotMatch(files[0].javascript, /: number|Shape/);
    });

    it("refuses a module outside Node's standard library, naming the file and the module", () => {
        write("main.ts", 'import { parse } from "yaml";\nexport const doc = parse("a: 1");\n');
        assert.throws(() => compileForPod([path.join(dir, "main.ts")]),
            { message: /main\.ts requires "yaml": code shipped to pods may use only Node's standard library and relative modules$/ });
    });

    it("turns repository paths into ConfigMap keys", () => {
        assert.equal(configMapKey("policies/lib/cost-model.js"), "policies.lib.cost-model.js");
    });
});
