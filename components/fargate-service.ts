/**
 * FargateService: one ECS Fargate service behind its own ALB, laid out so tasks spread evenly
 * over the AZs and stay private. Tasks run in every private subnet without public IPs;
 * the ALB reaches them as `ip` targets (no extra hop), optionally with cross-zone load
 * balancing off so each ALB node serves its own AZ. Deployments roll back on failure and
 * ECS rebalances tasks across AZs after a zone loses capacity. The ALB drops invalid headers,
 * can be zonally shifted away from an impaired AZ, logs to the stack's access-log bucket and,
 * with a certificate, serves HTTPS only (port 80 redirects). Logs are KMS-encrypted; the task
 * role trusts only this account's ECS tasks.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FargateServiceConfig } from "./config";
import { EcsCluster, capacityProviderStrategy } from "./ecs-cluster";
import { logsKey } from "./log-encryption";

export interface FargateServiceArgs extends FargateServiceConfig {
    /** The shared cluster (capacity providers, Service Connect namespace). */
    cluster: EcsCluster;
    vpcId: pulumi.Input<string>;
    /** VPC CIDR: the only source an internal ALB accepts. */
    vpcCidr: string;
    /** Public subnets, one per AZ: where an internet-facing ALB lives. */
    publicSubnetIds: pulumi.Input<string>[];
    /** Private subnets, one per AZ: the tasks (and an internal ALB) use all of them. */
    privateSubnetIds: pulumi.Input<string>[];
    /** S3 bucket the ALB writes its access logs to (AccessLogBucket); none: no access logs. */
    accessLogsBucket?: pulumi.Input<string>;
    /** ALB deletion protection, and Pulumi `protect` on the log group and its KMS key. */
    protect: boolean;
    /** Extra tags on every resource. */
    tags?: Record<string, string>;
}

const APP_CONTAINER = "app";
const PORT_NAME = "http";
/** Modern TLS only (TLS 1.3 and 1.2). */
const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** ECR image references: <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]. */
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/;

export class FargateService extends pulumi.ComponentResource {
    public readonly albDnsName: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;

    constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("crossaz:ecs:FargateService", name, {}, opts);
        const parent = { parent: this };
        const tagged = (resourceName: string) => ({ ...args.tags, Name: resourceName });
        const https = args.loadBalancer.certificateArn !== undefined;
        const serviceConnectGroupId = args.serviceConnect ? args.cluster.serviceConnectSecurityGroupId : undefined;

        // Log group and task family are account-wide names: the stack keeps dev and prod apart.
        const stackScoped = `${pulumi.getStack()}-${name}`;
        const logGroupName = `/ecs/${stackScoped}`;
        const logsEncryptionKey = logsKey(`${name}-logs`, {
            description: `CloudWatch Logs encryption of the ${stackScoped} ECS service's logs`,
            logGroupNames: [logGroupName],
            protect: args.protect,
            tags: tagged(`${name}-logs`),
        }, this);
        const logGroup = new aws.cloudwatch.LogGroup(name, {
            name: logGroupName,
            retentionInDays: args.logRetentionDays,
            kmsKeyId: logsEncryptionKey.arn,
            tags: tagged(name),
        }, { parent: this, protect: args.protect });

        // ---- IAM: the execution role starts the task, the task role is the app's own identity.
        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const partition = aws.getPartitionOutput({}, parent).partition;
        const executionRole = new aws.iam.Role(`${name}-execution`, {
            description: `Starts ${name} tasks: pulls its images, writes its logs, reads its named secrets`,
            // ECS documents the confused-deputy conditions for task roles only: the execution role keeps the plain trust.
            assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ecs-tasks.amazonaws.com" }),
            tags: tagged(`${name}-execution`),
        }, parent);
        const allSecrets = [args.secrets, ...args.sidecars.map(s => s.secrets)].flatMap(s => Object.values(s));
        const executionRolePolicy = new aws.iam.RolePolicy(`${name}-execution`, {
            role: executionRole.id,
            policy: logGroup.arn.apply(logGroupArn => JSON.stringify(executionPolicy(
                [args.image, ...args.sidecars.map(s => s.image)], logGroupArn, allSecrets))),
        }, parent);

