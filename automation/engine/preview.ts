/**
 * A real `pulumi preview --policy-pack` of a program, in a scratch copy on a local file backend:
 * the first preview of a new stack, with the stand-in providers playing the cloud.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { EngineEvent, PulumiCommand } from "@pulumi/pulumi/automation";
import { commandResult } from "../ci-driver";
import { PolicyPackClient } from "../preview/analyzer-client";
import { packConfigWithTraffic, readPolicyPackConfig } from "../preview/policy-config";
import { openStack } from "../open-stack";
import { EngineManifest, engineEnv, engineHasLanguageHost, scratchCopy } from "./engine";

export interface EnginePreviewOptions {
    engine: EngineManifest;
    programDir: string;
    stack: string;
    packDir: string;
    policyPackConfig?: string;
    /** The stack's traffic section: passed to the policies that declare it, as the offline preview does. */
    traffic?: unknown;
    /** Receives the engine's own output as it comes. */
    onOutput?: (text: string) => void;
}

/** A finding as the engine reports it; a remediation is level `remediated`, as in the offline preview. */
export interface EngineViolation { policy: string; level: string; urn: string | null; message: string }

export interface EnginePreviewResult {
    stack: string;
    /** The CLI's exit code. */
    exitCode: number;
    /** Resources the engine planned (urn and type), in the order it reported them. */
    resources: { urn: string; type: string; name: string }[];
    violations: EngineViolation[];
    /** What the reader should know about how the engine ran. */
    notes: string[];
    /** What the CLI wrote to stderr. */
    stderr: string;
}

export async function runEnginePreview(options: EnginePreviewOptions): Promise<EnginePreviewResult> {
    const scratch = scratchCopy(options.programDir);
    const notes = engineHasLanguageHost(options.engine) ? []
        : [`pulumi v${options.engine.version} has no Node.js language host: the program ran as an inline Automation API program`];
    const resources: EnginePreviewResult["resources"] = [];
    const violations: EngineViolation[] = [];
    const onEvent = (event: EngineEvent) => {
        const policy = event.policyEvent;
        if (policy) violations.push({ policy: policy.policyName, level: policy.enforcementLevel, urn: policy.resourceUrn || null, message: policy.message.trim() });
        // The SDK's event typings lack the engine's remediation event; it carries no message.
        const remediation = (event as { policyRemediationEvent?: { policyName: string; resourceUrn?: string } }).policyRemediationEvent;
        if (remediation) violations.push({ policy: remediation.policyName, level: "remediated", urn: remediation.resourceUrn || null, message: "" });
        const step = event.resourcePreEvent?.metadata;
        if (step) resources.push({ urn: step.urn, type: step.type, name: step.urn.split("::").pop()! });
    };
    try {
        const pulumiCommand = await PulumiCommand.get({ root: path.dirname(path.dirname(options.engine.pulumi)) });
        const stack = await openStack({ dir: scratch.dir, stackName: options.stack, pulumiCommand, envVars: engineEnv(options.engine, scratch.backendDir) });
        const policyPackConfig = options.traffic === undefined ? options.policyPackConfig
            : await writeConfigWithTraffic(options.packDir, options.policyPackConfig, options.traffic, path.join(path.dirname(scratch.backendDir), "policy-pack-config.json"));
        try {
            await stack.preview({
                policyPacks: [options.packDir],
                policyPackConfigs: policyPackConfig ? [policyPackConfig] : [],
                onOutput: options.onOutput,
                onEvent,
            });
            return { stack: options.stack, exitCode: 0, resources, violations, notes, stderr: "" };
        } catch (error) {
            const result = cliResult(error);
            if (!result) throw error;
            return { stack: options.stack, exitCode: result.code, resources, violations, notes, stderr: result.stderr };
        }
    } finally {
        scratch.remove();
    }
}

/** The pack config file with the stack's traffic added (packConfigWithTraffic), written to `file`; the pack tells which policies take it. */
async function writeConfigWithTraffic(packDir: string, configFile: string | undefined, traffic: unknown, file: string): Promise<string> {
    const pack = await PolicyPackClient.start(packDir);
    try {
        const config = packConfigWithTraffic(await pack.info(), configFile ? readPolicyPackConfig(configFile) : {}, traffic);
        writeFileSync(file, JSON.stringify(config, null, 2));
        return file;
    } finally {
        pack.stop();
    }
}

/** The exit code and stderr of a failed CLI run: a non-zero exit arrives as execa's error, with the real exit code and stderr on it. */
function cliResult(error: unknown): { code: number; stderr: string } | undefined {
    const result = commandResult(error);
    return result && { code: result.err?.exitCode ?? result.code, stderr: result.err?.stderr ?? result.stderr };
}
