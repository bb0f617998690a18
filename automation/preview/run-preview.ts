/**
 * The offline preview: run the program under mocks, run the policy pack over what it
 * registered the way the engine does, and price the layout.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { cents, COST_LINE_ITEMS, CostLayout, CostLineItem, defaultLayout, estimateMonthlyCost, trafficProfile, TrafficProfile } from "../../policies/lib/cost-model";
import { PRICE_REGION } from "../../policies/lib/prices";
import { ConfigError, PROJECT, parseStackConfig } from "../../components/config";
import { AnalyzedResource, PackInfo, PolicyCallTimeout, PolicyPackClient } from "./analyzer-client";
import { withDeadline } from "./deadline";
import { explainTimeout } from "./hung-policy";
import { DEFAULT_POLICY_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS } from "./limits";
import { cheapestEndpointLayout, describeEndpointChange, withEndpointChange } from "../../policies/lib/endpoint-economics";
import { costLayoutFromGraph } from "./cost-layout";
import { PreviewError } from "./errors";
import { readPolicyPackConfig, resolvePolicyConfig } from "./policy-config";
import { StackSettings, loadStackSettings } from "./project";
import { analyzerProperties, policyViewProperties, reportedProperties, UNKNOWN } from "./properties";
import { RegisteredResource, SourcePosition, runProgram } from "./run-program";

export interface PreviewOptions {
    stack: string;
    /** The Pulumi project to run; default: this project. */
    programDir: string;
    /** The policy pack directory; default policies/ of this project. */
    packDir: string;
    /** Policy-pack-config file; default <packDir>/config/<stack>.json when it exists. */
    policyPackConfig?: string;
    /** Preview as for a stack with nothing deployed yet: every id and computed output unknown. */
    newStack?: boolean;
    /** A traffic file (the `traffic` section in YAML or JSON) instead of the stack's traffic config. */
    trafficFile?: string;
    /** How long the program may run; default DEFAULT_TIMEOUT_SECONDS. */
    timeoutSeconds?: number;
    /** How long each policy pack call may take; default DEFAULT_POLICY_TIMEOUT_SECONDS. */
    policyTimeoutSeconds?: number;
}


export type ViolationLevel = "mandatory" | "advisory" | "remediated";

export interface PreviewResult {
    stack: string;
    resources: { urn: string; type: string; name: string; parent: string | null; id: string | null; inputs: Record<string, unknown> }[];
    violations: { policy: string; level: ViolationLevel; urn: string | null; message: string }[];
    cost: {
        currency: "USD";
        lines: { item: CostLineItem; before: number; after: number }[];
        /** optimal: the cheapest endpoint set for the declared NAT layout (required endpoints kept). */
        totals: { before: number; after: number; optimal: number };
        /** Endpoint changes that reach `optimal`, each with what it saves on its own. */
        recommendations: { change: string; savesPerMonth: number }[];
    };
    /** Formula inputs per line, for the human table. */
    costFormulas: Record<CostLineItem, { before: string; after: string }>;
    /** Remote components: one opaque resource each, their children unchecked. */
    remoteComponents: { urn: string; type: string }[];
    /** The pack that checked it, with its policies (name, description, level by default). */
    pack: Pick<PackInfo, "name" | "version" | "policies">;
    /** The program's directory (real path): source positions are in its files. */
    programDir: string;
    /** Where the program declared each resource, by URN, when known (run-program's sourcePositionOf). */
    sources: Record<string, SourcePosition>;
    /** Ran as the first preview of a stack with nothing deployed. */
    newStack: boolean;
    notes: string[];
}

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** How many Analyze calls are in flight at once: about 2.5x faster than one at a time here. */
const CONCURRENT_CALLS = 64;

