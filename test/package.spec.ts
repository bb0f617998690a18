/**
 * What `npm ci --omit=dev` installs is enough for `pulumi up`, the pack and the tools: every
 * package the program (index.ts, components/), the pack (policies/) or the tools (automation/)
 * import is a dependency of the package that ships it, never a devDependency.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const manifest = (dir: string) => JSON.parse(readFileSync(path.join(ROOT, dir, "package.json"), "utf8"));

/** The TypeScript files under `dir` (or the file itself), node_modules aside. */
function sources(entry: string): string[] {
    const full = path.join(ROOT, entry);
    if (statSync(full).isFile()) return [full];
    return readdirSync(full, { withFileTypes: true }).flatMap(e =>
        e.name === "node_modules" ? [] : e.isDirectory() ? sources(path.join(entry, e.name)) : e.name.endsWith(".ts") ? [path.join(full, e.name)] : []);
}

/** Every module specifier a file imports, exports from or requires, from its syntax tree. */
function specifiersOf(file: string): string[] {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const specifiers: string[] = [];
    const visit = (node: ts.Node) => {
        // `import type` is erased at compile time: a types-only package (@types/*) may be a devDependency.
        const typeOnly = (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly) || (ts.isExportDeclaration(node) && node.isTypeOnly);
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && !typeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
        if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])
            && (node.expression.getText(source) === "require" || node.expression.getText(source) === "require.resolve" || node.expression.kind === ts.SyntaxKind.ImportKeyword)) {
            specifiers.push(node.arguments[0].text);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return specifiers;
}

/** The bare package names a file imports (`@scope/name` or `name`), Node's built-ins aside. */
function importedPackages(file: string): string[] {
    return specifiersOf(file)
        .filter(s => !s.startsWith(".") && !path.isAbsolute(s) && !s.startsWith("node:") && !builtinModules.includes(s.split("/")[0]))
        .map(s => s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]);
}

describe("runtime dependencies", () => {
    const root = manifest(".");
    const pack = manifest("policies");

    it("the program and the tools import only the root package's dependencies (or the pack, a workspace of it)", () => {
        const allowed = new Set([...Object.keys(root.dependencies), ...Object.keys(pack.dependencies)]);
        const wrong = ["index.ts", "components", "automation"].flatMap(sources)
            .flatMap(file => importedPackages(file).filter(name => !allowed.has(name)).map(name => `${path.relative(ROOT, file)} imports ${name}`));
        assert.deepEqual(wrong, []);
    });

    it("the pack imports only its own dependencies: it is installed on its own when published", () => {
        const wrong = sources("policies").flatMap(file => importedPackages(file).filter(name => !(name in pack.dependencies)).map(name => `${path.relative(ROOT, file)} imports ${name}`));
        assert.deepEqual(wrong, []);
    });

    it("the pack's relative imports stay inside policies/: nothing else is in its tarball", () => {
        const outside = sources("policies").flatMap(file => specifiersOf(file).filter(s => s.startsWith("."))
            .filter(s => path.relative(path.join(ROOT, "policies"), path.resolve(path.dirname(file), s)).startsWith(".."))
            .map(s => `${path.relative(ROOT, file)} imports ${s}`));
        assert.deepEqual(outside, []);
    });

    it("reads imports the way the check above relies on", () => {
        const names = importedPackages(path.join(ROOT, "automation", "preview", "policy-config.ts"));
        assert.ok(names.includes("ajv"), names.join(", "));
    });
});
