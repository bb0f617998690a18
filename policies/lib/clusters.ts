/**
 * What the stack says about its Kubernetes clusters, for advice that holds only on some of them:
 * EKS Auto Mode (its own NodeClass API and node sizing) versus self-managed Karpenter, managed
 * node groups or a cluster declared somewhere else.
 */
import { PolicyResource } from "@pulumi/policy";
import { isUnknownAt, rawProps } from "./unknowns";

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