export async function runOfflinePreview(options: PreviewOptions): Promise<PreviewResult> {
    const stack = loadStackSettings(options.programDir, options.stack);
    const traffic = readTraffic(stack, options.trafficFile);
    const packConfigFile = options.policyPackConfig ?? defaultPackConfig(options.packDir, options.stack);
    const fileConfig = packConfigFile ? readPolicyPackConfig(packConfigFile) : {};
    if (!fs.existsSync(path.join(options.packDir, "package.json"))) {
        throw new PreviewError(`policy pack ${path.resolve(options.packDir)} not found (no package.json): the pack lives in policies/`);
    }

    const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    const startPack = () => PolicyPackClient.start(options.packDir, { callTimeoutSeconds: options.policyTimeoutSeconds ?? DEFAULT_POLICY_TIMEOUT_SECONDS });
    // Start the pack first: it takes about 2 s to type-check and listen, the program runs meanwhile.
    const starting = startPack();
    starting.catch(() => undefined); // reported below, after the program's own errors
    let pack: PolicyPackClient | undefined;
    try {
        const run = await withDeadline(timeoutSeconds, `the program in ${stack.programDir}`, "--timeout", () => runProgram(stack, { newStack: options.newStack }));
        pack = await starting;
        const info = await pack.info();
        const config = resolvePolicyConfig(info, fileConfig, traffic.section);
        const configured = async (client: PolicyPackClient) => {
            await client.configureStack(stack.project, stack.stack, stack.config, stack.secretKeys);
            await client.configure(config);
            return client;
        };
        await configured(pack);
        const remediating = Object.values(config).some(c => c.enforcementLevel === "remediate");
        const { analyzed, afterUpdate, violations } = await evaluatePolicies(pack, run.resources, remediating, async (timeout, subjects) => {
            pack!.stop(); // busy with the call that hung
            return explainTimeout(timeout, info, config, async () => configured(await startPack()), subjects);
        });
        const cost = costReport(afterUpdate, traffic.profile, traffic.perServiceGbPerMonth);
        return {
            stack: stack.stack,
            resources: run.resources.map(r => ({
                urn: r.urn, type: r.type, name: r.name, parent: r.parent ?? null, id: r.id ?? null,
                inputs: reportedProperties(analyzed.get(r.urn)!.properties),
            })),
            violations,
            cost: cost.report,
            costFormulas: cost.formulas,
            remoteComponents: run.resources.filter(r => r.remote).map(r => ({ urn: r.urn, type: r.type })),
            pack: { name: info.name, version: info.version, policies: info.policies },
            programDir: stack.programDir,
            sources: Object.fromEntries(run.resources.flatMap(r => r.source ? [[r.urn, r.source]] : [])),
            newStack: options.newStack ?? false,
            notes: [...run.notes, ...traffic.notes, ...(traffic.section ? [] : [`no traffic given (${stack.project}:traffic in Pulumi.${stack.stack}.yaml, or --traffic FILE): traffic lines are $0`]), ...cost.notes, ...priceRegionNote(stack)],
        };
    } finally {
        (pack ?? await starting.catch(() => undefined))?.stop();
    }
}

/** The stack config's traffic section: this project's key, or the program's own namespace; any other namespace is an error that says where it goes. */
function stackTraffic(stack: StackSettings, raw: (key: string) => unknown): { key: string; section: unknown } | undefined {
    const keys = Object.keys(stack.config).filter(key => key.endsWith(":traffic"));
    const readable = [`${PROJECT}:traffic`, `${stack.project}:traffic`];
    const misplaced = keys.filter(key => !readable.includes(key));
    if (misplaced.length > 0) {
        throw new PreviewError(`${misplaced.join(", ")} in Pulumi.${stack.stack}.yaml is not read: put the traffic section under ${stack.project}:traffic (or ${PROJECT}:traffic), or pass --traffic FILE`);
    }
    if (keys.length > 1) {
        throw new PreviewError(`Pulumi.${stack.stack}.yaml sets both ${keys.join(" and ")}: keep one traffic section`);
    }
    return keys.length === 1 ? { key: keys[0], section: raw(keys[0]) } : undefined;
}

/** A --traffic file: the traffic section on its own, in YAML or JSON. */
function readTrafficFile(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new PreviewError(`--traffic ${file} ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read: ${(error as Error).message}`}`);
    }
    if (text.trim() === "") throw new PreviewError(`--traffic ${file} is empty: give the traffic section's keys, e.g. eastWestGbPerMonth: 1000`);
    try {
        return parseYaml(text);
    } catch (error) {
        throw new PreviewError(`--traffic ${file} is not valid YAML or JSON: ${(error as Error).message.split("\n")[0].replace(/:$/, "")}`);
    }
}

export function defaultPackConfig(packDir: string, stack: string): string | undefined {
    const file = path.join(packDir, "config", `${stack}.json`);
    return fs.existsSync(file) ? file : undefined;
}

/**
 * The traffic the cost model prices, validated by components/config.ts's schema before anything
 * runs: `--traffic FILE` (YAML or JSON) if given, else the stack's traffic section, under
 * `cross-az-platform:traffic` or, for another project, under its own namespace (`<project>:traffic`).
 * Per-service figures come from this project's `services` section.
 */
