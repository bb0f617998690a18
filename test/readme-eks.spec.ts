import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { eksSchema, zonalServiceSchema } from "../components/config";

/** Dotted leaf keys of an object schema (through defaults, prefaults and optionals), e.g. nodePools.graviton. */
function leafKeys(schema: z.ZodType, prefix = ""): string[] {
    let inner: z.ZodType = schema;
    while (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
    if (!(inner instanceof z.ZodObject)) return [prefix.slice(0, -1)];
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) => leafKeys(child, `${prefix}${key}.`));
}

/** Keys in the first column of the config table under a README heading (`a` / `b` rows count twice). */
function readmeTableKeys(heading: string): string[] {
    const readme = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf(`## ${heading}`)).split(/\n## /)[0];
    return section.split("\n")
        .filter(line => line.startsWith("| `"))
        .flatMap(line => [...line.split("|")[1].matchAll(/`([^`]+)`/g)].map(m => m[1]));
}

describe("README config tables", () => {
    it("list every eks key and nothing else", () => {
        assert.ok(leafKeys(eksSchema).includes("nodePools.graviton"));
        assert.deepEqual(readmeTableKeys("EKS Auto Mode cluster").sort(), leafKeys(eksSchema).sort());
    });

    it("list every services key and nothing else", () => {
        assert.deepEqual(readmeTableKeys("Zone-local Kubernetes services").sort(), leafKeys(zonalServiceSchema).sort());
    });
});
