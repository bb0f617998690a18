/**
 * Zone spread shared by every workload that relies on zone-preferring Services: routing can
 * only stay in-zone if every zone has endpoints. minDomains equal to the zone count matters on
 * EKS Auto Mode, which starts from zero nodes: without it the scheduler sees one zone, lands
 * every pod there and reports no skew.
 */
import * as k8s from "@pulumi/kubernetes";

export const ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone";

/**
 * maxSkew 1 over zones, DoNotSchedule, minDomains = zoneCount, for pods matching matchLabels of
 * the same ReplicaSet (matchLabelKeys pod-template-hash, on by default since Kubernetes 1.27): during a
 * rollout the new pods spread on their own instead of around the old ones about to go.
 */
export function zoneSpreadConstraints(
    matchLabels: Record<string, string>,
    zoneCount: number,
): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    return [{
        topologyKey: ZONE_TOPOLOGY_KEY,
        maxSkew: 1,
        whenUnsatisfiable: "DoNotSchedule",
        minDomains: zoneCount,
        labelSelector: { matchLabels },
        matchLabelKeys: ["pod-template-hash"],
    }];
}
