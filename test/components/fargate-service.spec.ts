import assert from "node:assert/strict";
import { DEFAULT_CAPACITY_STRATEGY, parseStackConfig } from "../../components/config";
import { EcsCluster } from "../../components/ecs-cluster";
import { FargateService, executionPolicy } from "../../components/fargate-service";
import { ecsAzRebalancing } from "../../policies/rules/ecs-az-rebalancing";
import { ecsDeploymentCircuitBreaker } from "../../policies/rules/ecs-deployment-circuit-breaker";
import { ecsServiceMultiAzSubnets } from "../../policies/rules/ecs-service-multi-az-subnets";
import { ecsServiceNoPublicIp } from "../../policies/rules/ecs-service-no-public-ip";
import { declare, ofType, one, Registration, valueOf } from "../helpers/mocks";
import { runPolicies } from "../policies/harness";

const T = {
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    service: "aws:ecs/service:Service",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
};
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
const SECRET_KEY_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:api-XyZ123:token::";
const PARAMETER_ARN = "arn:aws:ssm:us-east-1:111122223333:parameter/web/license";
const CERTIFICATE_ARN = "arn:aws:acm:us-east-1:111122223333:certificate/abcd-1234";
const ECR_IMAGE = "111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0";
const PRIVATE_SUBNETS = ["subnet-private-a", "subnet-private-b", "subnet-private-c"];
const PUBLIC_SUBNETS = ["subnet-public-a", "subnet-public-b", "subnet-public-c"];
const SG = (name: string) => `SecurityGroup/${name}`;

const BUCKET = "access-logs-1234567";

/** Parses the service through the real config schema (so defaults apply) and declares cluster + service in an update. */
async function declareWeb(service: Record<string, unknown> = {}, ecs: Record<string, unknown> = {}, extra: { protect?: boolean; accessLogsBucket?: string } = {}) {
    const config = parseStackConfig({ ecs: { ...ecs, services: { web: { image: ECR_IMAGE, ...service } } } }).ecs!;
    const { result: component, resources: registrations } = await declare(() => {
        const cluster = new EcsCluster("ecs", {
            vpcId: "vpc-1",
            containerInsights: config.containerInsights,
            serviceConnectNamespace: config.serviceConnectNamespace,
            defaultCapacityStrategy: DEFAULT_CAPACITY_STRATEGY,
        });
        return new FargateService("web", {
            ...config.services.web, cluster, vpcId: "vpc-1", vpcCidr: "10.0.0.0/16",
            publicSubnetIds: PUBLIC_SUBNETS, privateSubnetIds: PRIVATE_SUBNETS, protect: false, accessLogsBucket: BUCKET, ...extra,
        });
    }, { preview: false });
    return { registrations, component };
}

const containers = (registrations: Registration[]) =>
    JSON.parse(one(registrations, T.taskDefinition, "web").inputs.containerDefinitions) as any[];
const rulesOn = (registrations: Registration[], type: string, groupName: string) =>
    ofType(registrations, type).filter(r => r.inputs.securityGroupId === SG(groupName)).map(r => ({
        from: r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4, protocol: r.inputs.ipProtocol, ports: [r.inputs.fromPort, r.inputs.toPort],
    })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))); // registration order is not part of the contract

