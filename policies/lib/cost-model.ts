/**
 * The cost model: pure functions from traffic volumes and layout facts to monthly dollars.
 * Policy messages, the offline preview's cost report and the in-cluster measurement all quote
 * these, so a figure means the same thing everywhere.
 */
import { CROSS_AZ_PER_GB_EACH_DIRECTION } from "./prices";

/**
 * Share of requests that land in another zone when kube-proxy picks an endpoint at random
 * and endpoints are spread evenly over zoneCount zones: (N-1)/N.
 */
export function randomRoutingCrossAzShare(zoneCount: number): number {
    return zoneCount <= 1 ? 0 : (zoneCount - 1) / zoneCount;
}

/**
 * Monthly cost of gbPerMonth of traffic of which crossAzShare leaves its zone. A byte that
 * crosses is billed twice, out of one AZ and into the other ($0.01 + $0.01 per GB).
 */
export function crossAzTransferCost(gbPerMonth: number, crossAzShare: number): number {
    return gbPerMonth * crossAzShare * 2 * CROSS_AZ_PER_GB_EACH_DIRECTION;
}
