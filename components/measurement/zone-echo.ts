/**
 * zone-echo: answers every HTTP request with JSON `{zone, node, pod, podIp}` of the pod that
 * served it, so a caller can see where a Service sent it. Standard library only: it runs from a
 * ConfigMap on a stock Node image.
 *
 * Env: PORT (default 8080; 0 picks a free port), NODE_NAME, POD_NAME, POD_IP (downward API),
 * CROSSAZ_ZONE_OVERRIDE (tests only, see placement.ts). Prints `listening on <port>` once ready.
 */
import { createServer } from "node:http";
import { AddressInfo } from "node:net";
import { lookUpPlacement } from "./placement";

async function main(): Promise<void> {
    // Learn the zone before listening: the readiness probe then only passes once answers are true.
    const placement = await lookUpPlacement();
    const answer = JSON.stringify(placement);
    const server = createServer((req, res) => {
        req.resume();
        // Connection: close makes every request a new connection, so kube-proxy picks an
        // endpoint per request even for clients that would keep the connection alive.
        res.writeHead(200, { "Content-Type": "application/json", "Connection": "close" });
        res.end(answer);
    });
    server.listen(Number(process.env.PORT ?? 8080), () => {
        console.log(`zone-echo in ${placement.zone} (node ${placement.node}) listening on ${(server.address() as AddressInfo).port}`);
    });
    const stop = () => server.close(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}

main().catch(error => {
    console.error(`zone-echo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
