/**
 * Reads a Pulumi project the way the CLI does: Pulumi.yaml for the project name and entry point,
 * Pulumi.<stack>.yaml for the stack's config. Config keys without a namespace belong to the
 * project; structured values travel to the program as JSON strings, as `pulumi config` stores them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PreviewError } from "./errors";

export interface StackSettings {
    programDir: string;
    project: string;
    stack: string;
    /** The file to require: Pulumi.yaml `main`, else the directory (package.json main or index). */
    entry: string;
    /** Flat `namespace:key` -> string, as the Pulumi runtime reads it. */
    config: Record<string, string>;
    /** Keys whose value is a secret (`secure:` in the stack file); their values are not readable offline. */
    secretKeys: string[];
}

const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

export function loadStackSettings(programDir: string, stack: string): StackSettings {
    const resolved = path.resolve(programDir);
    // The real path: module resolution compares against it (a symlinked project dir would not match).
    const dir = fs.existsSync(resolved) ? fs.realpathSync(resolved) : resolved;
    const projectFile = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(projectFile)) throw new PreviewError(`--program ${programDir} has no Pulumi.yaml: point it at a Pulumi project directory`);
    if (!STACK_NAME.test(stack)) throw new PreviewError(`--stack ${JSON.stringify(stack)} is not a stack name: use letters, digits, - _ .`);
    const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new PreviewError(`--stack ${stack} has no Pulumi.${stack}.yaml in ${dir} (stacks here: ${stacksIn(dir).join(", ") || "none"})`);
    }
    const projectYaml = readYaml(projectFile) ?? {};
    const { name: project, entry } = projectOf(dir, projectYaml);
    const stackYaml = readYaml(stackFile) ?? {};
    const config: Record<string, string> = {};
    const secretKeys = new Set<string>();
    // Project-level values first (Pulumi.yaml `config:`, a value or {default|value, type, ...}); the stack's override them.
    const projectValues = Object.entries<unknown>(configOf(projectFile, projectYaml))
        .map(([key, value]) => [key, isDeclaration(value) ? value.value ?? value.default : value] as const)
        .filter(([, value]) => value !== undefined);
    for (const [rawKey, value] of [...projectValues, ...Object.entries<unknown>(configOf(stackFile, stackYaml))]) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        // Ciphertext needs the stack's secrets provider, which does not exist offline: every `secure:`
        // value, nested ones too, reads "[secret]", and the key is secret as under `pulumi config`.
        const readable = withoutCiphertext(value);
        if (readable !== value) secretKeys.add(key);
        else secretKeys.delete(key); // a stack value over a project-level secret
        const scalar = nonFiniteAsText("", readable);
        config[key] = typeof scalar === "string" ? scalar : JSON.stringify(readable, nonFiniteAsText);
    }
    return { programDir: dir, project, stack, entry, config, secretKeys: [...secretKeys] };
}

/**
 * A project's name and the module the language host runs, as the CLI reads Pulumi.yaml: `name`
 * (else package.json's, else the directory's), `main` relative to the project, else the directory.
 */
export function projectOf(dir: string, projectYaml: Record<string, any> = readYaml(path.join(dir, "Pulumi.yaml")) ?? {}): { name: string; entry: string } {
    return {
        name: String(projectYaml.name ?? packageName(dir) ?? path.basename(dir)),
        entry: typeof projectYaml.main === "string" ? path.resolve(dir, projectYaml.main) : dir,
    };
}

/** A project or stack file's `config:` mapping; anything else there is an error, as under the Pulumi CLI. */
function configOf(file: string, yaml: Record<string, any>): Record<string, unknown> {
    const config = yaml.config ?? {};
    if (typeof config === "object" && !Array.isArray(config)) return config;
    throw new PreviewError(`${file} config must be a mapping of keys like aws:region to values, got ${JSON.stringify(config)}`);
}

/** The stacks a project directory has a Pulumi.<stack>.yaml for. */
export function stacksIn(dir: string): string[] {
    return fs.readdirSync(dir).map(f => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s);
}

function readYaml(file: string): Record<string, any> | undefined {
    try {
        return parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new PreviewError(`${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
}

function packageName(dir: string): string | undefined {
    const file = path.join(dir, "package.json");
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")).name : undefined;
}

/** YAML's .inf, -.inf and .nan as that text: JSON has no such numbers and would carry them as null. */
const nonFiniteAsText = (_key: string, value: unknown) =>
    typeof value !== "number" || Number.isFinite(value) ? value : Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf";

const isSecure = (value: unknown) => typeof value === "object" && value !== null && "secure" in value;

/** The value with every `{secure: ...}` in it replaced by "[secret]"; the same value when it holds none. */
function withoutCiphertext(value: unknown): unknown {
    if (isSecure(value)) return "[secret]";
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value).map(([k, v]) => [k, withoutCiphertext(v)] as const);
    if (entries.every(([k, v]) => v === (value as Record<string, unknown>)[k])) return value;
    return Array.isArray(value) ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}

/** A Pulumi.yaml config declaration (`{type, default, description, ...}` or `{value}`) rather than a plain value. */
const DECLARATION_KEYS = ["type", "default", "value", "description", "secret", "items"];
const isDeclaration = (value: unknown): value is { value?: unknown; default?: unknown } =>
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).some(k => DECLARATION_KEYS.includes(k));
