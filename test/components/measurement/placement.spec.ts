/**
 * The zone lookup the pods do at start, against a loopback HTTPS stand-in for the API server.
 * fixtures/loopback-tls-*.pem: a self-signed test-only certificate for 127.0.0.1 (no secret).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, Server } from "node:https";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { ApiServer } from "../../../components/measurement/kube-api";
import { lookUpPlacement, nodeZone } from "../../../components/measurement/placement";

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name));

describe("measurement placement", () => {
    describe("lookUpPlacement", () => {
        it("takes the zone from CROSSAZ_ZONE_OVERRIDE (tests only) and the rest from the downward API", async () => {
            assert.deepEqual(await lookUpPlacement({ CROSSAZ_ZONE_OVERRIDE: "us-east-1b", NODE_NAME: "n1", POD_NAME: "p1", POD_IP: "10.0.40.7" }),
                { zone: "us-east-1b", node: "n1", pod: "p1", podIp: "10.0.40.7" });
        });

        it("says what is missing outside a pod", async () => {
            await assert.rejects(lookUpPlacement({}), { message: "NODE_NAME is not set: give the pod spec.nodeName through the downward API" });
            await assert.rejects(lookUpPlacement({ NODE_NAME: "n1" }), { message: "KUBERNETES_SERVICE_HOST is not set: not running in a Kubernetes pod" });
        });
    });

    describe("nodeZone against a loopback API server", () => {
        let server: Server;
        let api: ApiServer;
        const seen: Array<{ path?: string; authorization?: string }> = [];
        const nodes: Record<string, object> = {
            "ip-10-0-33-4.ec2.internal": { metadata: { labels: { "topology.kubernetes.io/zone": "us-east-1b", "kubernetes.io/os": "linux" } } },
            "unlabelled": { metadata: { labels: {} } },
        };

        before(async () => {
            server = createServer({ key: fixture("loopback-tls-key.pem"), cert: fixture("loopback-tls-cert.pem") }, (req, res) => {
                seen.push({ path: req.url, authorization: req.headers.authorization });
                const name = decodeURIComponent(req.url?.replace(/^\/api\/v1\/nodes\//, "") ?? "");
                if (req.headers.authorization !== "Bearer token-123") return res.writeHead(401).end("Unauthorized");
                if (name === "forbidden") return res.writeHead(403).end('nodes "forbidden" is forbidden');
                const node = nodes[name];
                res.writeHead(node ? 200 : 404, { "Content-Type": "application/json" }).end(JSON.stringify(node ?? { reason: "NotFound" }));
            });
            await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
            api = { host: "127.0.0.1", port: String((server.address() as AddressInfo).port), token: "token-123", ca: fixture("loopback-tls-cert.pem") };
        });

        after(() => new Promise(resolve => server.close(resolve)));

        it("GETs the node with the bearer token, trusting only the given CA, and reads its zone label", async () => {
            assert.equal(await nodeZone("ip-10-0-33-4.ec2.internal", api), "us-east-1b");
            assert.deepEqual(seen.at(-1), { path: "/api/v1/nodes/ip-10-0-33-4.ec2.internal", authorization: "Bearer token-123" });
        });

        it("fails with the HTTP status when RBAC or the token says no", async () => {
            await assert.rejects(nodeZone("forbidden", api), { message: 'GET node forbidden: HTTP 403 nodes "forbidden" is forbidden' });
            await assert.rejects(nodeZone("ip-10-0-33-4.ec2.internal", { ...api, token: "wrong" }), { message: /HTTP 401/ });
        });

        it("fails when the node has no zone label", async () => {
            await assert.rejects(nodeZone("unlabelled", api), { message: "node unlabelled has no topology.kubernetes.io/zone label" });
        });

        it("refuses a server its CA did not sign", async () => {
            await assert.rejects(nodeZone("ip-10-0-33-4.ec2.internal", { ...api, ca: Buffer.alloc(0) }), { code: /SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/ });
        });
    });
});
