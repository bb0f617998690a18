/**
 * Where this pod runs: its node's `topology.kubernetes.io/zone` label, read through the
 * Kubernetes API with the pod's service-account token and CA. Instance metadata (IMDS) is not
 * an option: EKS Auto Mode nodes block it for pods. Standard library only (shipped to the pod).
 *
 * CROSSAZ_ZONE_OVERRIDE skips the API and names the zone directly. It exists for the loopback
 * end-to-end test, where there is no cluster; the component never sets it.
 */
import { readFile } from "node:fs/promises";
import { request } from "node:https";

const ZONE_LABEL = "topology.kubernetes.io/zone";
const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface PodPlacement {
    zone: string;
    node: string;
    pod: string;
    podIp: string;
}

/** The pod's zone, node, name and IP; node, pod and IP come from downward-API env vars. */
export async function lookUpPlacement(env: NodeJS.ProcessEnv = process.env): Promise<PodPlacement> {
    const node = env.NODE_NAME ?? "unknown";
    const pod = env.POD_NAME ?? "unknown";
    const podIp = env.POD_IP ?? "unknown";
    if (env.CROSSAZ_ZONE_OVERRIDE) return { zone: env.CROSSAZ_ZONE_OVERRIDE, node, pod, podIp };
    if (!env.NODE_NAME) throw new Error("NODE_NAME is not set: give the pod spec.nodeName through the downward API");
    return { zone: await nodeZone(env.NODE_NAME, await inClusterApi(env)), node, pod, podIp };
}

/** How to reach the API server: address, bearer token, CA bundle. */
export interface ApiServer {
    host: string;
    port: string;
    token: string;
    ca: Buffer;
}

/** The API server as every pod sees it: service env vars and the mounted service-account token. */
async function inClusterApi(env: NodeJS.ProcessEnv): Promise<ApiServer> {
    const host = env.KUBERNETES_SERVICE_HOST;
    if (!host) throw new Error("KUBERNETES_SERVICE_HOST is not set: not running in a Kubernetes pod");
    const [token, ca] = await Promise.all([
        readFile(`${SERVICE_ACCOUNT_DIR}/token`, "utf8"),
        readFile(`${SERVICE_ACCOUNT_DIR}/ca.crt`),
    ]);
    return { host, port: env.KUBERNETES_SERVICE_PORT ?? "443", token: token.trim(), ca };
}

/** GET /api/v1/nodes/<node> and read its zone label (needs only `get` on nodes). */
export async function nodeZone(node: string, api: ApiServer): Promise<string> {
    const body = await new Promise<string>((resolve, reject) => {
        const req = request({
            host: api.host, port: api.port, ca: api.ca, method: "GET", path: `/api/v1/nodes/${encodeURIComponent(node)}`,
            headers: { Authorization: `Bearer ${api.token}`, Accept: "application/json" },
            timeout: 10_000,
        }, res => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", chunk => { text += chunk; });
            res.on("end", () => res.statusCode === 200 ? resolve(text)
                : reject(new Error(`GET node ${node}: HTTP ${res.statusCode} ${text.slice(0, 200)}`)));
        });
        req.on("timeout", () => req.destroy(new Error(`GET node ${node}: timed out`)));
        req.on("error", reject);
        req.end();
    });
    const zone = (JSON.parse(body) as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.[ZONE_LABEL];
    if (!zone) throw new Error(`node ${node} has no ${ZONE_LABEL} label`);
    return zone;
}
