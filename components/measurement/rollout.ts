/**
 * Churn on demand: restart a Deployment the way `kubectl rollout restart` does (a new
 * restartedAt annotation on its pod template, so every pod is replaced) and tell when the
 * rollout is over (the checks of `kubectl rollout status`). Needs `patch` and `get` on that one
 * Deployment. Standard library only (shipped to the measurer's pod).
 */
import { ApiServer, apiCall } from "./kube-api";

export const RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";

/** The fields of an apps/v1 Deployment this module reads. */
export interface DeploymentState {
    metadata?: { generation?: number };
    spec?: { replicas?: number };
    status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

const deploymentPath = (namespace: string, name: string) =>
    `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;

/** Patches the pod template's restartedAt annotation; resolves with the Deployment's new generation. */
export async function restartDeployment(api: ApiServer, namespace: string, name: string, at: Date): Promise<number> {
    const patched = await apiCall<DeploymentState>(api, "PATCH", deploymentPath(namespace, name), `restart Deployment ${namespace}/${name}`, {
        contentType: "application/merge-patch+json",
        json: { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: at.toISOString() } } } } },
    });
    if (typeof patched.metadata?.generation !== "number") throw new Error(`restart Deployment ${namespace}/${name}: the answer has no metadata.generation`);
    return patched.metadata.generation;
}

/**
 * Whether the rollout of generation is over: the controller has seen it, every replica runs the
 * new template, no old replica is left and all new ones are available.
 */
export function rolledOut(deployment: DeploymentState, generation: number): boolean {
    const status = deployment.status ?? {};
    const wanted = deployment.spec?.replicas ?? 1; // the API's default
    const updated = status.updatedReplicas ?? 0;
    return (status.observedGeneration ?? 0) >= generation
        && updated >= wanted
        && (status.replicas ?? 0) <= updated
        && (status.availableReplicas ?? 0) >= updated;
}

export async function deploymentRolledOut(api: ApiServer, namespace: string, name: string, generation: number): Promise<boolean> {
    return rolledOut(await apiCall<DeploymentState>(api, "GET", deploymentPath(namespace, name), `get Deployment ${namespace}/${name}`), generation);
}
