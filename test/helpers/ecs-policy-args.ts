/**
 * Calls a resource policy the way @pulumi/policy's server does: props wrapped in the SDK's
 * unknown-checking proxy, `notApplicable` throwing, and an UnknownValueError that escapes the
 * policy reported as the server reports it (an advisory "can't run ... during preview").
 */
import { ResourceValidationPolicy, UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";

/** How the engine sends a value that is unknown during preview (the SDK's own sentinel). */
export { UNKNOWN as UNKNOWN_VALUE } from "../policies/harness";

export interface PolicyOutcome {
    violations: string[];
    notApplicable?: string;
    /** The advisory diagnostic the server would emit if the policy read an unknown value. */
    unknownRead?: string;
}

export async function runResourcePolicy(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, name = "web"): Promise<PolicyOutcome> {
    const violations: string[] = [];
    const args = {
        type, name, urn: `urn:pulumi:test::cross-az-platform::${type}::${name}`,
        props: unknownCheckingProxy(props), opts: {},
        isType: () => false, asType: () => undefined, getConfig: () => ({}),
        notApplicable: (reason?: string) => { throw new NotApplicable(reason ?? ""); },
    };
    const validations = [policy.validateResource ?? []].flat();
    try {
        for (const validate of validations) await validate(args as never, message => violations.push(message ?? ""));
    } catch (error) {
        if (error instanceof NotApplicable) return { violations, notApplicable: error.reason };
        if (error instanceof UnknownValueError) return { violations, unknownRead: (error as Error).message };
        throw error;
    }
    return { violations };
}

class NotApplicable extends Error {
    constructor(public readonly reason: string) {
        super(reason);
    }
}