        const taskRole = new aws.iam.Role(`${name}-task`, {
            description: `Identity of the ${name} app: no permissions unless granted in config`,
            assumeRolePolicy: pulumi.all([partition, region, account]).apply(([partitionName, regionName, accountId]) =>
                JSON.stringify(taskTrustPolicy(partitionName, regionName, accountId))),
            tags: tagged(`${name}-task`),
        }, parent);
        args.taskRolePolicyArns.forEach((policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-task-${i}`, {
            role: taskRole.name,
            policyArn,
        }, parent));
        if (args.execEnabled) {
            new aws.iam.RolePolicy(`${name}-task-exec`, {
                role: taskRole.id,
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{
                        Sid: "EcsExecSessions",
                        Effect: "Allow",
                        Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                            "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
                        Resource: "*", // these actions support no resource-level scoping
                    }],
                }),
            }, parent);
        }

        // ---- Task definition.
        const logConfiguration = (streamPrefix: string) => ({
            logDriver: "awslogs",
            options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": streamPrefix },
        });
        const containerDefinitions = pulumi.jsonStringify([
            {
                name: APP_CONTAINER,
                image: args.image,
                essential: true,
                readonlyRootFilesystem: true,
                ...(args.user ? { user: args.user } : {}),
                portMappings: [{ name: PORT_NAME, containerPort: args.containerPort, protocol: "tcp", appProtocol: "http" }],
                environment: toNameValues(args.environment),
                secrets: toValueFrom(args.secrets),
                mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
                healthCheck: {
                    command: args.healthCheckCommand,
                    interval: 15,
                    timeout: 5,
                    retries: 3,
                    startPeriod: 30,
                },
                logConfiguration: logConfiguration(APP_CONTAINER),
            },
            ...args.sidecars.map(sidecar => ({
                name: sidecar.name,
                image: sidecar.image,
                essential: false, // a failing sidecar must not take the app down with it
                readonlyRootFilesystem: true,
                environment: toNameValues(sidecar.environment),
                secrets: toValueFrom(sidecar.secrets),
                logConfiguration: logConfiguration(sidecar.name),
            })),
        ]);
        const taskDefinition = new aws.ecs.TaskDefinition(name, {
            family: stackScoped,
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            cpu: String(args.cpu),
            memory: String(args.memory),
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: args.architecture },
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            // Writable scratch space on task storage, since the root filesystem is read-only.
            volumes: [{ name: "tmp" }],
            containerDefinitions,
            tags: tagged(name),
        }, parent);

        // ---- Security groups: internet (or VPC) -> ALB -> tasks on the container port, nothing else in.
        const albSecurityGroup = new aws.ec2.SecurityGroup(`${name}-alb`, {
            vpcId: args.vpcId,
            description: `ALB of ${name}: listener ports in, container port out to the tasks only`,
            tags: tagged(`${name}-alb`),
        }, parent);
        const taskSecurityGroup = new aws.ec2.SecurityGroup(`${name}-tasks`, {
            vpcId: args.vpcId,
            description: `Tasks of ${name}: container port from the ALB only, HTTPS out`,
            tags: tagged(`${name}-tasks`),
        }, parent);
        const clientCidr = args.loadBalancer.internal ? args.vpcCidr : "0.0.0.0/0";
        for (const port of https ? [443, 80] : [80]) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-alb-in-${port}`, {
                securityGroupId: albSecurityGroup.id,
                cidrIpv4: clientCidr,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                description: port === 80 && https ? "HTTP, redirected to HTTPS" : `Clients on ${port}`,
            }, parent);
        }
        new aws.vpc.SecurityGroupEgressRule(`${name}-alb-to-tasks`, {
            securityGroupId: albSecurityGroup.id,
            referencedSecurityGroupId: taskSecurityGroup.id,
            ipProtocol: "tcp",
            fromPort: args.containerPort,
            toPort: args.containerPort,
            description: "Requests and health checks to the tasks",
        }, parent);
        new aws.vpc.SecurityGroupIngressRule(`${name}-tasks-from-alb`, {
            securityGroupId: taskSecurityGroup.id,
            referencedSecurityGroupId: albSecurityGroup.id,
            ipProtocol: "tcp",
            fromPort: args.containerPort,
            toPort: args.containerPort,
            description: "Requests and health checks from the ALB",
        }, parent);
        // AWS APIs (ECR, S3 layers, logs, secrets) through endpoints or NAT are all HTTPS;
        // DNS to the VPC resolver is not subject to security groups.
        new aws.vpc.SecurityGroupEgressRule(`${name}-tasks-https-out`, {
            securityGroupId: taskSecurityGroup.id,
            cidrIpv4: "0.0.0.0/0",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: "HTTPS to AWS APIs and endpoints",
        }, parent);
        if (serviceConnectGroupId) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-tasks-from-service-connect`, {
                securityGroupId: taskSecurityGroup.id,
                referencedSecurityGroupId: serviceConnectGroupId,
                ipProtocol: "tcp",
                fromPort: args.containerPort,
                toPort: args.containerPort,
                description: "Service Connect calls from member tasks",
            }, parent);
        }

        // ---- Load balancer.
        const loadBalancer = new aws.lb.LoadBalancer(name, {
            loadBalancerType: "application",
            internal: args.loadBalancer.internal,
            subnets: args.loadBalancer.internal ? args.privateSubnetIds : args.publicSubnetIds,
            securityGroups: [albSecurityGroup.id],
            dropInvalidHeaderFields: true,
            enableZonalShift: true, // ARC can shift the ALB away from an impaired AZ (with cross-zone on or off)
            enableDeletionProtection: args.protect,
            accessLogs: args.accessLogsBucket ? { bucket: args.accessLogsBucket, prefix: `ecs/${name}`, enabled: true } : undefined,
            tags: tagged(name),
        }, parent);
        const targetGroup = new aws.lb.TargetGroup(name, {
            vpcId: args.vpcId,
            targetType: "ip", // awsvpc tasks are registered by IP: no node hop, no extra zone crossing
            protocol: "HTTP",
            port: args.containerPort,
            loadBalancingCrossZoneEnabled: String(args.loadBalancer.crossZone),
            deregistrationDelay: 30,
            healthCheck: {
                path: args.healthCheckPath,
                protocol: "HTTP",
                matcher: "200-399",
                interval: 15,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
            },
            tags: tagged(name),
        }, parent);
        const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
        // One port-80 listener under one name whether it forwards or redirects: adding a certificate
        // updates it in place, where a second listener could not be created on its port.
        const listeners = [new aws.lb.Listener(`${name}-http`, {
            loadBalancerArn: loadBalancer.arn,
            protocol: "HTTP",
            port: 80,
            defaultActions: https ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] : forward,
        }, { parent: this, aliases: [{ name: `${name}-http-redirect` }] })]; // its name when it redirected, before this release
        if (https) {
            listeners.push(new aws.lb.Listener(`${name}-https`, {
                loadBalancerArn: loadBalancer.arn,
                protocol: "HTTPS",
                port: 443,
                certificateArn: args.loadBalancer.certificateArn,
                sslPolicy: SSL_POLICY,
                defaultActions: forward,
            }, parent));
        }

        // ---- Service.
        const service = new aws.ecs.Service(name, {
            cluster: args.cluster.clusterArn,
            taskDefinition: taskDefinition.arn,
            desiredCount: args.desiredCount,
            capacityProviderStrategies: capacityProviderStrategy(args.capacity, args.spot),
            platformVersion: "LATEST",
            networkConfiguration: {
                subnets: args.privateSubnetIds, // every AZ: ECS spreads tasks over all of them
                securityGroups: serviceConnectGroupId ? [taskSecurityGroup.id, serviceConnectGroupId] : [taskSecurityGroup.id],
                assignPublicIp: false,
            },
            loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: APP_CONTAINER, containerPort: args.containerPort }],
            healthCheckGracePeriodSeconds: 60,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: args.deployment.minimumHealthyPercent,
            deploymentMaximumPercent: args.deployment.maximumPercent,
            availabilityZoneRebalancing: "ENABLED",
            enableExecuteCommand: args.execEnabled,
            serviceConnectConfiguration: args.serviceConnect ? {
                enabled: true,
                namespace: args.cluster.serviceConnectNamespaceArn,
                services: [{ portName: PORT_NAME, discoveryName: name, clientAlias: [{ port: args.containerPort, dnsName: name }] }],
                logConfiguration: logConfiguration("service-connect"),
            } : undefined,
            propagateTags: "SERVICE",
            enableEcsManagedTags: true,
            tags: tagged(name),
        }, {
            parent: this,
            // ECS rejects the service until its target group has a listener and the providers are on the cluster;
            // its first tasks fail to pull or log until the execution role's policy exists.
            dependsOn: [...listeners, args.cluster.capacityProviders, executionRolePolicy],
            ignoreChanges: ["desiredCount"], // auto scaling owns it after the first deploy
        });

        // ---- Auto scaling on average CPU.
        const scalingTarget = new aws.appautoscaling.Target(name, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${args.cluster.clusterName}/${service.name}`,
            minCapacity: args.minCount,
            maxCapacity: args.maxCount,
        }, parent);
        new aws.appautoscaling.Policy(`${name}-cpu`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: scalingTarget.serviceNamespace,
            scalableDimension: scalingTarget.scalableDimension,
            resourceId: scalingTarget.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                targetValue: args.cpuTargetPercent,
                scaleOutCooldown: 60,
                scaleInCooldown: 180,
            },
        }, parent);

        this.albDnsName = loadBalancer.dnsName;
        this.serviceName = service.name;
        this.clusterName = args.cluster.clusterName;
        this.registerOutputs({ albDnsName: this.albDnsName, serviceName: this.serviceName, clusterName: this.clusterName });
    }
}

