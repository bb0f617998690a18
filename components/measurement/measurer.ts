/**
 * The measurer: sends REQUESTS requests to each routing variant's Service from its own pod,
 * records which zone answered each one and prints the report (report.ts) to stdout, which is
 * the Job's log. Standard library only: it runs from a ConfigMap on a stock Node image.
 *
 * Env:
 *   TARGETS                  variant=url pairs, comma-separated, measured in that order
 *   REQUESTS                 requests per variant (default 1000)
 *   CONCURRENCY              requests in flight (default 4)
 *   EAST_WEST_GB_PER_MONTH   prices the cross-AZ share when set
 *   WAIT_SECONDS             how long each variant may take to answer once before measuring (default 300)
 *   REQUEST_TIMEOUT_MS       per request (default 5000)
 *   SERVICES                 variant=service pairs: the report lists each Service's endpoints
 *                            (its EndpointSlices) as they were before the variant was measured
 *   ROLLING                  variant=deployment: the measurer restarts that Deployment and measures
 *                            the variant from then until it has rolled out (pod churn), one request
 *                            per worker every 20 ms, at most 10 minutes
 *   EXPECT_DROPS             variants expected to drop this pod's requests (internalTrafficPolicy:
 *                            Local with no endpoint on this node): not waited for, 64 in flight,
 *                            their errors do not fail the run
 *   POD_NAMESPACE            namespace of those Services and that Deployment (downward API)
 *   NODE_NAME, POD_NAME, POD_IP, CROSSAZ_ZONE_OVERRIDE   see placement.ts
 *   KUBERNETES_SERVICE_HOST/PORT, CROSSAZ_SERVICE_ACCOUNT_DIR   see kube-api.ts
 * Exit: 0 report printed; 1 a variant never answered or its rollout failed (report printed);
 * 2 bad env, no zone or no API.
 */
import { lookup } from "node:dns/promises";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { serviceEndpoints } from "./endpoints";
import { ApiServer, inClusterApi } from "./kube-api";
import { lookUpPlacement } from "./placement";
import { Placement, RolloutOutcome, Sample, VariantSummary, buildReport, formatReport, summarizeVariant } from "./report";
import { deploymentRolledOut, restartDeployment } from "./rollout";

/** In flight for a variant expected to drop: a dropped request only waits out its timeout. */
const DROPPING_CONCURRENCY = 64;
/** Pace of each worker while a Deployment rolls: requests spread evenly over the rollout. */
const ROLLING_REQUEST_INTERVAL_MS = 20;
const ROLLOUT_POLL_MS = 1000;
const ROLLOUT_TIME_LIMIT_MS = 10 * 60_000;

interface Target {
    variant: string;
    url: URL;
}

interface Settings {
    targets: Target[];
    requests: number;
    concurrency: number;
    eastWestGbPerMonth?: number;
    waitSeconds: number;
    requestTimeoutMs: number;
    /** Service name per variant, for the endpoints lines of the report. */
    services: Map<string, string>;
    /** The churn variant and the Deployment behind it. */
    rolling?: { variant: string; deployment: string };
    expectDrops: Set<string>;
    /** Namespace of the Services and the Deployment; set whenever services or rolling are. */
    namespace?: string;
}

class UsageError extends Error {}

