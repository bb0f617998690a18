/**
 * The documentation as users get it: README.md stays short, every relative link and anchor in
 * README.md and docs/**.md resolves, every repository path they name exists, nothing points outside
 * the repository, and every policy of the pack has its page and its README line with the levels
 * the code and the shipped configs give it.
 */
import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { allPolicies } from "../policies/rules";

const ROOT = resolve(__dirname, "..");
const README_BYTES_MAX = 15 * 1024;

function markdownFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const path = join(dir, entry.name);
        return entry.isDirectory() ? markdownFiles(path) : entry.name.endsWith(".md") ? [path] : [];
    });
}

const DOCS = [join(ROOT, "README.md"), ...markdownFiles(join(ROOT, "docs"))];
const read = (file: string) => readFileSync(file, "utf8");
const rel = (file: string) => relative(ROOT, file).split(sep).join("/");

/** The page split into prose (fenced blocks blanked out) and its fenced blocks with their language. */
function parse(markdown: string): { prose: string; fences: { lang: string; body: string }[] } {
    const fences: { lang: string; body: string }[] = [];
    const prose = markdown.replace(/^(```|~~~)([\w-]*)[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm, (_, __, lang: string, body: string) => {
        fences.push({ lang, body });
        return "";
    });
    return { prose, fences };
}

/** GitHub's heading anchors: the heading's text without markup, lower-cased, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    for (const [, text] of parse(markdown).prose.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
        const plain = text.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*_~]|<[^>]+>/g, match => (match === "_" ? "_" : ""));
        const base = plain.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    return anchors;
}

/** Link targets of the prose, inline code taken out first (a `[x](y)` in code is not a link). */
function linksOf(markdown: string): string[] {
    const prose = parse(markdown).prose.replace(/`[^`\n]*`/g, "");
    return [...prose.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)].map(([, target]) => target);
}

/** Repository paths the page names: in prose and inline code, and in shell blocks (commands). */
function repoPathsOf(markdown: string): string[] {
    const { prose, fences } = parse(markdown);
    // Link targets are relative to the page, not the repository: the link check covers them.
    const text = [prose.replace(/\]\([^)]*\)/g, "]"), ...fences.filter(f => f.lang === "sh").map(f => f.body)].join("\n");
    const found = text.matchAll(/(?:^|[\s(`'"])((?:components|policies|automation|test|docs|\.github|\.ci)\/[^\s`'"(),;|<>[\]]*)/gm);
    return [...new Set([...found].map(([, path]) => path.replace(/#.*$/, "").replace(/[.:]+$/, "")))];
}

/** Whether a repository path exists; `*` matches within a name (a path stops before a `<placeholder>`). */
function pathExists(path: string): boolean {
    if (!path.includes("*")) return existsSync(join(ROOT, path));
    const dir = join(ROOT, dirname(path));
    const name = new RegExp(`^${path.split("/").pop()!.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    return existsSync(dir) && readdirSync(dir).some(entry => name.test(entry));
}

describe("documentation", () => {
    it(`README.md is at most ${README_BYTES_MAX} bytes`, () => {
        const bytes = statSync(join(ROOT, "README.md")).size;
        assert.ok(bytes <= README_BYTES_MAX, `README.md is ${bytes} bytes`);
    });

    it("every relative link and anchor resolves", () => {
        const broken: string[] = [];
        for (const file of DOCS) {
            for (const target of linksOf(read(file))) {
                if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
                const [path, anchor] = target.split("#", 2);
                const resolved = path === "" ? file : resolve(dirname(file), decodeURI(path));
                if (!resolved.startsWith(ROOT + sep) && resolved !== ROOT) {
                    broken.push(`${rel(file)}: ${target} leaves the repository`);
                } else if (!existsSync(resolved)) {
                    broken.push(`${rel(file)}: ${target} does not exist`);
                } else if (anchor !== undefined && !(resolved.endsWith(".md") && anchorsOf(read(resolved)).has(anchor))) {
                    broken.push(`${rel(file)}: ${target} names no heading of ${rel(resolved)}`);
                }
            }
        }
        assert.deepEqual(broken, []);
    });

    it("every repository path the docs name exists", () => {
        const missing = DOCS.flatMap(file => repoPathsOf(read(file)).filter(path => !pathExists(path)).map(path => `${rel(file)}: ${path}`));
        assert.deepEqual(missing, []);
    });

    it("nothing in the repository points outside it to a shared folder", () => {
        const needle = ["..", "shared"].join("/");
        const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
            if (["node_modules", ".git"].includes(entry.name)) return [];
            const path = join(dir, entry.name);
            return entry.isDirectory() ? walk(path) : [path];
        });
        const offenders = walk(ROOT).filter(file => statSync(file).size < 5_000_000 && read(file).includes(needle)).map(rel);
        assert.deepEqual(offenders, []);
    });

    describe("every policy of the pack", () => {
        const readme = read(join(ROOT, "README.md"));
        const index = read(join(ROOT, "docs", "policies", "README.md"));
        const stackConfig = (stack: string) => JSON.parse(read(join(ROOT, "policies", "config", `${stack}.json`)));
        const levelIn = (config: Record<string, any>, name: string, fallback: string) =>
            typeof config[name] === "string" ? config[name] : config[name]?.enforcementLevel ?? fallback;

        for (const policy of allPolicies) {
            const page = `docs/policies/${policy.name}.md`;

            it(`${policy.name}: has ${page} with its levels and config options`, () => {
                assert.ok(existsSync(join(ROOT, page)), `${page} is missing`);
                const text = read(join(ROOT, page));
                assert.match(text, new RegExp(`^# \`${policy.name}\`$`, "m"));
                assert.ok(text.includes(`| Default level | **${policy.enforcementLevel}** |`), `${page}: default level ${policy.enforcementLevel}`);
                for (const stack of ["dev", "prod"]) {
                    const level = levelIn(stackConfig(stack), policy.name, policy.enforcementLevel!);
                    assert.ok(text.includes(`| \`${stack}\` stack | ${level} (\`policies/config/${stack}.json\`) |`), `${page}: ${stack} level ${level}`);
                }
                for (const option of Object.keys(policy.configSchema?.properties ?? {})) {
                    assert.ok(text.includes(`\`${option}\``), `${page} does not document config option ${option}`);
                }
            });

            it(`${policy.name}: has a README line with its default level, and a row in docs/policies/README.md`, () => {
                const line = readme.split("\n").find(l => l.includes(`](${page})`));
                assert.ok(line, `README.md has no line linking ${page}`);
                assert.ok(line.includes(`, ${policy.enforcementLevel}`), `README line for ${policy.name} lacks its level: ${line}`);
                assert.ok(index.includes(`| [\`${policy.name}\`](${policy.name}.md) | ${policy.enforcementLevel} |`), `docs/policies/README.md has no row for ${policy.name}`);
            });
        }

        it("and no page for a policy the pack lacks", () => {
            const names = new Set(allPolicies.map(p => p.name));
            const pages = readdirSync(join(ROOT, "docs", "policies")).filter(f => f !== "README.md").map(f => f.replace(/\.md$/, ""));
            assert.deepEqual(pages.filter(p => !names.has(p)), []);
        });
    });
});