/** The task role's trust: ECS tasks of this account in this Region only (ECS accepts no narrower aws:SourceArn). */
export function taskTrustPolicy(partition: string, region: string, accountId: string) {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Service: "ecs-tasks.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
                ArnLike: { "aws:SourceArn": `arn:${partition}:ecs:${region}:${accountId}:*` },
                StringEquals: { "aws:SourceAccount": accountId },
            },
        }],
    };
}

const toNameValues = (values: Record<string, string>) => Object.entries(values).map(([name, value]) => ({ name, value }));
const toValueFrom = (secrets: Record<string, string>) => Object.entries(secrets).map(([name, valueFrom]) => ({ name, valueFrom }));

/**
 * The execution role's policy: pull these images (scoped to their ECR repositories),
 * write to this log group, read these secrets and nothing else.
 */
export function executionPolicy(images: string[], logGroupArn: string, secretArns: string[]) {
    const repositories = [...new Set(images.flatMap(image => {
        const ecr = ECR_IMAGE.exec(image);
        return ecr ? [`arn:${ecr[3] ? "aws-cn" : "aws"}:ecr:${ecr[2]}:${ecr[1]}:repository/${ecr[4]}`] : [];
    }))];
    // A Secrets Manager valueFrom may end in :json-key:version-stage:version-id; IAM wants the secret ARN.
    const secretsManager = [...new Set(secretArns.filter(a => a.split(":")[2] === "secretsmanager").map(a => a.split(":").slice(0, 7).join(":")))];
    const parameters = [...new Set(secretArns.filter(a => a.split(":")[2] === "ssm"))];
    const statements: object[] = [
        { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` },
    ];
    if (repositories.length > 0) {
        statements.push(
            { Sid: "EcrAuth", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }, // account-wide by design
            { Sid: "EcrPull", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: repositories },
        );
    }
    if (secretsManager.length > 0) {
        statements.push({ Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretsManager });
    }
    if (parameters.length > 0) {
        statements.push({ Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: parameters });
    }
    return { Version: "2012-10-17", Statement: statements };
}
