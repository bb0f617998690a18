/** Assertions on stack config errors: parseStackConfig must throw a ConfigError with this one-line message. */
import * as assert from "node:assert/strict";
import { ConfigError, parseStackConfig } from "../../components/config";

/** The message of the ConfigError parseStackConfig throws for raw config; fails the test on success or another error. */
export function configErrorOf(raw: Record<string, unknown>): string {
    try {
        parseStackConfig(raw);
    } catch (error) {
        assert.ok(error instanceof ConfigError, `${(error as Error).name}: ${(error as Error).message}`);
        return error.message;
    }
    assert.fail(`expected a ConfigError for ${JSON.stringify(raw)}`);
}

/** Asserts raw config is rejected with exactly this message, or one matching this pattern. */
export function rejects(raw: Record<string, unknown>, message: string | RegExp): void {
    const actual = configErrorOf(raw);
    if (typeof message === "string") assert.equal(actual, message);
    else assert.match(actual, message);
}