export function readTraffic(stack: StackSettings, trafficFile?: string): { section?: unknown; profile: TrafficProfile; perServiceGbPerMonth: Record<string, number>; notes: string[] } {
    const raw = (key: string) => {
        const value = stack.config[key];
        try {
            return value === undefined ? undefined : JSON.parse(value);
        } catch {
            return value; // a plain string; the schema says what it should have been
        }
    };
    const fromStack = stackTraffic(stack, raw);
    const section = trafficFile !== undefined ? readTrafficFile(trafficFile) : fromStack?.section;
    let profile = trafficProfile();
    if (section !== undefined) {
        try {
            profile = parseStackConfig({ traffic: section }).traffic!;
        } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            // The schema names this project's key; say where the section really came from.
            const message = error.message.replaceAll(`${PROJECT}:traffic`, trafficFile !== undefined ? "traffic" : fromStack!.key);
            throw new PreviewError(trafficFile !== undefined ? `--traffic ${trafficFile}: ${message}` : message);
        }
    }
    const notes = trafficFile !== undefined && fromStack ? [`--traffic ${trafficFile} replaces ${fromStack.key} of Pulumi.${stack.stack}.yaml`] : [];
    const perServiceGbPerMonth: Record<string, number> = {};
    const services = raw(`${PROJECT}:services`);
    for (const service of Array.isArray(services) ? services : []) {
        if (typeof service?.name === "string" && typeof service?.gbPerMonth === "number") perServiceGbPerMonth[service.name] = service.gbPerMonth;
    }
    return { section: section === undefined ? undefined : profile, profile, perServiceGbPerMonth, notes };
}

/**
 * Per resource, in registration order as the engine meets them: Remediate first when a policy
 * remediates (its output replaces the inputs), then Analyze; then AnalyzeStack over all of them.
 */
export async function evaluatePolicies(pack: PolicyPackClient, resources: RegisteredResource[], remediating: boolean, explain?: ExplainTimeout) {
    const analyzed = new Map<string, AnalyzedResource>();
    const violations: PreviewResult["violations"] = [];
    for (const r of resources) {
        analyzed.set(r.urn, {
            urn: r.urn, type: r.type, name: r.name, parent: r.parent,
            properties: analyzerProperties(r.inputs), dependencies: r.dependencies, propertyDependencies: r.propertyDependencies,
        });
    }
    // A resource's explicit provider is itself a registered resource: pass its entry along.
    for (const r of resources) {
        const provider = r.providerUrn === undefined ? undefined : analyzed.get(r.providerUrn);
        if (provider) analyzed.get(r.urn)!.provider = { urn: provider.urn, type: provider.type, name: provider.name, properties: provider.properties };
    }
    await whenTimedOut(explain, [...analyzed.values()], () => forEachConcurrently([...analyzed.values()], CONCURRENT_CALLS, async resource => {
        if (remediating) {
            for (const remediation of await pack.remediate(resource)) {
                if (remediation.properties) {
                    resource.properties = remediation.properties;
                    violations.push({ policy: remediation.policy, level: "remediated", urn: resource.urn, message: `remediated: ${remediation.description}` });
                } else if (remediation.diagnostic) {
                    violations.push({ policy: remediation.policy, level: "advisory", urn: resource.urn, message: remediation.diagnostic });
                }
            }
        }
        for (const d of await pack.analyze(resource)) {
            if (d.level === "advisory" || d.level === "mandatory") violations.push({ policy: d.policy, level: d.level, urn: d.urn ?? null, message: d.message });
        }
    }));
    // AnalyzeStack sees resources as after the update: outputs over (remediated) inputs, and the id
    // Terraform-bridged (aws:) providers keep among their outputs, so policies can match ids too.
    const afterUpdate = resources.map(r => {
        const resource = analyzed.get(r.urn)!;
        const id = r.id !== undefined && r.type.startsWith("aws:") ? { id: r.id } : {};
        return { ...resource, properties: { ...analyzerProperties(r.outputs), ...resource.properties, ...id } };
    });
    // A provider whose configuration is unknown (a new EKS cluster's kubeconfig in a first preview)
    // cannot be configured, so the engine plans its resources with no state: AnalyzeStack gets no
    // properties for them (the real CLI does so). The cost report keeps the declared inputs.
    const stackView = afterUpdate.map(r => r.provider && JSON.stringify(r.provider.properties).includes(UNKNOWN) ? { ...r, properties: {} } : r);
    for (const d of await whenTimedOut(explain, stackView, () => pack.analyzeStack(stackView))) {
        if (d.level === "advisory" || d.level === "mandatory") violations.push({ policy: d.policy, level: d.level, urn: d.urn ?? null, message: d.message });
    }
    // Concurrent calls finish in any order; the report must not.
    const order = new Map(resources.map((r, i) => [r.urn, i]));
    violations.sort((a, b) => a.policy.localeCompare(b.policy) || (order.get(a.urn ?? "") ?? -1) - (order.get(b.urn ?? "") ?? -1) || a.message.localeCompare(b.message));
    return { analyzed, afterUpdate, violations };
}

