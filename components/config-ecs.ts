/**
 * The `ecs` section of the stack config: Fargate services (components/ecs-cluster.ts,
 * components/fargate-service.ts), each behind its own ALB. components/config.ts puts it in the stack's schema.
 */
import { z } from "zod";
import {
    ACM_CERTIFICATE_ARN, ACROSS_VALID_KEYS, DNS_NAME, DNS_NAME_RULE, environmentRecord, httpPath, IAM_POLICY_ARN, imageReference,
    logRetentionDays, oneOf, pattern, plainEnvironment, SECRET_ARN, section, wholeNumber,
} from "./config-formats";
import { FARGATE_CPU_VALUES, fargateSizeError } from "./fargate-sizes";

/** Service keys name the ALB (32 characters with the 8 Pulumi adds, never starting "internal-"), the log group and the ECS service. */
const SERVICE_KEY = /^(?!internal-)[a-z][a-z0-9-]{0,19}$/;
const HEALTH_CHECK_COMMAND = "must be a command like [CMD-SHELL, wget -qO- localhost:8080/healthz]";

/** Plain environment values of ECS containers: secret-looking names belong in `secrets`. */
const environmentSchema = plainEnvironment("put them in secrets as a Secrets Manager or SSM parameter ARN");
const secretsSchema = environmentRecord("DB_PASSWORD", pattern(SECRET_ARN, "must be a Secrets Manager secret or SSM parameter ARN"),
    "Secrets Manager secret or SSM parameter ARNs");

/** A non-essential container beside the app (log router, proxy, agent). */
const sidecarSchema = section({
    /** Container name, unique in the task. */
    name: pattern(/^[a-z][a-z0-9-]{0,62}$/, "must be a lowercase name like log-router"),
    /** Image reference. */
    image: imageReference(),
    /** Plain environment values (no secret-looking names). */
    environment: environmentSchema.default({}),
    /** Secrets injected from Secrets Manager or SSM by ARN. */
    secrets: secretsSchema.default({}),
});

/** Capacity provider strategy: the first fargateBase tasks on FARGATE, the rest split by weight. */
export const capacitySchema = section({
    /** Tasks always on FARGATE (on-demand) before the weights apply. */
    fargateBase: wholeNumber("0-100000", 0, 100000).default(2),
    /** Share of the remaining tasks on FARGATE. */
    fargateWeight: wholeNumber("0-1000", 0, 1000).default(1),
    /** Share of the remaining tasks on FARGATE_SPOT (ignored with spot false). */
    spotWeight: wholeNumber("0-1000", 0, 1000).default(4),
});

/** The service's ALB. */
const loadBalancerSchema = section({
    /** true: internal ALB in the private subnets, reachable from the VPC CIDR only. */
    internal: z.boolean({ error: "must be true or false" }).default(false),
    /** ACM certificate ARN: HTTPS on 443 and HTTP redirected to it; without one, plain HTTP on 80. */
    certificateArn: pattern(ACM_CERTIFICATE_ARN, "must be an ACM certificate ARN like arn:aws:acm:us-east-1:111122223333:certificate/<id>").optional(),
    /** Target group cross-zone load balancing; false keeps each ALB node on targets in its own AZ (docs/components.md). */
    crossZone: z.boolean({ error: "must be true or false" }).default(false),
});

/** Rolling update bounds, percent of desiredCount. */
const deploymentSchema = section({
    minimumHealthyPercent: wholeNumber("0-100", 0, 100).default(100),
    maximumPercent: wholeNumber("100-200", 100, 200).default(200),
});

const NON_ROOT_USER = "must be a non-root user like 1000 or 1000:1000 (uid[:gid] or name[:group], not 0 or root)";

