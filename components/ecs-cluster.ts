/**
 * EcsCluster: the one ECS cluster a stack's Fargate services share. Container Insights on,
 * FARGATE and FARGATE_SPOT attached with a default strategy, and (optionally) a Cloud Map
 * namespace for Service Connect plus a membership security group that lets Service Connect
 * clients reach each other without opening tasks to the whole VPC.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CapacityStrategy, EcsConfig } from "./config";

/** The capacity provider strategy items for a strategy; with spot false every task runs on FARGATE. */
export function capacityProviderStrategy(strategy: CapacityStrategy, spot: boolean): aws.types.input.ecs.ServiceCapacityProviderStrategy[] {
    if (!spot) return [{ capacityProvider: "FARGATE", base: strategy.fargateBase, weight: 1 }];
    return [
        { capacityProvider: "FARGATE", base: strategy.fargateBase, weight: strategy.fargateWeight },
        { capacityProvider: "FARGATE_SPOT", base: 0, weight: strategy.spotWeight },
    ];
}

export interface EcsClusterArgs {
    /** VPC for the Service Connect security group. */
    vpcId: pulumi.Input<string>;
    /** "enhanced" (default in config), "enabled" or "disabled". */
    containerInsights: EcsConfig["containerInsights"];
    /** Cloud Map HTTP namespace for Service Connect; none by default. */
    serviceConnectNamespace?: string;
    /** Strategy for tasks started without one (config default: base 2 FARGATE, weight 1 FARGATE, weight 4 FARGATE_SPOT). */
    defaultCapacityStrategy: CapacityStrategy;
    /** Extra tags on every resource. */
    tags?: Record<string, string>;
}

export class EcsCluster extends pulumi.ComponentResource {
    public readonly clusterArn: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    /** The capacity provider association: services using a strategy must wait for it. */
    public readonly capacityProviders: aws.ecs.ClusterCapacityProviders;
    /** Service Connect namespace ARN, when one is configured. */
    public readonly serviceConnectNamespaceArn?: pulumi.Output<string>;
    /** Security group every Service Connect task joins; services accept their port from it. */
    public readonly serviceConnectSecurityGroupId?: pulumi.Output<string>;

    constructor(name: string, args: EcsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("crossaz:ecs:Cluster", name, {}, opts);
        const parent = { parent: this };
        const tags = { ...args.tags, Name: name };

        const namespace = args.serviceConnectNamespace === undefined ? undefined
            : new aws.servicediscovery.HttpNamespace(name, {
                name: args.serviceConnectNamespace,
                description: "Service Connect namespace for the stack's Fargate services",
                tags,
            }, parent);

        const cluster = new aws.ecs.Cluster(name, {
            settings: [{ name: "containerInsights", value: args.containerInsights }],
            serviceConnectDefaults: namespace ? { namespace: namespace.arn } : undefined,
            tags,
        }, parent);

        this.capacityProviders = new aws.ecs.ClusterCapacityProviders(name, {
            clusterName: cluster.name,
            capacityProviders: ["FARGATE", "FARGATE_SPOT"],
            defaultCapacityProviderStrategies: capacityProviderStrategy(args.defaultCapacityStrategy, true),
        }, parent);

        if (namespace) {
            // Membership group: tasks of Service Connect services join it, and each such service
            // admits its container port from it. Egress to fellow members covers the client side.
            const members = new aws.ec2.SecurityGroup(`${name}-service-connect`, {
                vpcId: args.vpcId,
                description: "Members: Fargate tasks that call each other through Service Connect",
                tags: { ...args.tags, Name: `${name}-service-connect` },
            }, parent);
            new aws.vpc.SecurityGroupEgressRule(`${name}-service-connect-to-members`, {
                securityGroupId: members.id,
                referencedSecurityGroupId: members.id,
                ipProtocol: "tcp",
                fromPort: 1,
                toPort: 65535,
                description: "Service Connect calls to other member tasks (their own SGs admit only their port)",
            }, parent);
            this.serviceConnectNamespaceArn = namespace.arn;
            this.serviceConnectSecurityGroupId = members.id;
        }

        this.clusterArn = cluster.arn;
        this.clusterName = cluster.name;
        this.registerOutputs({
            clusterArn: this.clusterArn,
            clusterName: this.clusterName,
            serviceConnectNamespaceArn: this.serviceConnectNamespaceArn,
        });
    }
}
