import assert from "node:assert/strict";
import { DEFAULT_CAPACITY_STRATEGY } from "../../components/config";
import { EcsCluster, EcsClusterArgs, capacityProviderStrategy } from "../../components/ecs-cluster";
import { declare, ofType, one } from "../helpers/mocks";

const CLUSTER = "aws:ecs/cluster:Cluster";
const PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders";

/** The resources an EcsCluster named ecs declares in an update. */
const declareCluster = async (args: EcsClusterArgs) => (await declare(() => new EcsCluster("ecs", args), { preview: false })).resources;

describe("EcsCluster", () => {
    it("turns on Container Insights as configured", async () => {
        for (const containerInsights of ["enhanced", "enabled"] as const) {
            const registrations = await declareCluster({ vpcId: "vpc-1", containerInsights, defaultCapacityStrategy: DEFAULT_CAPACITY_STRATEGY });
            assert.deepEqual(one(registrations, CLUSTER, "ecs").inputs.settings, [{ name: "containerInsights", value: containerInsights }]);
        }
    });

    it("attaches FARGATE and FARGATE_SPOT with base 2 FARGATE, weight 1 FARGATE, weight 4 FARGATE_SPOT by default", async () => {
        const registrations = await declareCluster({ vpcId: "vpc-1", containerInsights: "enhanced", defaultCapacityStrategy: DEFAULT_CAPACITY_STRATEGY });
        const providers = one(registrations, PROVIDERS, "ecs").inputs;
        assert.equal(providers.clusterName, "ecs-1234567");
        assert.deepEqual(providers.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
        assert.deepEqual(providers.defaultCapacityProviderStrategies, [
            { capacityProvider: "FARGATE", base: 2, weight: 1 },
            { capacityProvider: "FARGATE_SPOT", base: 0, weight: 4 },
        ]);
    });

    it("declares no Service Connect namespace or membership group unless asked", async () => {
        const registrations = await declareCluster({ vpcId: "vpc-1", containerInsights: "enhanced", defaultCapacityStrategy: DEFAULT_CAPACITY_STRATEGY });
        assert.deepEqual(registrations.map(r => r.type).sort(), ["crossaz:ecs:Cluster", CLUSTER, PROVIDERS].sort());
    });

    it("creates the Service Connect namespace as the cluster default, and a group whose members may call each other", async () => {
        const registrations = await declareCluster({
            vpcId: "vpc-1", containerInsights: "enhanced", serviceConnectNamespace: "prod.internal", defaultCapacityStrategy: DEFAULT_CAPACITY_STRATEGY,
        });
        const namespace = one(registrations, "aws:servicediscovery/httpNamespace:HttpNamespace", "ecs");
        assert.equal(namespace.inputs.name, "prod.internal");
        assert.deepEqual(one(registrations, CLUSTER, "ecs").inputs.serviceConnectDefaults,
            { namespace: "arn:aws:mock:us-east-1:111122223333:HttpNamespace/ecs" });
        const members = one(registrations, "aws:ec2/securityGroup:SecurityGroup", "ecs-service-connect");
        assert.equal(members.inputs.ingress, undefined);
        const egress = ofType(registrations, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
        assert.equal(egress.length, 1);
        assert.equal(egress[0].inputs.securityGroupId, "SecurityGroup/ecs-service-connect");
        assert.equal(egress[0].inputs.referencedSecurityGroupId, "SecurityGroup/ecs-service-connect");
        assert.equal(egress[0].inputs.cidrIpv4, undefined);
    });
});

describe("capacityProviderStrategy", () => {
    it("splits between FARGATE and FARGATE_SPOT by the configured base and weights", () => {
        assert.deepEqual(capacityProviderStrategy({ fargateBase: 3, fargateWeight: 2, spotWeight: 5 }, true), [
            { capacityProvider: "FARGATE", base: 3, weight: 2 },
            { capacityProvider: "FARGATE_SPOT", base: 0, weight: 5 },
        ]);
    });

    it("uses FARGATE only when Spot is off, keeping the base", () => {
        assert.deepEqual(capacityProviderStrategy({ fargateBase: 3, fargateWeight: 2, spotWeight: 5 }, false),
            [{ capacityProvider: "FARGATE", base: 3, weight: 1 }]);
    });
});
