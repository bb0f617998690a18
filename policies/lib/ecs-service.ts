/**
 * Reading an aws.ecs.Service's inputs from a policy without tripping over preview unknowns.
 * The SDK wraps props in a proxy that throws UnknownValueError on an unknown value and then
 * reports "can't run policy during preview" as an advisory diagnostic; the ECS policies read
 * through `known` instead and stay silent about anything they cannot know yet.
 */
import { UnknownValueError } from "@pulumi/policy";

export const ECS_SERVICE_TYPE = "aws:ecs/service:Service";

/** Marks a value that is unknown during preview. */
export const UNKNOWN = Symbol("unknown during preview");

/** The value `read` returns, or UNKNOWN when it touches a value the engine does not know yet. */
export function known<T>(read: () => T): T | typeof UNKNOWN {
    try {
        return read();
    } catch (error) {
        if (error instanceof UnknownValueError) return UNKNOWN;
        throw error;
    }
}

/** Services under an external deployer (CodeDeploy blue/green, EXTERNAL) do not use ECS rolling-update settings. */
export function usesEcsDeployments(props: Record<string, any>): boolean | typeof UNKNOWN {
    return known(() => {
        const type = props.deploymentController?.type;
        return type === undefined || type === "ECS";
    });
}
