/** Runs index.ts under the mocks with a stack file's config, as the engine passes it (objects as JSON strings). */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { declare, Registration } from "./mocks";

export async function runProgram(stack: string): Promise<{ registered: Registration[]; outputs: Record<string, any> }> {
    const file = path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`);
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(parse(readFileSync(file, "utf8")).config as Record<string, unknown>)) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const program: () => Promise<Record<string, any>> = require("../../index");
    const { result: outputs, resources: registered } = await declare(program, { config, preview: false });
    return { registered, outputs };
}
