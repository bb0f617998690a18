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
 *   NODE_NAME, POD_NAME, POD_IP, CROSSAZ_ZONE_OVERRIDE   see placement.ts
 * Exit: 0 report printed; 1 a variant never answered (report printed); 2 bad env or no zone.
 */
import { lookup } from "node:dns/promises";
import { request } from "node:http";
import { lookUpPlacement } from "./placement";
import { Placement, Sample, buildReport, formatReport, summarizeVariant } from "./report";

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
}

class UsageError extends Error {}

function wholeNumber(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
    const raw = env[key];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${key} must be a whole number ${min}-${max}, got ${JSON.stringify(raw)}`);
    return value;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
    const targets = (env.TARGETS ?? "").split(",").map(pair => pair.trim()).filter(Boolean).map(pair => {
        const equals = pair.indexOf("=");
        const [variant, url] = equals > 0 ? [pair.slice(0, equals), pair.slice(equals + 1)] : ["", ""];
        if (!variant || !/^https?:\/\//.test(url)) throw new UsageError(`TARGETS must be variant=http://host:port pairs separated by commas, got ${JSON.stringify(pair)}`);
        return { variant, url: new URL(url) };
    });
    if (targets.length === 0) throw new UsageError(`TARGETS must name at least one variant=url, got ${JSON.stringify(env.TARGETS ?? "")}`);
    const gb = env.EAST_WEST_GB_PER_MONTH;
    if (gb !== undefined && gb !== "" && !(Number(gb) >= 0)) throw new UsageError(`EAST_WEST_GB_PER_MONTH must be a number >= 0, got ${JSON.stringify(gb)}`);
    return {
        targets,
        requests: wholeNumber(env, "REQUESTS", 1000, 1, 100_000),
        concurrency: wholeNumber(env, "CONCURRENCY", 4, 1, 64),
        eastWestGbPerMonth: gb === undefined || gb === "" ? undefined : Number(gb),
        waitSeconds: wholeNumber(env, "WAIT_SECONDS", 300, 0, 3600),
        requestTimeoutMs: wholeNumber(env, "REQUEST_TIMEOUT_MS", 5000, 1, 60_000),
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
        await new Promise(resolve => setTimeout(resolve, 2000));
    }
}

async function measureVariant(target: Target, address: string, settings: Settings): Promise<Sample[]> {
    const samples: Sample[] = [];
    let next = 0;
    const worker = async () => {
        while (next < settings.requests) {
            next++;
            samples.push(await probe(target, address, settings.requestTimeoutMs));
        }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, settings.requests) }, worker));
    return samples;
}

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
    const summaries = [];
    for (const target of settings.targets) {
        const address = await waitUntilAnswering(target, settings);
        const samples = address === undefined
            ? Array.from({ length: settings.requests }, (): Sample => ({ ok: false, latencyMs: 0, error: "never answered" }))
            : await measureVariant(target, address, settings);
        summaries.push(summarizeVariant(target.variant, samples, caller, settings.eastWestGbPerMonth));
    }
    process.stdout.write(formatReport(buildReport({
        caller, requestsPerVariant: settings.requests, concurrency: settings.concurrency,
        eastWestGbPerMonth: settings.eastWestGbPerMonth, variants: summaries,
    })));
    return summaries.some(s => s.answered === 0) ? 1 : 0;
}

if (require.main === module) {
    main().then(code => { process.exitCode = code; }, (error: Error) => {
        console.error(`measurer: ${error.stack ?? error.message}`);
        process.exitCode = 2;
    });
}
