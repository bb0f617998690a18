/**
 * Command-line flags from one table per command: the parser and the `--help` text read the same
 * definitions, so no flag is accepted without being documented or documented without being
 * accepted. Usage errors are one line that names the flag, the value and what is allowed.
 */
import { parseArgs } from "node:util";

interface FlagBase {
    /** One line for --help. */
    description: string;
}
/** A flag that takes one value: `--stack dev` or `--stack=dev`. */
export interface ValueFlag extends FlagBase {
    type: "string";
    /** The value's placeholder in --help: NAME, DIR, FILE. */
    value: string;
    default?: string;
    /** The values allowed; --help shows them instead of the placeholder. */
    choices?: readonly string[];
    /** What a value must look like, and how --help and errors say it. */
    pattern?: { test: RegExp; says: string };
    required?: boolean;
}
/** A flag that may be given more than once: `--stack dev --stack prod`. */
export interface ListFlag extends FlagBase {
    type: "string";
    multiple: true;
    value: string;
    required?: boolean;
}
export interface SwitchFlag extends FlagBase {
    type: "boolean";
    short?: string;
}
export type Flag = ValueFlag | ListFlag | SwitchFlag;
export type FlagTable = Readonly<Record<string, Flag>>;

/** A value flag's value: one of its choices, or any string. */
type ValueOf<F> = F extends { choices: readonly (infer C extends string)[] } ? C : string;
/** The parsed values: a switch is a boolean, a list an array, a value a string (undefined when it has no default and was not given). */
export type FlagValues<T extends FlagTable> = {
    -readonly [K in keyof T]: T[K] extends SwitchFlag ? boolean
        : T[K] extends ListFlag ? string[]
        : T[K] extends { default: string } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

export interface Command<T extends FlagTable> {
    /** The npm script: usage reads `npm run <script> -- ...`. */
    script: string;
    /** What the command does, a few lines for --help. */
    about: string;
    /** One positional argument the command requires, e.g. ci's operation. */
    positional?: { name: string; choices: readonly string[] };
    flags: T;
    exitCodes: readonly (readonly [number, string])[];
}

/** Every command takes -h/--help; the parser adds it to the command's flags. */
export const HELP_FLAG: SwitchFlag = { type: "boolean", short: "h", description: "print this help and exit 0" };

/** A usage error: the command prints it as its one line on stderr and exits 2. */
export class UsageError extends Error {
    constructor(problem: string) {
        super(`${problem}; run with --help for usage`);
        this.name = "UsageError";
    }
}

export type Parsed<T extends FlagTable> = { help: true } | { help: false; values: FlagValues<T>; positional?: string };

/** Parses argv by the command's table; `{help: true}` when -h or --help is anywhere in it. */
export function parseCommand<T extends FlagTable>(command: Command<T>, argv: string[]): Parsed<T> {
    const table: Record<string, Flag> = { ...command.flags, help: HELP_FLAG };
    const { tokens } = parseArgs({
        args: argv,
        options: Object.fromEntries(Object.entries(table).map(([name, flag]) => [name, {
            type: flag.type, ...("multiple" in flag ? { multiple: true } : {}), ...("short" in flag && flag.short ? { short: flag.short } : {}),
        }])),
        strict: false, allowPositionals: true, tokens: true,
    });
    if (tokens.some(t => t.kind === "option" && t.name === "help" && t.value === undefined)) return { help: true };

    const given = new Map<string, string[]>();
    const switches = new Set<string>();
    const positionals: string[] = [];
    for (const token of tokens) {
        if (token.kind === "positional") positionals.push(token.value);
        if (token.kind !== "option") continue;
        const flag = table[token.name];
        if (!flag) throw new UsageError(`unknown flag ${token.rawName}: the flags are ${Object.keys(table).map(name => `--${name}`).join(", ")}`);
        if (flag.type === "boolean") {
            if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value, got ${token.rawName}=${token.value}`);
            switches.add(token.name);
            continue;
        }
        // `--stack --json` would take "--json" as the stack: a missing value, as parseArgs' strict mode says too.
        if (token.value === undefined || (!token.inlineValue && token.value.startsWith("-"))) {
            throw new UsageError(`${token.rawName} needs a value (${allowedText(flag)})${token.value === undefined ? "" : `, got the flag ${token.value}`}`);
        }
        if (!("multiple" in flag)) checkValue(token.rawName, flag, token.value);
        given.set(token.name, [...given.get(token.name) ?? [], token.value]);
    }

    const values: Record<string, unknown> = {};
    for (const [name, flag] of Object.entries(command.flags)) {
        const found = given.get(name);
        if (flag.type === "boolean") values[name] = switches.has(name);
        else if ("multiple" in flag) values[name] = found ?? [];
        else if (found && found.length > 1) throw new UsageError(`--${name} given ${found.length} times (${found.join(", ")}): it takes one value`);
        else values[name] = found?.[0] ?? flag.default;
        if (flag.type === "string" && flag.required && !found) throw new UsageError(`--${name} ${flag.value} is required`);
    }

    const { positional } = command;
    if (!positional && positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}': this command takes flags only`);
    if (positional && (positionals.length !== 1 || !positional.choices.includes(positionals[0]))) {
        throw new UsageError(`${positional.name} must be one of ${positional.choices.join(", ")}, got ${positionals.join(" ") || "nothing"}`);
    }
    return { help: false, values: values as FlagValues<T>, positional: positionals[0] };
}

function checkValue(rawName: string, flag: ValueFlag, value: string): void {
    if ((flag.choices && !flag.choices.includes(value)) || (flag.pattern && !flag.pattern.test.test(value))) {
        throw new UsageError(`${rawName} ${value} is not ${allowedText(flag)}`);
    }
}

function allowedText(flag: ValueFlag | ListFlag): string {
    if ("choices" in flag && flag.choices) return `one of ${flag.choices.join(", ")}`;
    if ("pattern" in flag && flag.pattern) return flag.pattern.says;
    return flag.value;
}

/** The --help text: usage line, what the command does, every flag with one line each, the exit codes. */
export function helpText<T extends FlagTable>(command: Command<T>): string {
    const table: [string, Flag][] = [...Object.entries(command.flags), ["help", HELP_FLAG]];
    const rows = table.map(([name, flag]) => {
        const short = "short" in flag && flag.short ? `-${flag.short}, ` : "";
        const value = flag.type === "boolean" ? "" : ` ${"choices" in flag && flag.choices ? flag.choices.join("|") : flag.value}`;
        const notes = [
            "multiple" in flag ? "repeatable" : "",
            flag.type === "string" && flag.required ? "required" : "",
            "default" in flag && flag.default !== undefined ? `default: ${flag.default}` : "",
        ].filter(Boolean);
        return [`${short}--${name}${value}`, `${flag.description}${notes.length ? ` (${notes.join("; ")})` : ""}`];
    });
    const width = Math.max(...rows.map(([left]) => left.length));
    const required = table.filter(([, flag]) => flag.type === "string" && flag.required).map(([name, flag]) => `--${name} ${(flag as ValueFlag).value}`);
    const usage = ["npm run", command.script, "--", command.positional?.choices.join("|"), ...required, "[flags]"].filter(Boolean).join(" ");
    return [
        `usage: ${usage}`,
        "",
        command.about,
        "",
        "flags:",
        ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
        "",
        "exit codes:",
        ...command.exitCodes.map(([code, meaning]) => `  ${code}  ${meaning}`),
    ].join("\n");
}
