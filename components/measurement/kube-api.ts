/**
 * The Kubernetes API as a pod reaches it: the API server's address from the service env vars,
 * the mounted service-account token and CA, JSON over HTTPS. Standard library only (shipped to
 * the pods).
 *
 * CROSSAZ_SERVICE_ACCOUNT_DIR replaces the mounted service-account directory. It exists for the
 * loopback end-to-end test, which points the measurer at an API stand-in; the component never
 * sets it.
 */
import { readFile } from "node:fs/promises";
import { request } from "node:https";

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** How to reach the API server: address, bearer token, CA bundle. */
export interface ApiServer {
    host: string;
    port: string;
    token: string;
    ca: Buffer;
}

/** The API server as every pod sees it: service env vars and the service-account token and CA. */
export async function inClusterApi(env: NodeJS.ProcessEnv): Promise<ApiServer> {
    const host = env.KUBERNETES_SERVICE_HOST;
    if (!host) throw new Error("KUBERNETES_SERVICE_HOST is not set: not running in a Kubernetes pod");
    const dir = env.CROSSAZ_SERVICE_ACCOUNT_DIR || SERVICE_ACCOUNT_DIR;
    const [token, ca] = await Promise.all([readFile(`${dir}/token`, "utf8"), readFile(`${dir}/ca.crt`)]);
    return { host, port: env.KUBERNETES_SERVICE_PORT ?? "443", token: token.trim(), ca };
}

/** A JSON body and the content type that says how the server applies it (e.g. a merge patch). */
export interface ApiBody {
    contentType: string;
    json: unknown;
}

/**
 * One API call; resolves with the parsed JSON of a 200 answer. what names the call in errors:
 * "<what>: HTTP <status> <start of the body>" or "<what>: timed out".
 */
export function apiCall<T>(api: ApiServer, method: string, path: string, what: string, body?: ApiBody): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body.json);
    return new Promise<T>((resolve, reject) => {
        const req = request({
            host: api.host, port: api.port, ca: api.ca, method, path,
            headers: {
                Authorization: `Bearer ${api.token}`,
                Accept: "application/json",
                ...(body && { "Content-Type": body.contentType }),
            },
            timeout: 10_000,
        }, res => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", chunk => { text += chunk; });
            res.on("end", () => {
                if (res.statusCode !== 200) return reject(new Error(`${what}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
                try {
                    resolve(JSON.parse(text) as T);
                } catch {
                    reject(new Error(`${what}: the answer is not JSON`));
                }
            });
        });
        req.on("timeout", () => req.destroy(new Error(`${what}: timed out`)));
        req.on("error", reject);
        req.end(payload);
    });
}
