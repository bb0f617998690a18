/**
 * Where this pod runs: its node's `topology.kubernetes.io/zone` label, read through the
 * Kubernetes API with the pod's service-account token and CA. Instance metadata (IMDS) is not
 * an option: EKS Auto Mode nodes block it for pods. Standard library only (shipped to the pod).
 *
 * CROSSAZ_ZONE_OVERRIDE skips the API and names the zone directly. It exists for the loopback
 * end-to-end test, where there is no cluster; the component never sets it.
 */
import { ApiServer, apiCall, inClusterApi } from "./kube-api";

const ZONE_LABEL = "topology.kubernetes.io/zone";

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

/** GET /api/v1/nodes/<node> and read its zone label (needs only `get` on nodes). */
export async function nodeZone(node: string, api: ApiServer): Promise<string> {
    const found = await apiCall<{ metadata?: { labels?: Record<string, string> } }>(
        api, "GET", `/api/v1/nodes/${encodeURIComponent(node)}`, `GET node ${node}`);
    const zone = found.metadata?.labels?.[ZONE_LABEL];
    if (!zone) throw new Error(`node ${node} has no ${ZONE_LABEL} label`);
    return zone;
}
