/**
 * End to end on loopback: the compiled scripts exactly as the ConfigMap ships them, three
 * zone-echo servers told their zone through CROSSAZ_ZONE_OVERRIDE, stand-ins for the six
 * Services and for the Kubernetes API, and the measurer run against them as a child process.
 * The stand-ins log what they routed, so every figure of the report is checked against what
 * really happened. fixtures/loopback-tls-*.pem: the test-only certificate of the API stand-in.
 */
import assert from "node:assert/strict";
import { ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { AddressInfo } from "node:net";
import { createServer, get, IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer, Server as HttpsServer } from "node:https";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { compileForPod } from "../../../components/measurement/compile";
import { EndpointSlice } from "../../../components/measurement/endpoints";
import { crossAzTransferCost } from "../../../policies/lib/cost-model";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const CALLER = { zone: "us-east-1a", node: "node-a" };
const NAMESPACE = "crossaz-measurement";
const REQUESTS = 300;
const REQUEST_TIMEOUT_MS = 250;
const GB_PER_MONTH = 10_000;
const FAIL_EVERY = 25; // the baseline stand-in answers 503 to every 25th request it receives
const ROLL_REQUESTS = 120; // the simulated rollout is over once the rolling stand-in has routed this many
const TOKEN = "token-e2e";

interface RunResult { code: number | null; stdout: string; stderr: string }

/** What a stand-in did with one request: the zone it sent it to, or how it failed it. */
type Outcome = string | "503" | "reset";

/** Routed requests per zone, and the failures, of a stand-in's log. */
function tally(log: readonly Outcome[]) {
    const failed = log.filter(outcome => outcome === "503" || outcome === "reset").length;
    const routed: Record<string, number> = {};
    for (const zone of log.filter(outcome => ZONES.includes(outcome))) routed[zone] = (routed[zone] ?? 0) + 1;
    const answered = log.length - failed;
    return { failed, routed, answered, crossAzShare: (answered - (routed[CALLER.zone] ?? 0)) / answered };
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const randomZone = () => ZONES[Math.floor(Math.random() * ZONES.length)];

/** EndpointSlices as the API stand-in serves them: one endpoint per [zone, node, hinted, ready]. */
function slices(endpoints: Array<[string, string, boolean, boolean?]>): EndpointSlice[] {
    return [{
        endpoints: endpoints.map(([zone, nodeName, hinted, ready = true]) => ({
            conditions: { ready }, nodeName, zone, ...(hinted && { hints: { forZones: [{ name: zone }] } }),
        })),
    }];
}
/** Two endpoints per zone, one of them on the caller's node. */
const twoPerZone = (hinted: (i: number) => boolean) => slices(ZONES.flatMap((zone, z) =>
    [0, 1].map(i => [zone, z === 0 && i === 0 ? CALLER.node : `node-${zone.slice(-1)}${i}`, hinted(2 * z + i)] as [string, string, boolean])));
const SLICES: Record<string, EndpointSlice[]> = {
    "zone-echo-baseline": twoPerZone(() => false),
    "zone-echo-prefer-same-zone": twoPerZone(() => true),
    // One endpoint without a hint: kube-proxy then ignores the hints and routes cluster-wide.
    // A terminating (not ready) endpoint is not counted.
    "zone-echo-topology-mode-auto": [...twoPerZone(i => i !== 3), ...slices([["us-east-1a", "node-a9", true, false]])],
    // One per zone, none on the caller's node: internalTrafficPolicy Local drops its traffic.
    "zone-echo-internal-local": slices(ZONES.map(zone => [zone, `node-${zone.slice(-1)}7`, false])),
};

describe("measurement end to end on loopback", function () {
    this.timeout(60_000);
    let dir: string;
    const echoes: ChildProcess[] = [];
    const servers: Array<Server | HttpsServer> = [];
    const echoPorts: Record<string, number> = {};
    let api: { port: number; calls: Array<{ method?: string; url?: string; authorization?: string; contentType?: string; body: string }> };
    /** Request count of the rolling stand-in when the Deployment was patched, and when the rollout was reported over. */
    const rollout: { patchedAt?: number; overAt?: number; overSeenAtMs?: number } = {};
    const rollingLog: Array<{ outcome: Outcome; atMs: number }> = [];

    const script = (name: string) => path.join(dir, "components/measurement", name);

    function runMeasurer(env: Record<string, string>): Promise<RunResult> {
        return new Promise(resolve => {
            execFile(process.execPath, [script("measurer.js")], {
                env: {
                    PATH: process.env.PATH ?? "", CROSSAZ_ZONE_OVERRIDE: CALLER.zone, NODE_NAME: CALLER.node, POD_NAME: "measurer",
                    KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: String(api.port),
                    CROSSAZ_SERVICE_ACCOUNT_DIR: path.join(dir, "serviceaccount"), ...env,
                },
                timeout: 50_000,
            }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }));
        });
    }

    async function listen(server: Server): Promise<string> {
        servers.push(server);
        await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    /** Forwards to the zone's echo server, or fails the request the way the outcome says. */
    function route(outcome: Outcome, res: ServerResponse) {
        if (outcome === "503") return res.writeHead(503, { Connection: "close" }).end("no endpoint");
        if (outcome === "reset") return res.socket?.destroy(); // a connection to a pod that is going away
        get({ host: "127.0.0.1", port: echoPorts[outcome], path: "/", agent: false }, upstream => {
            res.writeHead(upstream.statusCode ?? 502, { "Content-Type": "application/json", Connection: "close" });
            upstream.pipe(res);
        }).on("error", () => res.writeHead(502).end());
    }

    /** A Service stand-in: pick decides each request's outcome, which is logged. */
    function standIn(pick: (received: number) => Outcome, log: Outcome[] = []): Promise<string> {
        return listen(createServer((req: IncomingMessage, res: ServerResponse) => {
            req.resume();
            const outcome = pick(log.length);
            log.push(outcome);
            route(outcome, res);
        }));
    }

    /** The API stand-in: EndpointSlices by Service, and the rolling Deployment (PATCH restarts it, GET tells its rollout). */
    async function apiStandIn() {
        const calls: typeof api.calls = [];
        const deployment = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/zone-echo-rolling`;
        const server = createHttpsServer({ key: fixture("loopback-tls-key.pem"), cert: fixture("loopback-tls-cert.pem") }, (req, res) => {
            let body = "";
            req.setEncoding("utf8").on("data", chunk => { body += chunk; }).on("end", () => {
                calls.push({ method: req.method, url: req.url, authorization: req.headers.authorization, contentType: req.headers["content-type"], body });
                const json = (status: number, value: unknown) => res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(value));
                if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { reason: "Unauthorized" });
                const url = new URL(req.url ?? "/", "https://127.0.0.1");
                if (req.method === "GET" && url.pathname === `/apis/discovery.k8s.io/v1/namespaces/${NAMESPACE}/endpointslices`) {
                    const service = /^kubernetes\.io\/service-name=(.+)$/.exec(url.searchParams.get("labelSelector") ?? "")?.[1] ?? "";
                    return json(200, { items: SLICES[service] ?? [] });
                }
                if (req.method === "PATCH" && url.pathname === deployment) {
                    rollout.patchedAt = rollingLog.length;
                    return json(200, { metadata: { generation: 7 } });
                }
                if (req.method === "GET" && url.pathname === deployment) {
                    const over = rollout.patchedAt !== undefined && rollingLog.length - rollout.patchedAt >= ROLL_REQUESTS;
                    if (over && rollout.overAt === undefined) [rollout.overAt, rollout.overSeenAtMs] = [rollingLog.length, Date.now()];
                    return json(200, {
                        metadata: { generation: 7 }, spec: { replicas: 6 },
                        status: over ? { observedGeneration: 7, replicas: 6, updatedReplicas: 6, availableReplicas: 6 }
                            : { observedGeneration: 7, replicas: 8, updatedReplicas: 3, availableReplicas: 5 },
                    });
                }
                json(403, { reason: "Forbidden", message: `${req.method} ${url.pathname} is forbidden` });
            });
        });
        servers.push(server);
        await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
        return { port: (server.address() as AddressInfo).port, calls };
    }

    const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name));

    before(async () => {
        dir = mkdtempSync(path.join(tmpdir(), "crossaz-measurement-"));
        const shipped = compileForPod(["components/measurement/zone-echo.ts", "components/measurement/measurer.ts"]);
        for (const file of shipped) {
            mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
            writeFileSync(path.join(dir, file.path), file.javascript);
        }
        mkdirSync(path.join(dir, "serviceaccount"));
        writeFileSync(path.join(dir, "serviceaccount", "token"), `${TOKEN}\n`);
        writeFileSync(path.join(dir, "serviceaccount", "ca.crt"), fixture("loopback-tls-cert.pem"));
        api = await apiStandIn();
        for (const [i, zone] of ZONES.entries()) {
            const echo = spawn(process.execPath, [script("zone-echo.js")], {
                env: { PORT: "0", CROSSAZ_ZONE_OVERRIDE: zone, NODE_NAME: i === 0 ? CALLER.node : `node-${zone.slice(-1)}`, POD_NAME: `zone-echo-${i}`, POD_IP: "127.0.0.1" },
                stdio: ["ignore", "pipe", "inherit"],
            });
            echoes.push(echo);
            echoPorts[zone] = await new Promise<number>((resolve, reject) => {
                echo.stdout!.on("data", (chunk: Buffer) => {
                    const port = /listening on (\d+)/.exec(chunk.toString());
                    if (port) resolve(Number(port[1]));
                });
                echo.on("exit", code => reject(new Error(`zone-echo for ${zone} exited with ${code}`)));
            });
        }
    });

    after(async () => {
        for (const echo of echoes) echo.kill();
        for (const server of servers) server.closeAllConnections();
        await Promise.all(servers.map(server => new Promise(resolve => server.close(resolve))));
        rmSync(dir, { recursive: true, force: true });
    });

    it("zone-echo answers with its zone, node, pod and IP", async () => {
        const body = await new Promise<string>((resolve, reject) => {
            get({ host: "127.0.0.1", port: echoPorts["us-east-1b"], agent: false }, res => {
                let text = "";
                res.on("data", chunk => { text += chunk; }).on("end", () => resolve(text));
            }).on("error", reject);
        });
        assert.deepEqual(JSON.parse(body), { zone: "us-east-1b", node: "node-b", pod: "zone-echo-1", podIp: "127.0.0.1" });
    });

    describe("all six variants", () => {
        const baselineLog: Outcome[] = [];
        const topologyLog: Outcome[] = [];
        const dropped = { received: 0, mostInFlight: 0 };
        let run: RunResult;
        const row = (variant: string) => run.stdout.split("\n").find(l => l.startsWith(`${variant} `))?.split(/ {2,}/);
        /** A row of the cost table, the lines after its "Cross-zone traffic" heading. */
        const costRow = (variant: string) => run.stdout.split("\n").slice(run.stdout.split("\n").findIndex(l => l.startsWith("Cross-zone traffic")))
            .find(l => l.startsWith(`  ${variant} `))?.trim().split(/ {2,}/);

        before(async () => {
            const baseline = await standIn(received => (received + 1) % FAIL_EVERY === 0 ? "503" : randomZone(), baselineLog);
            const sameZone = await standIn(() => CALLER.zone);
            const sameNode = await standIn(() => CALLER.zone);
            // Hints incomplete (SLICES): kube-proxy routes cluster-wide, as if there were no annotation.
            const topology = await standIn(randomZone, topologyLog);
            // Accepts each connection and never answers: from the caller, a DROP looks like that.
            let inFlight = 0;
            const local = await listen(createServer((_req, res) => {
                dropped.received++;
                dropped.mostInFlight = Math.max(dropped.mostInFlight, ++inFlight);
                res.on("close", () => { inFlight--; });
            }));
            // In-zone, except while the Deployment rolls: then every 8th request crosses (the
            // zone briefly without a ready endpoint) and every 40th is reset (a pod going away).
            const rolling = await listen(createServer((req, res) => {
                req.resume();
                const sincePatch = rollout.patchedAt === undefined ? -1 : rollingLog.length - rollout.patchedAt;
                const rollingNow = sincePatch >= 0 && rollout.overAt === undefined;
                const outcome = !rollingNow ? CALLER.zone : (sincePatch + 1) % 40 === 0 ? "reset" : (sincePatch + 1) % 8 === 0 ? "us-east-1b" : CALLER.zone;
                rollingLog.push({ outcome, atMs: Date.now() });
                route(outcome, res);
            }));
            const services = ["baseline", "prefer-same-zone", "topology-mode-auto", "internal-local"];
            run = await runMeasurer({
                TARGETS: [`baseline=${baseline}`, `prefer-same-zone=${sameZone}`, `prefer-same-node=${sameNode}`, `topology-mode-auto=${topology}`,
                    `internal-local=${local}`, `prefer-same-zone-rolling=${rolling}`].join(","),
                REQUESTS: String(REQUESTS), CONCURRENCY: "4", EAST_WEST_GB_PER_MONTH: String(GB_PER_MONTH),
                REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), POD_NAMESPACE: NAMESPACE,
                SERVICES: services.map(variant => `${variant}=zone-echo-${variant}`).join(","),
                ROLLING: "prefer-same-zone-rolling=zone-echo-rolling",
                EXPECT_DROPS: "internal-local",
            });
        });

        it("exits 0: the dropped variant is expected to drop, the rollout was measured", () => {
            assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
        });

        it("baseline and topology-mode-auto without complete hints: what the random stand-ins routed", () => {
            // The first request to each is the measurer's readiness check; the measured ones follow.
            for (const [variant, log] of [["baseline", baselineLog], ["topology-mode-auto", topologyLog]] as const) {
                assert.equal(log.length, REQUESTS + 1, variant);
                const { failed, routed, answered, crossAzShare } = tally(log.slice(1));
                assert.deepEqual(row(variant)?.slice(0, 6),
                    [variant, String(REQUESTS), String(answered), String(failed), pct(1 - crossAzShare), pct(crossAzShare)]);
                assert.equal(row(variant)?.[9], ZONES.filter(z => routed[z]).map(z => `${z}=${routed[z]}`).join(" "));
                // Random routing over three zones crosses 2/3 of the time.
                assert.ok(crossAzShare > 0.5 && crossAzShare < 0.8, `${variant}: random routing gave ${crossAzShare}`);
            }
            assert.equal(tally(baselineLog.slice(1)).failed, Math.floor((REQUESTS + 1) / FAIL_EVERY));
        });

        it("PreferSameZone and PreferSameNode: every answer from the caller's zone", () => {
            for (const variant of ["prefer-same-zone", "prefer-same-node"]) {
                assert.deepEqual(row(variant)?.slice(0, 7), [variant, String(REQUESTS), String(REQUESTS), "0", "100.0%", "0.0%", "100.0%"]);
                assert.equal(row(variant)?.[9], `${CALLER.zone}=${REQUESTS}`);
                const [avg, p99] = [Number(row(variant)?.[7]), Number(row(variant)?.[8])];
                assert.ok(avg > 0 && p99 >= avg, `latency avg ${avg} p99 ${p99}`);
            }
        });

        it("internalTrafficPolicy Local without a local endpoint: every request sent, 64 in flight, each dropped one an error", () => {
            assert.equal(dropped.received, REQUESTS, "not waited for: no readiness request before the measured ones");
            assert.equal(dropped.mostInFlight, 64);
            assert.deepEqual(row("internal-local")?.slice(0, 10),
                ["internal-local", String(REQUESTS), "0", String(REQUESTS), "n/a", "n/a", "n/a", "n/a", "n/a", "-"]);
            assert.match(run.stdout, new RegExp(`^errors from internal-local: timed out after ${REQUEST_TIMEOUT_MS} ms$`, "m"));
            assert.match(run.stdout, new RegExp(`^internal-local: expected to drop this pod's requests \\(no endpoint on this node\\); 64 in flight, a dropped request waits out its ${REQUEST_TIMEOUT_MS} ms timeout\\.$`, "m"));
        });

        it("pod churn: restarts the Deployment through the API, measures until it has rolled out, and counts what crossed meanwhile", () => {
            const patches = api.calls.filter(c => c.method === "PATCH" && c.url === `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/zone-echo-rolling`);
            assert.equal(patches.length, 1);
            assert.equal(patches[0].contentType, "application/merge-patch+json");
            assert.equal(patches[0].authorization, `Bearer ${TOKEN}`);
            const restartedAt = JSON.parse(patches[0].body).spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"];
            assert.ok(Math.abs(Date.parse(restartedAt) - Date.now()) < 60_000, restartedAt);
            assert.equal(rollout.patchedAt, 1, "patched after the readiness request, before the measured ones");
            assert.ok(rollout.overAt! - rollout.patchedAt! >= ROLL_REQUESTS, "measured through the whole rollout");
            // It stops once it sees the rollout over: the last request left right after that GET.
            const last = rollingLog.at(-1)!.atMs;
            assert.ok(last - rollout.overSeenAtMs! < 500, `last request ${last - rollout.overSeenAtMs!} ms after the rollout was reported over`);

            const measured = rollingLog.slice(1).map(entry => entry.outcome);
            const { failed, routed, answered, crossAzShare } = tally(measured);
            assert.ok(failed > 0 && routed["us-east-1b"] > 0, "the simulated rollout reset some requests and sent some across");
            assert.deepEqual(row("prefer-same-zone-rolling")?.slice(0, 6),
                ["prefer-same-zone-rolling", String(measured.length), String(answered), String(failed), pct(1 - crossAzShare), pct(crossAzShare)]);
            assert.match(run.stdout, /^errors from prefer-same-zone-rolling: socket hang up$/m);
            assert.match(run.stdout, /^prefer-same-zone-rolling: measured from the restart of Deployment zone-echo-rolling until it had rolled out, \d+\.\d s\.$/m);
        });

        it("lists each described Service's ready endpoints: in the caller's zone, on its node, with zone hints", () => {
            assert.match(run.stdout, /^Ready endpoints of each variant's Service before it was measured \(its EndpointSlices\):$/m);
            assert.match(run.stdout, /^ {2}baseline {12}6 ready, 2 in us-east-1a, 1 on this node, 0 with zone hints$/m);
            assert.match(run.stdout, /^ {2}prefer-same-zone {4}6 ready, 2 in us-east-1a, 1 on this node, 6 with zone hints$/m);
            assert.match(run.stdout, /^ {2}topology-mode-auto {2}6 ready, 2 in us-east-1a, 1 on this node, 5 with zone hints$/m);
            assert.match(run.stdout, /^ {2}internal-local {6}3 ready, 1 in us-east-1a, 0 on this node, 0 with zone hints$/m);
            const listed = api.calls.filter(c => c.url?.includes("/endpointslices")).map(c => new URL(c.url!, "https://x").searchParams.get("labelSelector"));
            assert.deepEqual(listed, ["baseline", "prefer-same-zone", "topology-mode-auto", "internal-local"].map(v => `kubernetes.io/service-name=zone-echo-${v}`));
        });

        it("prices each variant: requests, in-zone and cross-zone shares, GB/month across, dollars, reduction against baseline", () => {
            assert.match(run.stdout, new RegExp(`^Cross-zone traffic at ${GB_PER_MONTH} GB/month east-west \\(GB x cross-AZ share; \\$0\\.01/GB out of one zone and again into the other\\):$`, "m"));
            assert.deepEqual(costRow("variant"), ["variant", "requests", "in-zone", "cross-zone", "GB/month cross-zone", "$/month", "reduction vs baseline"]);
            const baselineShare = tally(baselineLog.slice(1)).crossAzShare;
            const expected = (variant: string, requests: number, share: number) => [
                variant, String(requests), pct(1 - share), pct(share), (GB_PER_MONTH * share).toFixed(1),
                `$${crossAzTransferCost(GB_PER_MONTH, share).toFixed(2)}`, variant === "baseline" ? "-" : pct(1 - share / baselineShare),
            ];
            assert.deepEqual(costRow("baseline"), expected("baseline", REQUESTS, baselineShare));
            assert.deepEqual(costRow("prefer-same-zone"), expected("prefer-same-zone", REQUESTS, 0));
            assert.deepEqual(costRow("prefer-same-zone"), ["prefer-same-zone", "300", "100.0%", "0.0%", "0.0", "$0.00", "100.0%"]);
            assert.deepEqual(costRow("topology-mode-auto"), expected("topology-mode-auto", REQUESTS, tally(topologyLog.slice(1)).crossAzShare));
            assert.deepEqual(costRow("internal-local"), ["internal-local", String(REQUESTS), "n/a", "n/a", "n/a", "n/a", "n/a"]);
            const churn = rollingLog.slice(1).map(entry => entry.outcome);
            assert.deepEqual(costRow("prefer-same-zone-rolling"), expected("prefer-same-zone-rolling", churn.length, tally(churn).crossAzShare));
        });

        it("names the best steady-state variant and its saving; the churn run does not compete", () => {
            const baselineShare = tally(baselineLog.slice(1)).crossAzShare;
            const saving = crossAzTransferCost(GB_PER_MONTH, baselineShare).toFixed(2);
            assert.match(run.stdout, new RegExp(`^Best: prefer-same-(zone|node), 100\\.0% same-zone, ${(baselineShare * 100).toFixed(1)} points less cross-AZ than baseline: saves \\$${saving}/month at ${GB_PER_MONTH} GB/month\\.$`, "m"));
        });
    });

    it("exits 1 and says why when the API refuses the restart (RBAC), the other variants measured", async () => {
        const sameZone = await standIn(() => CALLER.zone);
        const run = await runMeasurer({
            TARGETS: `prefer-same-zone=${sameZone},prefer-same-zone-rolling=${sameZone}`, REQUESTS: "20", POD_NAMESPACE: NAMESPACE,
            ROLLING: "prefer-same-zone-rolling=zone-echo-other",
        });
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stdout, /^prefer-same-zone +20 +20 +0 +100\.0%/m);
        assert.match(run.stdout, /^prefer-same-zone-rolling +0 +0 +0 +n\/a/m);
        assert.match(run.stdout, new RegExp(`^prefer-same-zone-rolling: not measured under churn: restart Deployment ${NAMESPACE}/zone-echo-other: HTTP 403 .*is forbidden.* \\(after \\d+\\.\\d s\\)\\.$`, "m"));
    });

    it("prints the report and exits 1 when a variant never answers", async () => {
        const closed = createServer();
        await new Promise<void>(resolve => closed.listen(0, "127.0.0.1", resolve));
        const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
        await new Promise(resolve => closed.close(resolve)); // nothing listens there any more
        const run = await runMeasurer({ TARGETS: `baseline=${deadUrl}`, REQUESTS: "5", WAIT_SECONDS: "0" });
        assert.equal(run.code, 1);
        assert.match(run.stderr, /baseline \(.*\) did not answer within 0 s: connect ECONNREFUSED/);
        assert.match(run.stdout, /^baseline +5 +0 +5 +n\/a +n\/a/m);
        assert.match(run.stdout, /Best: none \(no variant answered\)\./);
    });

    it("rejects bad settings with one line naming the variable and exits 2", async () => {
        const run = await runMeasurer({ TARGETS: "baseline=http://127.0.0.1:1", REQUESTS: "0" });
        assert.equal(run.code, 2);
        assert.equal(run.stderr, 'measurer: REQUESTS must be a whole number 1-100000, got "0"\n');
        const stderrOf = async (env: Record<string, string>) => (await runMeasurer(env)).stderr;
        assert.equal(await stderrOf({ TARGETS: "" }), 'measurer: TARGETS must name at least one variant=url, got ""\n');
        assert.equal(await stderrOf({ TARGETS: "http://127.0.0.1:1" }),
            'measurer: TARGETS must be variant=http://host:port pairs separated by commas, got "http://127.0.0.1:1"\n');
        const one = "baseline=http://127.0.0.1:1";
        assert.equal(await stderrOf({ TARGETS: one, ROLLING: "churn=zone-echo-rolling", POD_NAMESPACE: NAMESPACE }),
            "measurer: ROLLING names variant churn, which TARGETS does not\n");
        assert.equal(await stderrOf({ TARGETS: one, SERVICES: "baseline=Zone_Echo", POD_NAMESPACE: NAMESPACE }),
            'measurer: SERVICES must be variant=service pairs separated by commas, got "baseline=Zone_Echo"\n');
        assert.equal(await stderrOf({ TARGETS: one, SERVICES: "baseline=zone-echo-baseline" }),
            "measurer: POD_NAMESPACE must be set with SERVICES or ROLLING: it is the namespace of those Services and that Deployment\n");
        assert.match(await stderrOf({ TARGETS: one, SERVICES: "baseline=zone-echo-baseline", POD_NAMESPACE: NAMESPACE, CROSSAZ_SERVICE_ACCOUNT_DIR: path.join(dir, "nowhere") }),
            /^measurer: cannot reach the Kubernetes API: ENOENT: no such file or directory, open '.*nowhere\/(token|ca\.crt)'\n$/);
    });
});
