/**
 * cross-az-platform: stack config in, zone-local components composed, outputs out.
 */
import { AccessLogBucket } from "./components/access-logs";
import { DEFAULT_CAPACITY_STRATEGY, EcsConfig, loadStackConfig, StackConfig } from "./components/config";
import { EcsCluster } from "./components/ecs-cluster";
import { AutoModeCluster } from "./components/eks-auto-mode";
import { FargateService } from "./components/fargate-service";
import { CrossAzMeasurement } from "./components/measurement";
import { Network, resolveAvailabilityZones } from "./components/network";
import { serviceNamespaces, ZonalService } from "./components/zonal-service";

export = async () => {
    const config = loadStackConfig();
    const availabilityZones = await resolveAvailabilityZones(config.network);

    const network = new Network("network", { ...config.network, availabilityZones, protect: config.protect.deletion });
    const accessLogs = config.accessLogs.enabled && (config.ecs || config.services.some(s => s.ingress))
        ? new AccessLogBucket("access-logs", { expirationDays: config.accessLogs.expirationDays, protect: config.protect.deletion })
        : undefined;

    const cluster = config.eks.enabled
        ? new AutoModeCluster("eks", {
            ...config.eks,
            privateSubnetIds: network.privateSubnetIds,
            protect: config.protect.deletion,
            volumeReclaimPolicy: config.protect.volumeReclaimPolicy,
        })
        : undefined;
    const services = cluster ? declareServices(cluster, config, network, accessLogs) : [];
    const measurement = cluster && config.measurement.enabled
        ? new CrossAzMeasurement("measurement", {
            zoneCount: availabilityZones.length,
            requests: config.measurement.requests,
            namespace: config.measurement.namespace,
            image: config.measurement.image,
            eastWestGbPerMonth: config.traffic?.eastWestGbPerMonth,
        }, { providers: { kubernetes: cluster.provider }, dependsOn: [cluster] })
        : undefined;
    const ecs = config.ecs && deployFargateServices(config.ecs, network, config.protect.deletion, accessLogs);

    return {
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        azs: network.azs,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        privateRouteTableIds: network.privateRouteTableIds,
        natGatewayIds: network.natGatewayIds,
        endpointIds: network.endpointIds,
        ...(network.flowLogs && {
            flowLogsBucket: network.flowLogs.bucketName,
            flowLogsDatabase: network.flowLogs.databaseName,
            flowLogsWorkgroup: network.flowLogs.workgroupName,
            flowLogsQueryIds: network.flowLogs.namedQueryIds,
        }),
        ...(cluster && {
            eksClusterName: cluster.clusterName,
            kubeconfig: cluster.kubeconfig,
            serviceHosts: services.map(s => s.serviceHost),
        }),
        ...(measurement && { measurementCommands: measurement.commands }),
        ...ecs,
    };
};

/** The ZonalServices on the cluster's provider, each after its namespace and the cluster's IngressClass and pools. */
function declareServices(cluster: AutoModeCluster, config: StackConfig, network: Network, accessLogs?: AccessLogBucket) {
    const onCluster = { provider: cluster.provider, dependsOn: [cluster] };
    const namespaces = serviceNamespaces(config.services, onCluster);
    // Resource names include the namespace: the same service name may live in two namespaces.
    return config.services.map(service => new ZonalService(service.namespace === "default" ? service.name : `${service.namespace}-${service.name}`, {
        service,
        availabilityZones: network.azs,
        vpcCidr: network.vpcCidr,
        publicSubnetCidrs: network.publicSubnetCidrs,
        accessLogsBucket: accessLogs?.bucketName,
        protect: config.protect.deletion,
    }, {
        providers: { kubernetes: cluster.provider },
        dependsOn: [cluster, ...(namespaces.has(service.namespace) ? [namespaces.get(service.namespace)!] : [])],
    }));
}

/** One shared ECS cluster and a FargateService per `ecs.services` key. */
function deployFargateServices(ecs: EcsConfig, network: Network, protect: boolean, accessLogs?: AccessLogBucket) {
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
            accessLogsBucket: accessLogs?.bucketName,
            protect,
        });
        return [key, { albDnsName: fargate.albDnsName, serviceName: fargate.serviceName }] as const;
    });
    return { ecsClusterName: cluster.clusterName, ecsServices: Object.fromEntries(services) };
}
