/**
 * End to end on loopback: the compiled scripts exactly as the ConfigMap ships them, three
 * zone-echo servers told their zone through CROSSAZ_ZONE_OVERRIDE, stand-ins for the three
 * Services, and the measurer run against them as a child process. The stand-ins count what
 * they routed, so every figure of the report is checked against what really happened.
 */
import assert from "node:assert/strict";
import { ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { AddressInfo } from "node:net";
import { createServer, get, Server } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { compileForPod } from "../../../components/measurement/compile";
import { crossAzTransferCost } from "../../../policies/lib/cost-model";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const CALLER = { zone: "us-east-1a", node: "node-a" };
const REQUESTS = 300;
const GB_PER_MONTH = 10_000;
const FAIL_EVERY = 25; // the random stand-in answers 503 to every 25th request it receives

interface RunResult { code: number | null; stdout: string; stderr: string }

describe("measurement end to end on loopback", function () {
    this.timeout(30_000);
    let dir: string;
    const echoes: ChildProcess[] = [];
    const standIns: Server[] = [];
    const echoPorts: Record<string, number> = {};
    /** What the random stand-in did with each request it received, in order: a zone or "503". */
    const randomLog: string[] = [];

    const script = (name: string) => path.join(dir, "components/measurement", name);

    function runMeasurer(env: Record<string, string>): Promise<RunResult> {
        return new Promise(resolve => {
            execFile(process.execPath, [script("measurer.js")], {
                env: { PATH: process.env.PATH ?? "", CROSSAZ_ZONE_OVERRIDE: CALLER.zone, NODE_NAME: CALLER.node, POD_NAME: "measurer", ...env },
                timeout: 25_000,
            }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }));
        });
    }

    /** A Service stand-in on an ephemeral loopback port that forwards each request to pickZone's echo. */
    async function standIn(pickZone: () => string | undefined): Promise<string> {
        const server = createServer((req, res) => {
            req.resume();
            const zone = pickZone();
            if (zone === undefined) {
                res.writeHead(503, { Connection: "close" }).end("no endpoint");
                return;
            }
            get({ host: "127.0.0.1", port: echoPorts[zone], path: "/", agent: false }, upstream => {
                res.writeHead(upstream.statusCode ?? 502, { "Content-Type": "application/json", Connection: "close" });
                upstream.pipe(res);
            }).on("error", () => res.writeHead(502).end());
        });
        standIns.push(server);
        await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    before(async () => {
        dir = mkdtempSync(path.join(tmpdir(), "crossaz-measurement-"));
        const shipped = compileForPod(["components/measurement/zone-echo.ts", "components/measurement/measurer.ts"]);
        for (const file of shipped) {
            mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
            writeFileSync(path.join(dir, file.path), file.javascript);
        }
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
        await Promise.all(standIns.map(server => new Promise(resolve => server.close(resolve))));
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

    it("reports what each variant really did: shares, errors, zones, cost and the best variant", async () => {
        const baseline = await standIn(() => {
            const zone = (randomLog.length + 1) % FAIL_EVERY === 0 ? undefined : ZONES[Math.floor(Math.random() * ZONES.length)];
            randomLog.push(zone ?? "503");
            return zone;
        });
        const sameZone = await standIn(() => CALLER.zone);
        const sameNode = await standIn(() => CALLER.zone);

        const run = await runMeasurer({
            TARGETS: `baseline=${baseline},prefer-same-zone=${sameZone},prefer-same-node=${sameNode}`,
            REQUESTS: String(REQUESTS), CONCURRENCY: "4", EAST_WEST_GB_PER_MONTH: String(GB_PER_MONTH),
        });
        assert.equal(run.code, 0, run.stderr);

        // The first request is the measurer's readiness check (it waits for each variant to
        // answer once); the measured requests follow.
        assert.equal(randomLog.length, REQUESTS + 1);
        const measured = randomLog.slice(1);
        const randomFailed = measured.filter(outcome => outcome === "503").length;
        const randomRouted: Record<string, number> = {};
        for (const zone of measured.filter(outcome => outcome !== "503")) randomRouted[zone] = (randomRouted[zone] ?? 0) + 1;
        const answered = REQUESTS - randomFailed;
        assert.equal(randomFailed, Math.floor((REQUESTS + 1) / FAIL_EVERY));
        const crossAzShare = (answered - randomRouted[CALLER.zone]) / answered;
        const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
        const zonesColumn = ZONES.filter(z => randomRouted[z]).map(z => `${z}=${randomRouted[z]}`).join(" ");

        const row = (variant: string) => run.stdout.split("\n").find(l => l.startsWith(`${variant} `))?.split(/ {2,}/);
        assert.deepEqual(row("baseline")?.slice(0, 6),
            ["baseline", String(REQUESTS), String(answered), String(randomFailed), pct(1 - crossAzShare), pct(crossAzShare)]);
        assert.equal(row("baseline")?.[9], zonesColumn);
        for (const variant of ["prefer-same-zone", "prefer-same-node"]) {
            assert.deepEqual(row(variant)?.slice(0, 7), [variant, String(REQUESTS), String(REQUESTS), "0", "100.0%", "0.0%", "100.0%"]);
            assert.equal(row(variant)?.[9], `${CALLER.zone}=${REQUESTS}`);
            const [avg, p99] = [Number(row(variant)?.[7]), Number(row(variant)?.[8])];
            assert.ok(avg > 0 && p99 >= avg, `latency avg ${avg} p99 ${p99}`);
        }
        // Cross-AZ share of the baseline: 2/3 expected from random routing over three zones.
        assert.ok(crossAzShare > 0.5 && crossAzShare < 0.8, `random routing gave ${crossAzShare}`);
        const baselineCost = crossAzTransferCost(GB_PER_MONTH, crossAzShare).toFixed(2);
        assert.match(run.stdout, new RegExp(`^ {2}baseline +\\$${baselineCost}$`, "m"));
        assert.match(run.stdout, /^ {2}prefer-same-zone +\$0\.00$/m);
        assert.match(run.stdout, new RegExp(`^Best: prefer-same-(zone|node), 100\\.0% same-zone, ${(crossAzShare * 100).toFixed(1)} points less cross-AZ than baseline: saves \\$${baselineCost}/month at ${GB_PER_MONTH} GB/month\\.$`, "m"));
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
        assert.equal((await runMeasurer({ TARGETS: "" })).stderr, 'measurer: TARGETS must name at least one variant=url, got ""\n');
        assert.equal((await runMeasurer({ TARGETS: "http://127.0.0.1:1" })).stderr,
            'measurer: TARGETS must be variant=http://host:port pairs separated by commas, got "http://127.0.0.1:1"\n');
    });
});
