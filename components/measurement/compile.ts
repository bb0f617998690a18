/**
 * Compiles the in-pod programs for shipping in a ConfigMap: each entry point and every relative
 * module it requires (the report math, the cost model, the prices), transpiled with the
 * TypeScript compiler API to CommonJS. Files keep their repository-relative paths, so the
 * pod runs the same module graph as the tests. Anything but Node's standard library and
 * relative modules is refused: the pod has a stock Node image and no node_modules.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import * as path from "node:path";
import * as ts from "typescript";

/** The repository root: relative paths of shipped files start here. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

export interface CompiledFile {
    /** Repository-relative path with a .js extension, e.g. components/measurement/measurer.js. */
    path: string;
    javascript: string;
}

const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    strict: true,
};

/** entryPoints: repository-relative .ts paths. Returns them and their dependencies, sorted by path. */
export function compileForPod(entryPoints: string[]): CompiledFile[] {
    const compiled = new Map<string, CompiledFile>();
    const pending = entryPoints.map(entry => path.resolve(REPOSITORY_ROOT, entry));
    while (pending.length > 0) {
        const file = pending.pop()!;
        const relative = path.relative(REPOSITORY_ROOT, file).split(path.sep).join("/");
        if (compiled.has(relative)) continue;
        const source = readFileSync(file, "utf8");
        const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: file, reportDiagnostics: false });
        compiled.set(relative, { path: relative.replace(/\.ts$/, ".js"), javascript: outputText });
        // Scan the emitted JavaScript, not the source: type-only imports are gone from it.
        for (const { fileName: specifier } of ts.preProcessFile(outputText, true, true).importedFiles) {
            if (isBuiltin(specifier)) continue;
            if (!specifier.startsWith(".")) {
                throw new Error(`${relative} requires "${specifier}": code shipped to pods may use only Node's standard library and relative modules`);
            }
            pending.push(path.resolve(path.dirname(file), `${specifier}.ts`));
        }
    }
    return [...compiled.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** A ConfigMap data key for a shipped path (keys allow only [-._a-zA-Z0-9]). */
export const configMapKey = (shippedPath: string) => shippedPath.split("/").join(".");

/** First 10 hex digits of a SHA-256 over the compiled files' paths and contents. */
export function contentHash(files: readonly CompiledFile[]): string {
    const hash = createHash("sha256");
    for (const file of files) hash.update(`${file.path}\0${file.javascript}\0`);
    return hash.digest("hex").slice(0, 10);
}