function wholeNumber(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
    const raw = env[key];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${key} must be a whole number ${min}-${max}, got ${JSON.stringify(raw)}`);
    return value;
}

const listOf = (raw: string | undefined) => (raw ?? "").split(",").map(item => item.trim()).filter(Boolean);

/** key=value pairs of a comma-separated list; describe says what they should be in the error. */
function pairsOf(env: NodeJS.ProcessEnv, key: string, describe: string, valid: (value: string) => boolean): Array<[string, string]> {
    return listOf(env[key]).map(pair => {
        const equals = pair.indexOf("=");
        const [name, value] = equals > 0 ? [pair.slice(0, equals), pair.slice(equals + 1)] : ["", ""];
        if (!name || !valid(value)) throw new UsageError(`${key} must be ${describe} pairs separated by commas, got ${JSON.stringify(pair)}`);
        return [name, value];
    });
}

const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function readSettings(env: NodeJS.ProcessEnv): Settings {
    const targets = pairsOf(env, "TARGETS", "variant=http://host:port", url => /^https?:\/\//.test(url))
        .map(([variant, url]) => ({ variant, url: new URL(url) }));
    if (targets.length === 0) throw new UsageError(`TARGETS must name at least one variant=url, got ${JSON.stringify(env.TARGETS ?? "")}`);
    const measured = (key: string, variant: string) => {
        if (!targets.some(t => t.variant === variant)) throw new UsageError(`${key} names variant ${variant}, which TARGETS does not`);
        return variant;
    };
    const services = new Map(pairsOf(env, "SERVICES", "variant=service", name => KUBERNETES_NAME.test(name))
        .map(([variant, service]) => [measured("SERVICES", variant), service]));
    const rollingPairs = pairsOf(env, "ROLLING", "variant=deployment", name => KUBERNETES_NAME.test(name));
    if (rollingPairs.length > 1) throw new UsageError(`ROLLING must name one variant=deployment, got ${JSON.stringify(env.ROLLING)}`);
    const rolling = rollingPairs.map(([variant, deployment]) => ({ variant: measured("ROLLING", variant), deployment }))[0];
    const expectDrops = new Set(listOf(env.EXPECT_DROPS).map(variant => measured("EXPECT_DROPS", variant)));
    const namespace = env.POD_NAMESPACE || undefined;
    if ((services.size > 0 || rolling) && !namespace) {
        throw new UsageError("POD_NAMESPACE must be set with SERVICES or ROLLING: it is the namespace of those Services and that Deployment");
    }
    const gb = env.EAST_WEST_GB_PER_MONTH;
    if (gb !== undefined && gb !== "" && !(Number(gb) >= 0)) throw new UsageError(`EAST_WEST_GB_PER_MONTH must be a number >= 0, got ${JSON.stringify(gb)}`);
    return {
        targets,
        requests: wholeNumber(env, "REQUESTS", 1000, 1, 100_000),
        concurrency: wholeNumber(env, "CONCURRENCY", 4, 1, 64),
        eastWestGbPerMonth: gb === undefined || gb === "" ? undefined : Number(gb),
        waitSeconds: wholeNumber(env, "WAIT_SECONDS", 300, 0, 3600),
        requestTimeoutMs: wholeNumber(env, "REQUEST_TIMEOUT_MS", 5000, 1, 60_000),
        services,
        rolling,
        expectDrops,
        namespace,
    };
}

/** One request on a fresh connection (agent: false), so kube-proxy chooses an endpoint for it. */
function probe(target: Target, address: string, timeoutMs: number): Promise<Sample> {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    return new Promise(resolve => {
        const req = request({
            host: address,
            port: target.url.port || 80,
            path: target.url.pathname + target.url.search,
            headers: { Host: target.url.host },
            agent: false,
            timeout: timeoutMs,
        }, res => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", chunk => { body += chunk; });
            res.on("error", error => resolve({ ok: false, latencyMs: elapsed(), error: error.message }));
            res.on("end", () => {
                const latencyMs = elapsed();
                if (res.statusCode !== 200) return resolve({ ok: false, latencyMs, error: `HTTP ${res.statusCode}` });
                try {
                    const answer = JSON.parse(body) as Partial<Placement>;
                    if (typeof answer.zone !== "string" || typeof answer.node !== "string") throw new Error("no zone/node");
                    resolve({ ok: true, latencyMs, answer: { zone: answer.zone, node: answer.node } });
                } catch {
                    resolve({ ok: false, latencyMs, error: "answer is not zone-echo JSON" });
                }
            });
        });
        req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
        req.on("error", error => resolve({ ok: false, latencyMs: elapsed(), error: error.message }));
        req.end();
    });
}

/** Resolves the Service name once, so DNS time stays out of the per-request latency. */
async function resolveAddress(target: Target): Promise<string> {
    const host = target.url.hostname.replace(/^\[|\]$/g, "");
    return (await lookup(host)).address;
}

/** Waits until the variant answers once: the Job may start before the echo pods are ready. */
async function waitUntilAnswering(target: Target, settings: Settings): Promise<string | undefined> {
    const deadline = Date.now() + settings.waitSeconds * 1000;
    for (;;) {
        const attempt = await resolveAddress(target)
            .then(async address => ({ address, sample: await probe(target, address, settings.requestTimeoutMs) }))
            .catch((error: Error) => ({ address: undefined, sample: { ok: false, error: error.message } as const }));
        if (attempt.sample.ok) return attempt.address;
        if (Date.now() >= deadline) {
            console.error(`${target.variant} (${target.url.href}) did not answer within ${settings.waitSeconds} s: ${attempt.sample.error}`);
            return undefined;
        }
        await sleep(2000);
    }
}

/** requests requests, concurrency of them in flight. */
async function measureCount(target: Target, address: string, settings: Settings, concurrency: number): Promise<Sample[]> {
    const samples: Sample[] = [];
    let next = 0;
    const worker = async () => {
        while (next < settings.requests) {
            next++;
            samples.push(await probe(target, address, settings.requestTimeoutMs));
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, settings.requests) }, worker));
    return samples;
}

/** Requests that were never sent, recorded as errors so the report counts them. */
const unanswered = (count: number, error: string): Sample[] => Array.from({ length: count }, () => ({ ok: false, latencyMs: 0, error }));

/**
 * Pod churn: restarts the Deployment behind the variant, then sends requests at a steady pace
 * until the rollout is over (polled every second), so the samples cover the EndpointSlice
 * updates of the whole rollout and nothing after it.
 */
async function measureWhileRolling(
    target: Target, address: string, settings: Settings, api: ApiServer, deployment: string,
): Promise<{ samples: Sample[]; rollout: RolloutOutcome }> {
    const namespace = settings.namespace!;
    const started = Date.now();
    const seconds = () => (Date.now() - started) / 1000;
    let generation: number;
    try {
        generation = await restartDeployment(api, namespace, deployment, new Date());
    } catch (error) {
        return { samples: [], rollout: { deployment, seconds: seconds(), error: (error as Error).message } };
    }
    const samples: Sample[] = [];
    let rolling = true;
    const worker = async () => {
        while (rolling) {
            samples.push(await probe(target, address, settings.requestTimeoutMs));
            await sleep(ROLLING_REQUEST_INTERVAL_MS);
        }
    };
    const workers = Array.from({ length: settings.concurrency }, worker);
    let outcome: { rolledOut: boolean } | { error: string } = { rolledOut: false };
    while (Date.now() - started < ROLLOUT_TIME_LIMIT_MS) {
        await sleep(ROLLOUT_POLL_MS);
        try {
            if (await deploymentRolledOut(api, namespace, deployment, generation)) {
                outcome = { rolledOut: true };
                break;
            }
        } catch (error) {
            outcome = { error: (error as Error).message };
            break;
        }
    }
    rolling = false;
    await Promise.all(workers);
    return { samples, rollout: { deployment, seconds: seconds(), ...outcome } };
}

/**
 * Looks at the variant's endpoints if asked to, then measures it as its settings say. api is set
 * whenever the settings name Services or a rolling variant (main), and so is settings.namespace.
 */
async function measureTarget(target: Target, settings: Settings, caller: Placement, api?: ApiServer): Promise<VariantSummary> {
    const service = settings.services.get(target.variant);
    const endpoints = service === undefined ? undefined
        : await serviceEndpoints(api!, settings.namespace!, service, caller).catch((error: Error) => ({ error: error.message }));
    const summary = (samples: Sample[], extra: Partial<VariantSummary> = {}): VariantSummary => ({
        ...summarizeVariant(target.variant, samples, caller, settings.eastWestGbPerMonth),
        ...(endpoints && { endpoints }),
        ...extra,
    });
    if (settings.expectDrops.has(target.variant)) {
        // Not waited for: from this pod it may never answer, which is what it is measured for.
        const address = await resolveAddress(target).catch((error: Error) => error);
        const samples = address instanceof Error ? unanswered(settings.requests, address.message)
            : await measureCount(target, address, settings, DROPPING_CONCURRENCY);
        return summary(samples, { dropsExpected: { inFlight: DROPPING_CONCURRENCY, timeoutMs: settings.requestTimeoutMs } });
    }
    const address = await waitUntilAnswering(target, settings);
    if (address === undefined) return summary(unanswered(settings.requests, "never answered"));
    if (settings.rolling?.variant === target.variant) {
        const { samples, rollout } = await measureWhileRolling(target, address, settings, api!, settings.rolling.deployment);
        return summary(samples, { rollout });
    }
    return summary(await measureCount(target, address, settings, settings.concurrency));
}

/** Exit 1 when a variant that should answer never did, or its rollout could not be measured. */
const failed = (summary: VariantSummary) =>
    (summary.answered === 0 && !summary.dropsExpected) || (summary.rollout !== undefined && "error" in summary.rollout);

async function main(): Promise<number> {
    let settings: Settings;
    try {
        settings = readSettings(process.env);
    } catch (error) {
        console.error(`measurer: ${(error as Error).message}`);
        return 2;
    }
    const caller = await lookUpPlacement().catch((error: Error) => error);
    if (caller instanceof Error) {
        console.error(`measurer: cannot learn this pod's zone: ${caller.message}`);
        return 2;
    }
    const needsApi = settings.services.size > 0 || settings.rolling !== undefined;
    const api = needsApi ? await inClusterApi(process.env).catch((error: Error) => error) : undefined;
    if (api instanceof Error) {
        console.error(`measurer: cannot reach the Kubernetes API: ${api.message}`);
        return 2;
    }
    const summaries: VariantSummary[] = [];
    for (const target of settings.targets) summaries.push(await measureTarget(target, settings, caller, api));
    process.stdout.write(formatReport(buildReport({
        caller, requestsPerVariant: settings.requests, concurrency: settings.concurrency,
        eastWestGbPerMonth: settings.eastWestGbPerMonth, variants: summaries,
    })));
    return summaries.some(failed) ? 1 : 0;
}

if (require.main === module) {
    main().then(code => { process.exitCode = code; }, (error: Error) => {
        console.error(`measurer: ${error.stack ?? error.message}`);
        process.exitCode = 2;
    });
}