describe("FargateService", () => {
    describe("log group", () => {
        it("keeps the configured retention under a stack-scoped name", async () => {
            const { registrations } = await declareWeb({ logRetentionDays: 90 });
            const logGroup = one(registrations, T.logGroup, "web").inputs;
            assert.equal(logGroup.retentionInDays, 90);
            assert.equal(logGroup.name, "/ecs/test-web");
        });

        it("is encrypted with a rotating key of its own that CloudWatch Logs may use for this log group only", async () => {
            const { registrations } = await declareWeb();
            const key = one(registrations, "aws:kms/key:Key", "web-logs");
            assert.equal(key.inputs.enableKeyRotation, true);
            assert.equal(one(registrations, T.logGroup, "web").inputs.kmsKeyId, `arn:aws:mock:us-east-1:111122223333:${key.id}`);
            const logs = JSON.parse(key.inputs.policy).Statement.find((s: any) => s.Principal.Service === "logs.us-east-1.amazonaws.com");
            assert.deepEqual(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"], ["arn:aws:logs:us-east-1:111122223333:log-group:/ecs/test-web"]);
        });

        it("protect: the log group and its key are protected; off, nothing in the service is", async () => {
            const kept = async (protect: boolean) => (await declareWeb({}, {}, { protect })).registrations.filter(r => r.protect).map(r => `${r.type} ${r.name}`).sort();
            assert.deepEqual(await kept(true), ["aws:cloudwatch/logGroup:LogGroup web", "aws:kms/key:Key web-logs"]);
            assert.deepEqual(await kept(false), []);
        });
    });

    describe("task definition", () => {
        it("is awsvpc on FARGATE with the configured size, ARM64 by default", async () => {
            const { registrations } = await declareWeb({ cpu: 1024, memory: 3072 });
            const task = one(registrations, T.taskDefinition, "web").inputs;
            assert.equal(task.networkMode, "awsvpc");
            assert.deepEqual(task.requiresCompatibilities, ["FARGATE"]);
            assert.equal(task.cpu, "1024");
            assert.equal(task.memory, "3072");
            assert.deepEqual(task.runtimePlatform, { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" });
        });

        it("runs X86_64 when configured", async () => {
            const { registrations } = await declareWeb({ architecture: "X86_64" });
            assert.equal(one(registrations, T.taskDefinition, "web").inputs.runtimePlatform.cpuArchitecture, "X86_64");
        });

        it("uses separate execution and task roles, both assumable by ECS tasks only", async () => {
            const { registrations } = await declareWeb();
            const task = one(registrations, T.taskDefinition, "web").inputs;
            assert.equal(task.executionRoleArn, "arn:aws:mock:us-east-1:111122223333:Role/web-execution");
            assert.equal(task.taskRoleArn, "arn:aws:mock:us-east-1:111122223333:Role/web-task");
            for (const role of ofType(registrations, T.role)) {
                const trust = typeof role.inputs.assumeRolePolicy === "string" ? JSON.parse(role.inputs.assumeRolePolicy) : role.inputs.assumeRolePolicy;
                assert.deepEqual(trust.Statement.map((s: any) => s.Principal), [{ Service: "ecs-tasks.amazonaws.com" }]);
            }
        });

        it("lets only this account's ECS tasks in this Region assume the task role (aws:SourceArn, aws:SourceAccount)", async () => {
            const { registrations } = await declareWeb();
            const trust = JSON.parse(one(registrations, T.role, "web-task").inputs.assumeRolePolicy);
            assert.deepEqual(trust.Statement[0].Condition, {
                ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:111122223333:*" },
                StringEquals: { "aws:SourceAccount": "111122223333" },
            });
        });

        it("runs the app as the configured non-root user, or the image's user when none is set", async () => {
            assert.equal(containers((await declareWeb({ user: "1000:1000" })).registrations)[0].user, "1000:1000");
            assert.equal("user" in containers((await declareWeb()).registrations)[0], false);
        });

        it("gives the app container a read-only root, a health check, awslogs and secrets by ARN", async () => {
            const { registrations } = await declareWeb({
                containerPort: 9000, healthCheckPath: "/ready", environment: { LOG_LEVEL: "info" },
                secrets: { DB_PASSWORD: SECRET_ARN, LICENSE: PARAMETER_ARN },
            });
            const [app] = containers(registrations);
            assert.equal(app.name, "app");
            assert.equal(app.essential, true);
            assert.equal(app.readonlyRootFilesystem, true);
            assert.deepEqual(app.portMappings, [{ name: "http", containerPort: 9000, protocol: "tcp", appProtocol: "http" }]);
            assert.deepEqual(app.healthCheck.command, ["CMD-SHELL", "curl -fsS http://localhost:9000/ready || exit 1"]);
            assert.deepEqual(app.logConfiguration, {
                logDriver: "awslogs",
                options: { "awslogs-group": "/ecs/test-web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app" },
            });
            assert.deepEqual(app.environment, [{ name: "LOG_LEVEL", value: "info" }]);
            assert.deepEqual(app.secrets, [{ name: "DB_PASSWORD", valueFrom: SECRET_ARN }, { name: "LICENSE", valueFrom: PARAMETER_ARN }]);
            assert.ok(!JSON.stringify(app.environment).includes(SECRET_ARN), "secrets never travel as environment values");
        });

        it("takes a custom health check command", async () => {
            const command = ["CMD", "/app/healthcheck"];
            const { registrations } = await declareWeb({ healthCheckCommand: command });
            assert.deepEqual(containers(registrations)[0].healthCheck.command, command);
        });

        it("adds sidecars as non-essential containers with their own log stream", async () => {
            const { registrations } = await declareWeb({ sidecars: [{ name: "otel", image: "otel/collector:1", secrets: { API_KEY: PARAMETER_ARN } }] });
            const [, sidecar] = containers(registrations);
            assert.equal(sidecar.name, "otel");
            assert.equal(sidecar.essential, false);
            assert.equal(sidecar.readonlyRootFilesystem, true);
            assert.deepEqual(sidecar.secrets, [{ name: "API_KEY", valueFrom: PARAMETER_ARN }]);
            assert.equal(sidecar.logConfiguration.options["awslogs-stream-prefix"], "otel");
        });
    });

    describe("IAM", () => {
        it("lets the execution role pull its ECR repository, write its log group and read the named secrets only", async () => {
            const { registrations } = await declareWeb({ secrets: { DB_PASSWORD: SECRET_ARN, API_TOKEN: SECRET_KEY_ARN, LICENSE: PARAMETER_ARN } });
            const policy = one(registrations, T.rolePolicy, "web-execution");
            assert.equal(policy.inputs.role, "Role/web-execution");
            const statements = Object.fromEntries(JSON.parse(policy.inputs.policy).Statement.map((s: any) => [s.Sid, s]));
            assert.deepEqual(Object.keys(statements).sort(), ["EcrAuth", "EcrPull", "ReadParameters", "ReadSecrets", "WriteLogs"]);
            assert.equal(statements.WriteLogs.Resource, "arn:aws:mock:us-east-1:111122223333:LogGroup/web:*");
            assert.deepEqual(statements.EcrPull.Resource, ["arn:aws:ecr:us-east-1:111122223333:repository/web"]);
            assert.deepEqual(statements.ReadSecrets.Resource, [SECRET_ARN, "arn:aws:secretsmanager:us-east-1:111122223333:secret:api-XyZ123"]);
            assert.deepEqual(statements.ReadParameters.Resource, [PARAMETER_ARN]);
        });

        it("grants no ECR or secret access it does not need", () => {
            const policy = executionPolicy(["public.ecr.aws/nginx/nginx:1"], "arn:logs", []);
            assert.deepEqual(policy.Statement.map((s: any) => s.Sid), ["WriteLogs"]);
        });

        it("leaves the task role empty unless policies are granted, and ECS Exec off", async () => {
            const { registrations } = await declareWeb();
            assert.equal(ofType(registrations, T.attachment).length, 0);
            assert.deepEqual(ofType(registrations, T.rolePolicy).map(p => p.name), ["web-execution"]);
            assert.equal(one(registrations, T.service, "web").inputs.enableExecuteCommand, false);
        });

        it("attaches granted policies to the task role, and SSM channels when ECS Exec is on", async () => {
            const granted = "arn:aws:iam::111122223333:policy/web-s3-read";
            const { registrations } = await declareWeb({ taskRolePolicyArns: [granted], execEnabled: true });
            const [attachment] = ofType(registrations, T.attachment);
            assert.deepEqual([attachment.inputs.role, attachment.inputs.policyArn], ["web-task-1234567", granted]);
            const exec = one(registrations, T.rolePolicy, "web-task-exec");
            assert.equal(exec.inputs.role, "Role/web-task");
            assert.ok(JSON.parse(exec.inputs.policy).Statement[0].Action.includes("ssmmessages:OpenDataChannel"));
            assert.equal(one(registrations, T.service, "web").inputs.enableExecuteCommand, true);
        });
    });

    describe("security groups", () => {
        it("chain internet -> ALB -> tasks on the container port and nothing else", async () => {
            const { registrations } = await declareWeb({ containerPort: 9000 });
            for (const group of ofType(registrations, T.securityGroup)) {
                assert.equal(group.inputs.ingress, undefined, `${group.name} has no inline rules`);
                assert.equal(group.inputs.egress, undefined, `${group.name} has no inline rules`);
            }
            assert.deepEqual(rulesOn(registrations, T.ingress, "web-alb"), [{ from: "0.0.0.0/0", protocol: "tcp", ports: [80, 80] }]);
            assert.deepEqual(rulesOn(registrations, T.egress, "web-alb"), [{ from: SG("web-tasks"), protocol: "tcp", ports: [9000, 9000] }]);
            assert.deepEqual(rulesOn(registrations, T.ingress, "web-tasks"), [{ from: SG("web-alb"), protocol: "tcp", ports: [9000, 9000] }]);
            assert.deepEqual(rulesOn(registrations, T.egress, "web-tasks"), [{ from: "0.0.0.0/0", protocol: "tcp", ports: [443, 443] }]);
        });

        it("open 443 and 80 with a certificate", async () => {
            const { registrations } = await declareWeb({ loadBalancer: { certificateArn: CERTIFICATE_ARN } });
            assert.deepEqual(rulesOn(registrations, T.ingress, "web-alb"), [
                { from: "0.0.0.0/0", protocol: "tcp", ports: [443, 443] },
                { from: "0.0.0.0/0", protocol: "tcp", ports: [80, 80] },
            ]);
            assert.deepEqual(rulesOn(registrations, T.egress, "web-alb"), [{ from: SG("web-tasks"), protocol: "tcp", ports: [8080, 8080] }]);
        });

        it("admit only the VPC CIDR to an internal ALB", async () => {
            const { registrations } = await declareWeb({ loadBalancer: { internal: true } });
            assert.deepEqual(rulesOn(registrations, T.ingress, "web-alb"), [{ from: "10.0.0.0/16", protocol: "tcp", ports: [80, 80] }]);
        });

        it("admit Service Connect members on the container port when the service joins the namespace", async () => {
            const { registrations } = await declareWeb({ serviceConnect: true }, { serviceConnectNamespace: "prod.internal" });
            assert.deepEqual(rulesOn(registrations, T.ingress, "web-tasks"), [
                { from: SG("ecs-service-connect"), protocol: "tcp", ports: [8080, 8080] },
                { from: SG("web-alb"), protocol: "tcp", ports: [8080, 8080] },
            ]);
            assert.deepEqual(one(registrations, T.service, "web").inputs.networkConfiguration.securityGroups,
                [SG("web-tasks"), SG("ecs-service-connect")]);
        });
    });

    describe("load balancer", () => {
        it("is an internet-facing ALB in the public subnets by default, internal in the private ones", async () => {
            const { registrations } = await declareWeb();
            const alb = one(registrations, T.loadBalancer, "web").inputs;
            assert.deepEqual([alb.loadBalancerType, alb.internal, alb.subnets, alb.securityGroups],
                ["application", false, PUBLIC_SUBNETS, [SG("web-alb")]]);
            const internal = one((await declareWeb({ loadBalancer: { internal: true } })).registrations, T.loadBalancer, "web").inputs;
            assert.deepEqual([internal.internal, internal.subnets], [true, PRIVATE_SUBNETS]);
        });

        it("targets task IPs, probes the container's health path and sets cross-zone from config", async () => {
            const { registrations } = await declareWeb({ containerPort: 9000, healthCheckPath: "/ready" });
            const targetGroup = one(registrations, T.targetGroup, "web").inputs;
            assert.equal(targetGroup.targetType, "ip");
            assert.equal(targetGroup.port, 9000);
            assert.equal(targetGroup.healthCheck.path, "/ready");
            assert.equal(targetGroup.loadBalancingCrossZoneEnabled, "false");
            const crossZone = one((await declareWeb({ loadBalancer: { crossZone: true } })).registrations, T.targetGroup, "web").inputs;
            assert.equal(crossZone.loadBalancingCrossZoneEnabled, "true");
        });

        it("forwards plain HTTP on 80 without a certificate", async () => {
            const { registrations } = await declareWeb();
            const listeners = ofType(registrations, T.listener);
            assert.equal(listeners.length, 1);
            assert.equal(listeners[0].name, "web-http");
            assert.deepEqual([listeners[0].inputs.protocol, listeners[0].inputs.port, listeners[0].inputs.defaultActions],
                ["HTTP", 80, [{ type: "forward", targetGroupArn: "arn:aws:mock:us-east-1:111122223333:TargetGroup/web" }]]);
        });

        it("drops invalid headers, allows zonal shift, logs to the access-log bucket under its own prefix", async () => {
            const alb = one((await declareWeb()).registrations, T.loadBalancer, "web").inputs;
            assert.equal(alb.dropInvalidHeaderFields, true);
            assert.equal(alb.enableZonalShift, true);
            assert.deepEqual(alb.accessLogs, { bucket: BUCKET, prefix: "ecs/web", enabled: true });
            const unlogged = one((await declareWeb({}, {}, { accessLogsBucket: undefined })).registrations, T.loadBalancer, "web").inputs;
            assert.equal(unlogged.accessLogs, undefined);
        });

        it("protect turns on the ALB's deletion protection", async () => {
            for (const protect of [true, false]) {
                const alb = one((await declareWeb({}, {}, { protect })).registrations, T.loadBalancer, "web").inputs;
                assert.equal(alb.enableDeletionProtection, protect);
            }
        });

        it("serves HTTPS with the certificate and redirects HTTP to it", async () => {
            const { registrations } = await declareWeb({ loadBalancer: { certificateArn: CERTIFICATE_ARN } });
            const https = one(registrations, T.listener, "web-https").inputs;
            assert.deepEqual([https.protocol, https.port, https.certificateArn], ["HTTPS", 443, CERTIFICATE_ARN]);
            assert.match(https.sslPolicy, /TLS13/);
            assert.deepEqual(https.defaultActions, [{ type: "forward", targetGroupArn: "arn:aws:mock:us-east-1:111122223333:TargetGroup/web" }]);
            // The same port-80 listener as without a certificate: adding one updates it in place, and the
            // listener stacks created under its old name (web-http-redirect) keep theirs through the alias.
            assert.deepEqual(one(registrations, T.listener, "web-http").aliases, ["web-http-redirect"]);
            const redirect = one(registrations, T.listener, "web-http").inputs;
            assert.deepEqual([redirect.protocol, redirect.port], ["HTTP", 80]);
            assert.deepEqual(redirect.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
            assert.equal(ofType(registrations, T.listener).length, 2);
        });
    });

    describe("service", () => {
        it("runs in every private subnet without public IPs, behind the target group", async () => {
            const { registrations } = await declareWeb();
            const service = one(registrations, T.service, "web").inputs;
            assert.deepEqual(service.networkConfiguration, { subnets: PRIVATE_SUBNETS, securityGroups: [SG("web-tasks")], assignPublicIp: false });
            assert.deepEqual(service.loadBalancers, [{ targetGroupArn: "arn:aws:mock:us-east-1:111122223333:TargetGroup/web", containerName: "app", containerPort: 8080 }]);
            assert.equal(service.cluster, "arn:aws:mock:us-east-1:111122223333:Cluster/ecs");
            assert.equal(service.taskDefinition, "arn:aws:mock:us-east-1:111122223333:TaskDefinition/web");
        });

        it("rolls back failed deployments, rebalances AZs and keeps the rolling bounds", async () => {
            const { registrations } = await declareWeb({ deployment: { minimumHealthyPercent: 50, maximumPercent: 150 } });
            const service = one(registrations, T.service, "web").inputs;
            assert.deepEqual(service.deploymentCircuitBreaker, { enable: true, rollback: true });
            assert.equal(service.availabilityZoneRebalancing, "ENABLED");
            assert.equal(service.deploymentMinimumHealthyPercent, 50);
            assert.equal(service.deploymentMaximumPercent, 150);
        });

        it("uses the configured capacity strategy, FARGATE only without Spot", async () => {
            const spot = one((await declareWeb({ capacity: { fargateBase: 3, fargateWeight: 1, spotWeight: 2 } })).registrations, T.service, "web").inputs;
            assert.deepEqual(spot.capacityProviderStrategies, [
                { capacityProvider: "FARGATE", base: 3, weight: 1 },
                { capacityProvider: "FARGATE_SPOT", base: 0, weight: 2 },
            ]);
            assert.equal(spot.launchType, undefined, "a launch type would conflict with the strategy");
            const onDemand = one((await declareWeb({ spot: false })).registrations, T.service, "web").inputs;
            assert.deepEqual(onDemand.capacityProviderStrategies, [{ capacityProvider: "FARGATE", base: 2, weight: 1 }]);
        });

        it("joins Service Connect under its key only when asked", async () => {
            assert.equal(one((await declareWeb()).registrations, T.service, "web").inputs.serviceConnectConfiguration, undefined);
            const { registrations } = await declareWeb({ serviceConnect: true, containerPort: 9000 }, { serviceConnectNamespace: "prod.internal" });
            const serviceConnect = one(registrations, T.service, "web").inputs.serviceConnectConfiguration;
            assert.equal(serviceConnect.enabled, true);
            assert.equal(serviceConnect.namespace, "arn:aws:mock:us-east-1:111122223333:HttpNamespace/ecs");
            assert.deepEqual(serviceConnect.services, [{ portName: "http", discoveryName: "web", clientAlias: [{ port: 9000, dnsName: "web" }] }]);
        });

        it("scales between minCount and maxCount tracking average CPU", async () => {
            const { registrations } = await declareWeb({ minCount: 3, desiredCount: 4, maxCount: 9, cpuTargetPercent: 55 });
            const target = one(registrations, T.scalingTarget, "web").inputs;
            assert.deepEqual([target.serviceNamespace, target.scalableDimension, target.resourceId, target.minCapacity, target.maxCapacity],
                ["ecs", "ecs:service:DesiredCount", "service/ecs-1234567/web-1234567", 3, 9]);
            const policy = one(registrations, T.scalingPolicy, "web-cpu").inputs;
            assert.equal(policy.policyType, "TargetTrackingScaling");
            assert.equal(policy.resourceId, "service/ecs-1234567/web-1234567");
            assert.equal(policy.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType, "ECSServiceAverageCPUUtilization");
            assert.equal(policy.targetTrackingScalingPolicyConfiguration.targetValue, 55);
            assert.equal(one(registrations, T.service, "web").inputs.desiredCount, 4);
        });
    });

    it("passes the ECS advisory policies as declared", async () => {
        const service = one((await declareWeb()).registrations, T.service, "web");
        const policies = [ecsServiceNoPublicIp, ecsServiceMultiAzSubnets, ecsDeploymentCircuitBreaker, ecsAzRebalancing];
        const { diagnostics, notApplicable } = await runPolicies(policies, [{ type: service.type, name: service.name, props: service.inputs }]);
        assert.deepEqual({ diagnostics, notApplicable }, { diagnostics: [], notApplicable: [] });
    });

    it("outputs the ALB DNS name, the service name and the cluster name", async () => {
        const { component } = await declareWeb();
        assert.equal(await valueOf(component.albDnsName), "web.elb.mock");
        assert.equal(await valueOf(component.serviceName), "web-1234567");
        assert.equal(await valueOf(component.clusterName), "ecs-1234567");
    });
});
