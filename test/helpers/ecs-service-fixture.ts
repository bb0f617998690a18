/** A compliant aws.ecs.Service as FargateService declares it, for policy specs to mutate one field at a time. */
export const ECS_SERVICE = "aws:ecs/service:Service";

export function compliantEcsService(): Record<string, any> {
    return {
        cluster: "arn:aws:ecs:us-east-1:111122223333:cluster/ecs",
        taskDefinition: "arn:aws:ecs:us-east-1:111122223333:task-definition/prod-web:1",
        desiredCount: 6,
        capacityProviderStrategies: [
            { capacityProvider: "FARGATE", base: 2, weight: 1 },
            { capacityProvider: "FARGATE_SPOT", base: 0, weight: 4 },
        ],
        networkConfiguration: {
            subnets: ["subnet-a", "subnet-b", "subnet-c"],
            securityGroups: ["sg-tasks"],
            assignPublicIp: false,
        },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        availabilityZoneRebalancing: "ENABLED",
    };
}
