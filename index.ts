/**
 * cross-az-platform: stack config in, zone-local components composed, outputs out.
 */
import { DEFAULT_CAPACITY_STRATEGY, EcsConfig, loadStackConfig } from "./components/config";
import { EcsCluster } from "./components/ecs-cluster";
import { FargateService } from "./components/fargate-service";
import { Network, resolveAvailabilityZones } from "./components/network";

export = async () => {
    const config = loadStackConfig();
    const availabilityZones = await resolveAvailabilityZones(config.network);

    const network = new Network("network", { ...config.network, availabilityZones });

    const ecs = config.ecs && deployFargateServices(config.ecs, network);

    return {
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        azs: network.azs,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        privateRouteTableIds: network.privateRouteTableIds,
        natGatewayIds: network.natGatewayIds,
        endpointIds: network.endpointIds,
        ...ecs,
    };
};

/** One shared ECS cluster and a FargateService per `ecs.services` key. */
function deployFargateServices(ecs: EcsConfig, network: Network) {
    const cluster = new EcsCluster("ecs", {
        vpcId: network.vpcId,
        containerInsights: ecs.containerInsights,
        serviceConnectNamespace: ecs.serviceConnectNamespace,
        defaultCapacityStrategy: DEFAULT_CAPACITY_STRATEGY,
    });
    const services = Object.entries(ecs.services).map(([key, service]) => {
        const fargate = new FargateService(key, {
            ...service,
            cluster,
            vpcId: network.vpcId,
            vpcCidr: network.vpcCidr,
            publicSubnetIds: network.publicSubnetIds,
            privateSubnetIds: network.privateSubnetIds,
        });
        return [key, { albDnsName: fargate.albDnsName, serviceName: fargate.serviceName }] as const;
    });
    return { ecsClusterName: cluster.clusterName, ecsServices: Object.fromEntries(services) };
}
