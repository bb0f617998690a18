/**
 * What the stack says about its Kubernetes clusters, for advice that holds only on some of them:
 * EKS Auto Mode (its own NodeClass API and node sizing) versus self-managed Karpenter, managed
 * node groups or a cluster declared somewhere else.
 */
import { PolicyResource } from "@pulumi/policy";
import { isUnknownAt, rawProps } from "./unknowns";

/** This project's component type tokens, as they appear in its resources' URNs. */
export const OWN_COMPONENTS = {
    network: "crossaz:network:Network",
    autoModeCluster: "crossaz:eks:AutoModeCluster",
} as const;

/** Whether a resource was declared by one of this project's components (its URN's type chain names it). */
export function builtBy(resource: { urn: string }, component: string): boolean {
    return (resource.urn.split("::")[2] ?? "").split("$").includes(component);
}

/**
 * "yes" when the stack declares an EKS Auto Mode cluster (aws.eks.Cluster computeConfig.enabled,
 * or @pulumi/eks Cluster autoMode.enabled), "unknown" while a declared cluster's setting is, "no"
 * otherwise (no cluster here, or none in Auto Mode).
 */
export function declaresAutoModeCluster(resources: PolicyResource[]): "yes" | "no" | "unknown" {
    let unknown = false;
    for (const resource of resources) {
        const path = resource.type === "aws:eks/cluster:Cluster" ? ["computeConfig", "enabled"]
            : resource.type === "eks:index:Cluster" ? ["autoMode", "enabled"] : undefined;
        if (!path) continue;
        const props = rawProps(resource.props);
        if (isUnknownAt(props, ...path)) { unknown = true; continue; }
        if (props[path[0]]?.[path[1]] === true) return "yes";
    }
    return unknown ? "unknown" : "no";
}