/** Turns a pack call's timeout into the error that says which policy did not finish on what. */
type ExplainTimeout = (timeout: PolicyCallTimeout, subjects: AnalyzedResource[]) => Promise<PreviewError>;

async function whenTimedOut<T>(explain: ExplainTimeout | undefined, subjects: AnalyzedResource[], calls: () => Promise<T>): Promise<T> {
    try {
        return await calls();
    } catch (error) {
        throw error instanceof PolicyCallTimeout && explain ? await explain(error, subjects) : error;
    }
}

async function forEachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => { while (next < items.length) await work(items[next++]); };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Prices the stack as its stack policies saw it (AnalyzeStack's resources), so both read one network. */
function costReport(afterUpdate: AnalyzedResource[], traffic: TrafficProfile, perServiceGbPerMonth: Record<string, number>) {
    const graph = afterUpdate.map(r => ({
        urn: r.urn, type: r.type, name: r.name, inputs: policyViewProperties(r.properties), propertyDependencies: r.propertyDependencies,
    }));
    // eastWestGbPerMonth is the total; per-service figures take their share out of it (config.ts
    // rejects figures above the total in this project; other programs get the larger of the two).
    const attributedGb = Object.values(perServiceGbPerMonth).reduce((a, b) => a + b, 0);
    const eastWestTotal = Math.max(traffic.eastWestGbPerMonth, attributedGb);
    const { layout, notes } = costLayoutFromGraph(graph, { unattributedGbPerMonth: eastWestTotal - attributedGb, perServiceGbPerMonth });
    const priced = { ...traffic, eastWestGbPerMonth: eastWestTotal };
    const { report, formulas } = priceLayouts(priced, defaultLayout(layout), layout);
    // The cheapest endpoints for the declared NAT layout; endpoints are independent, so each change's saving is its own.
    const total = (l: CostLayout) => Object.values(estimateMonthlyCost(priced, l)).reduce((sum, line) => sum + line.dollars, 0);
    const cheapest = cheapestEndpointLayout(layout, priced);
    const afterTotal = total(layout);
    const recommendations = cheapest.changes
        .map(change => ({ change: describeEndpointChange(change), savesPerMonth: cents(afterTotal - total(withEndpointChange(layout, change))) }))
        .filter(r => r.savesPerMonth > 0)
        .sort((a, b) => b.savesPerMonth - a.savesPerMonth || a.change.localeCompare(b.change));
    return { report: { ...report, totals: { ...report.totals, optimal: cents(total(cheapest.layout)) }, recommendations }, formulas, notes };
}


/** Before/after lines and totals, rounded to cents. */
function priceLayouts(traffic: TrafficProfile, before: CostLayout, after: CostLayout) {
    const beforeFigures = estimateMonthlyCost(traffic, before);
    const afterFigures = estimateMonthlyCost(traffic, after);
    const lines = COST_LINE_ITEMS.map(item => ({ item, before: cents(beforeFigures[item].dollars), after: cents(afterFigures[item].dollars) }));
    const formulas = Object.fromEntries(COST_LINE_ITEMS.map(item => [item, { before: beforeFigures[item].formula, after: afterFigures[item].formula }])) as PreviewResult["costFormulas"];
    return {
        report: {
            currency: "USD" as const,
            lines,
            totals: { before: cents(lines.reduce((sum, l) => sum + l.before, 0)), after: cents(lines.reduce((sum, l) => sum + l.after, 0)) },
        },
        formulas,
    };
}

/** The cost report quotes one region's list prices; say so when the stack deploys elsewhere. */
export function priceRegionNote(stack: StackSettings): string[] {
    const region = stack.config["aws:region"];
    return region && region !== PRICE_REGION
        ? [`prices are ${PRICE_REGION} list prices (policies/lib/prices.ts); this stack deploys to ${region}, whose prices differ slightly`]
        : [];
}
