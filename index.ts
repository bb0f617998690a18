/**
 * cross-az-platform: stack config in, zone-local components composed, outputs out.
 */
import { loadStackConfig } from "./components/config";
import { Network, resolveAvailabilityZones } from "./components/network";

export = async () => {
    const config = loadStackConfig();
    const availabilityZones = await resolveAvailabilityZones(config.network);

    const network = new Network("network", { ...config.network, availabilityZones });

    return {
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        azs: network.azs,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        privateRouteTableIds: network.privateRouteTableIds,
        natGatewayIds: network.natGatewayIds,
        endpointIds: network.endpointIds,
    };
};
