/**
 * What a Service's EndpointSlices say before a variant is measured: how many endpoints are
 * ready, and of those how many sit in the measurer's zone, on its node, and carry zone hints.
 * That explains a variant's figures: topology-mode Auto routes in-zone only when every endpoint
 * has a hint, internalTrafficPolicy: Local drops traffic on a node with no endpoint of its own.
 * Standard library only (shipped to the measurer's pod).
 */
import { ApiServer, apiCall } from "./kube-api";
import { EndpointCounts, Placement } from "./report";

/** The fields of a discovery.k8s.io/v1 EndpointSlice this module reads. */
export interface EndpointSlice {
    endpoints?: Array<{
        /** ready unset means unknown, which consumers treat as ready (EndpointConditions). */
        conditions?: { ready?: boolean };
        nodeName?: string;
        zone?: string;
        hints?: { forZones?: Array<{ name: string }> };
    }>;
}

export function countEndpoints(slices: readonly EndpointSlice[], caller: Placement): EndpointCounts {
    const ready = slices.flatMap(slice => slice.endpoints ?? []).filter(endpoint => endpoint.conditions?.ready !== false);
    return {
        ready: ready.length,
        inCallerZone: ready.filter(endpoint => endpoint.zone === caller.zone).length,
        onCallerNode: ready.filter(endpoint => endpoint.nodeName === caller.node).length,
        withZoneHints: ready.filter(endpoint => (endpoint.hints?.forZones?.length ?? 0) > 0).length,
    };
}

/** Lists the Service's EndpointSlices (by their kubernetes.io/service-name label; needs `list` on endpointslices). */
export async function serviceEndpoints(api: ApiServer, namespace: string, service: string, caller: Placement): Promise<EndpointCounts> {
    const selector = encodeURIComponent(`kubernetes.io/service-name=${service}`);
    const list = await apiCall<{ items?: EndpointSlice[] }>(api, "GET",
        `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/endpointslices?labelSelector=${selector}`,
        `list EndpointSlices of Service ${namespace}/${service}`);
    return countEndpoints(list.items ?? [], caller);
}
