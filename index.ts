/**
 * cross-az-platform: stack config in, zone-local components composed, outputs out.
 */
import { loadStackConfig, ZonalServiceConfig } from "./components/config";
import { AutoModeCluster } from "./components/eks-auto-mode";
import { Network, resolveAvailabilityZones } from "./components/network";
import { serviceNamespaces, ZonalService } from "./components/zonal-service";

export = async () => {
    const config = loadStackConfig();
    const availabilityZones = await resolveAvailabilityZones(config.network);

    const network = new Network("network", { ...config.network, availabilityZones });

    const cluster = config.eks.enabled
        ? new AutoModeCluster("eks", { ...config.eks, privateSubnetIds: network.privateSubnetIds })
        : undefined;
    const services = cluster ? declareServices(cluster, config.services, availabilityZones) : [];

    return {
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        azs: network.azs,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        privateRouteTableIds: network.privateRouteTableIds,
        natGatewayIds: network.natGatewayIds,
        endpointIds: network.endpointIds,
        ...(cluster && {
            eksClusterName: cluster.clusterName,
            kubeconfig: cluster.kubeconfig,
            serviceHosts: services.map(s => s.serviceHost),
        }),
    };
};

/** The ZonalServices on the cluster's provider, each after its namespace and the cluster's IngressClass and pools. */
function declareServices(cluster: AutoModeCluster, services: ZonalServiceConfig[], availabilityZones: string[]) {
    const onCluster = { provider: cluster.provider, dependsOn: [cluster] };
    const namespaces = serviceNamespaces(services, onCluster);
    // Resource names include the namespace: the same service name may live in two namespaces.
    return services.map(service => new ZonalService(service.namespace === "default" ? service.name : `${service.namespace}-${service.name}`, {
        service, availabilityZones,
    }, {
        providers: { kubernetes: cluster.provider },
        dependsOn: [cluster, ...(namespaces.has(service.namespace) ? [namespaces.get(service.namespace)!] : [])],
    }));
}