/** One Fargate service behind its own ALB. */
export const fargateServiceSchema = section({
    /** Image reference of the app container (ECR images get a pull grant scoped to their repository). */
    image: imageReference(),
    /** Port the app listens on. */
    containerPort: wholeNumber("1-65535", 1, 65535).default(8080),
    /** Task cpu units (1024 = 1 vCPU). */
    cpu: z.number({ error: `must be one of ${FARGATE_CPU_VALUES.join("|")}` }).default(256),
    /** Task memory in MiB; must fit cpu (components/fargate-sizes.ts). */
    memory: z.number({ error: "must be a whole number of MiB" }).default(512),
    /** CPU architecture: Graviton (ARM64) is about 20% cheaper per vCPU-hour. */
    architecture: z.enum(["ARM64", "X86_64"], { error: oneOf(["ARM64", "X86_64"]) }).default("ARM64"),
    /** Tasks at deploy time; auto scaling moves it between minCount and maxCount. Use a multiple of the AZ count. */
    desiredCount: wholeNumber("1-1000", 1, 1000).default(3),
    /** Auto scaling floor. */
    minCount: wholeNumber("1-1000", 1, 1000).default(3),
    /** Auto scaling ceiling. */
    maxCount: wholeNumber("1-1000", 1, 1000).default(6),
    /** Target average CPU utilisation (percent) for target tracking. */
    cpuTargetPercent: wholeNumber("10-90", 10, 90).default(60),
    /** Run part of the tasks on FARGATE_SPOT; false keeps every task on FARGATE. */
    spot: z.boolean({ error: "must be true or false" }).default(true),
    /** Capacity provider strategy (base 2 FARGATE, weight 1 FARGATE, weight 4 FARGATE_SPOT). */
    capacity: capacitySchema.default(() => capacitySchema.parse({})),
    /** HTTP path the ALB target group and the container health check probe. */
    healthCheckPath: httpPath("/healthz").default("/healthz"),
    /** Container health check command; default `CMD-SHELL curl -fsS http://localhost:<containerPort><healthCheckPath> || exit 1`. */
    healthCheckCommand: z.array(z.string({ error: HEALTH_CHECK_COMMAND }), { error: HEALTH_CHECK_COMMAND }).min(2, HEALTH_CHECK_COMMAND).optional(),
    /** Plain environment values; names that look like secrets are rejected. */
    environment: environmentSchema.default({}),
    /** Secrets injected by ECS from Secrets Manager or SSM ARNs; the execution role may read these only. */
    secrets: secretsSchema.default({}),
    /** Non-essential sidecar containers. */
    sidecars: z.array(sidecarSchema, { error: "must be a list of sidecar containers, each a mapping with name and image" }).default([]),
    /** CloudWatch log group retention in days. */
    logRetentionDays: logRetentionDays(30),
    /** The service's ALB. */
    loadBalancer: loadBalancerSchema.default(() => loadBalancerSchema.parse({})),
    /** Rolling update bounds, percent of desiredCount. */
    deployment: deploymentSchema.default(() => deploymentSchema.parse({})),
    /** ECS Exec (interactive shell through SSM); off unless needed. */
    execEnabled: z.boolean({ error: "must be true or false" }).default(false),
    /** Linux user the app container runs as (uid[:gid] or name[:group]); default the image's USER. Root is refused. */
    user: z.string({ error: NON_ROOT_USER }).regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, NON_ROOT_USER)
        .refine(user => !/^(0|root)(:|$)/.test(user), NON_ROOT_USER).optional(),
    /** Register the service in the cluster's Service Connect namespace (needs ecs.serviceConnectNamespace). */
    serviceConnect: z.boolean({ error: "must be true or false" }).default(false),
    /** IAM policy ARNs granted to the task role (the app's own AWS access); empty by default. */
    taskRolePolicyArns: z.array(pattern(IAM_POLICY_ARN, "must be IAM policy ARNs like arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
        { error: "must be a list of IAM policy ARNs like arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }).default([]),
}).superRefine((service, ctx) => {
    const sizeError = fargateSizeError(service.cpu, service.memory);
    if (sizeError) {
        const cpuIsBad = !FARGATE_CPU_VALUES.includes(service.cpu);
        ctx.addIssue({ code: "custom", path: [cpuIsBad ? "cpu" : "memory"], message: sizeError, input: cpuIsBad ? service.cpu : service.memory });
    }
    if (service.minCount > service.maxCount) {
        ctx.addIssue({ code: "custom", path: ["minCount"], input: service.minCount, message: `must be at most maxCount (${service.maxCount})` });
    }
    if (service.desiredCount < service.minCount || service.desiredCount > service.maxCount) {
        ctx.addIssue({ code: "custom", path: ["desiredCount"], input: service.desiredCount, message: `must be between minCount and maxCount (${service.minCount}-${service.maxCount})` });
    }
    if (service.deployment.minimumHealthyPercent === 100 && service.deployment.maximumPercent === 100) {
        ctx.addIssue({ code: "custom", path: ["deployment", "maximumPercent"], input: 100, message: "must be above 100 when minimumHealthyPercent is 100, or no task can ever be replaced" });
    }
    if (service.spot && service.capacity.fargateWeight + service.capacity.spotWeight === 0) {
        ctx.addIssue({ code: "custom", path: ["capacity"], input: service.capacity, message: "needs fargateWeight or spotWeight above 0" });
    }
    const names = ["app", ...service.sidecars.map(s => s.name)];
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) ctx.addIssue({ code: "custom", path: ["sidecars"], input: duplicate, message: "must have names unique in the task (app is the main container)" });
}, ACROSS_VALID_KEYS).transform(service => ({
    ...service,
    // The default probes the same path as the ALB; it needs curl in the image.
    healthCheckCommand: service.healthCheckCommand
        ?? ["CMD-SHELL", `curl -fsS http://localhost:${service.containerPort}${service.healthCheckPath} || exit 1`],
}));

export const ecsSchema = section({
    /** CloudWatch Container Insights: enhanced (per-task metrics, where the region offers it), enabled or disabled. */
    containerInsights: z.enum(["enhanced", "enabled", "disabled"], { error: oneOf(["enhanced", "enabled", "disabled"]) }).default("enhanced"),
    /** Cloud Map HTTP namespace for Service Connect, e.g. `internal.local`; none by default. */
    serviceConnectNamespace: pattern(DNS_NAME, `must be a DNS name like internal.local (${DNS_NAME_RULE})`).optional(),
    /** Services by key (the key names the ALB, the log group and the ECS service). */
    services: z.record(z.string(), fargateServiceSchema, { error: "must be a mapping of service keys (like web) to services" })
        .refine(services => Object.keys(services).length > 0, "must declare at least one service"),
}).superRefine((ecs, ctx) => {
    for (const [key, service] of Object.entries(ecs.services)) {
        if (!SERVICE_KEY.test(key)) {
            ctx.addIssue({ code: "custom", path: ["services"], input: key, message: "must have keys of 1-20 lowercase letters, digits and hyphens, not starting with internal- (they name the ALB and the ECS service)" });
        }
        if (service.serviceConnect && ecs.serviceConnectNamespace === undefined) {
            ctx.addIssue({ code: "custom", path: ["services", key, "serviceConnect"], input: true, message: "needs ecs.serviceConnectNamespace" });
        }
    }
});
