/**
 * The typed stack config: every section, its defaults and its validation (the ecs section in
 * config-ecs.ts, the value formats and schema building blocks in config-formats.ts).
 *
 * Keys live under the project namespace (`cross-az-platform:network`, ...) in Pulumi.<stack>.yaml.
 * parseStackConfig is pure so tests and tools can call it without the Pulumi runtime;
 * loadStackConfig reads the running stack's config, keys under a misspelt namespace included. Both
 * throw ConfigError, whose message names the key, the bad value and what is allowed, before any
 * resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { capacitySchema, ecsSchema, fargateServiceSchema } from "./config-ecs";
import {
    ACM_CERTIFICATE_ARN, ACROSS_VALID_KEYS, AZ_NAME, AZ_NAME_ALLOWED, cidrBlockError, coverEveryAddress, DNS_1035_LABEL, DNS_NAME_RULE, eksVersionError, HOST_NAME,
    httpPath, IAM_PRINCIPAL_ARN, imageReference, IPV4_CIDR, IPV4_CIDR_ALLOWED, logRetentionDays, NAMESPACE, NAMESPACE_ALLOWED, oneOf, pattern, plainEnvironment,
    section, wholeNumber, withError,
} from "./config-formats";
import { subnetLayoutError } from "./subnet-layout";
import { cheapestInterfaceEndpoints, endpointsRequiredWithoutNat } from "../policies/lib/endpoint-economics";
import { trafficProfile } from "../policies/lib/cost-model";

export const PROJECT = "cross-az-platform";

/** An invalid stack config value. One line: key, value, what is allowed. */
export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/** Gateway endpoints: free, attached to route tables. */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;
/** Interface endpoints we know how to declare (PrivateLink, billed per AZ-hour and per GB). */
export const INTERFACE_ENDPOINT_SERVICES = [
    "ecr.api", "ecr.dkr", "sts", "logs", "monitoring", "ssm", "ssmmessages", "ec2messages",
    "secretsmanager", "kms", "ecs", "ecs-agent", "ecs-telemetry", "eks", "eks-auth",
    "elasticloadbalancing", "sqs", "sns", "xray", "ec2",
] as const;
const ENDPOINT_SERVICES = [...GATEWAY_ENDPOINT_SERVICES, ...INTERFACE_ENDPOINT_SERVICES];

export type GatewayEndpointService = (typeof GATEWAY_ENDPOINT_SERVICES)[number];
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];
export type EndpointService = GatewayEndpointService | InterfaceEndpointService;

const DEFAULT_AZ_COUNT = 3;

/** VPC flow logs to S3 and the Athena table and queries that read cross-AZ bytes from them (components/flow-logs.ts). */
const flowLogsSchema = section({
    /** Log every network interface of the VPC to an S3 bucket, with the Glue table and Athena named queries (default false). */
    enabled: z.boolean({ error: "must be true or false" }).default(false),
    /** Days before a log file or an Athena query result is deleted (default 30). */
    retentionDays: z.number({ error: "must be a whole number of days 1-3650" }).int("must be a whole number of days 1-3650")
        .min(1, "must be 1-3650").max(3650, "must be 1-3650").default(30),
    /** Seconds a flow is aggregated into one record: 600 (AWS's default, fewer records) or 60. */
    maxAggregationInterval: z.union([z.literal(60), z.literal(600)], { error: "must be 60 or 600" }).default(600),
});

const endpointListSchema = z.array(z.enum(ENDPOINT_SERVICES, { error: oneOf(ENDPOINT_SERVICES) }));

const networkSchema = section({
    /** IPv4 block of the VPC, /16 to /22. */
    cidr: z.string({ error: "must be an IPv4 CIDR block like 10.0.0.0/16" }).default("10.0.0.0/16"),
    /** How many AZs to spread over; default 3, or the length of availabilityZones. */
    azCount: z.number({ error: "must be a whole number 2-6" }).int("must be a whole number 2-6")
        .min(2, "must be 2-6").max(6, "must be 2-6").optional(),
    /** Explicit AZ names; default: the first azCount available AZs of the region. */
    availabilityZones: z.array(pattern(AZ_NAME, AZ_NAME_ALLOWED), { error: "must list 2-6 AZs" })
        .min(2, "must list 2-6 AZs").max(6, "must list 2-6 AZs").optional(),
    /** NAT layout: one per AZ (zone-local egress), one shared (cheap, crosses zones), or none. */
    natGateways: z.enum(["perAz", "single", "none"], { error: oneOf(["perAz", "single", "none"]) }).default("perAz"),
    /**
     * VPC endpoints: s3 and dynamodb are gateway endpoints, the rest interface endpoints; or "auto":
     * both gateway endpoints, and each interface endpoint only where its traffic pays for it (or,
     * with natGateways none, where the workloads cannot run without it).
     */
    endpoints: z.unknown().default(["s3", "dynamodb", "ecr.api", "ecr.dkr", "sts", "logs"]).transform((value, ctx): "auto" | EndpointService[] => {
        if (value === "auto") return "auto";
        if (!Array.isArray(value)) {
            ctx.addIssue({ code: "custom", input: value, message: `must be auto or a list of ${ENDPOINT_SERVICES.join("|")}` });
            return z.NEVER;
        }
        // Parsed apart from "auto" so an unknown service is named by its position, as in any list.
        const parsed = endpointListSchema.safeParse(value, { reportInput: true });
        if (parsed.success) return parsed.data;
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: "custom", message: issue.message } as never);
        return z.NEVER;
    }),
    /** Who may reach interface endpoints on 443: the whole VPC CIDR or only the private subnets. */
    endpointIngress: z.enum(["vpc", "private-subnets"], { error: oneOf(["vpc", "private-subnets"]) }).default("vpc"),
    /** VPC flow logs with the Athena pieces that measure cross-AZ, NAT and AWS-service bytes; off unless enabled. */
    flowLogs: flowLogsSchema.prefault({}),
}).superRefine((network, ctx) => {
    const layoutError = subnetLayoutError(network.cidr, network.availabilityZones?.length ?? network.azCount ?? DEFAULT_AZ_COUNT);
    if (layoutError) ctx.addIssue({ code: "custom", path: ["cidr"], message: layoutError, input: network.cidr });
    if (network.azCount !== undefined && network.availabilityZones !== undefined
        && network.azCount !== network.availabilityZones.length) {
        ctx.addIssue({
            code: "custom", path: ["azCount"], input: network.azCount,
            message: `contradicts network.availabilityZones (${network.availabilityZones.length} AZs): set one of them`,
        });
    }
    for (const key of ["endpoints", "availabilityZones"] as const) {
        const list: readonly string[] = Array.isArray(network[key]) ? network[key] : [];
        const duplicates = list.filter((e, i) => list.indexOf(e) !== i);
        if (duplicates.length > 0) ctx.addIssue({ code: "custom", path: [key], input: network[key], message: `lists ${duplicates.join(", ")} more than once` });
    }
}, ACROSS_VALID_KEYS).transform(network => ({ ...network, azCount: network.availabilityZones?.length ?? network.azCount ?? DEFAULT_AZ_COUNT }));

const gbPerMonth = z.number({ error: "must be a number of GB per month, 0 or more" }).min(0, "must be a number of GB per month, 0 or more");

/** The cost model's inputs (policies/lib/cost-model.ts), GB per month. Optional: without it policies and the cost report price no traffic. */
const trafficSchema = section({
    /** All pod-to-pod traffic through Services; `services[].gbPerMonth` attributes part of it, the rest is split over the other Services. Default 0. */
    eastWestGbPerMonth: gbPerMonth.default(0),
    /** Traffic from private subnets to AWS services (ecr = image layer bytes, served from S3); default 0 each. */
    awsServiceGbPerMonth: section({
        s3: gbPerMonth.default(0),
        ecr: gbPerMonth.default(0),
        logs: gbPerMonth.default(0),
        sts: gbPerMonth.default(0),
        dynamodb: gbPerMonth.default(0),
    }).default({ s3: 0, ecr: 0, logs: 0, sts: 0, dynamodb: 0 }),
    /** Traffic from private subnets to the internet, through NAT; default 0. */
    internetEgressGbPerMonth: gbPerMonth.default(0),
    /** Load-balancer (north-south) traffic to workloads: prices the instance-mode extra hop; default 0. */
    northSouthGbPerMonth: gbPerMonth.default(0),
});

/** Where the in-cluster measurement runs and on what image (components/measurement.ts). */
export const DEFAULT_MEASUREMENT_NAMESPACE = "crossaz-measurement";
/** Pinned to the Node release the loopback end-to-end test runs the shipped scripts on. */
export const DEFAULT_MEASUREMENT_IMAGE = "node:24.21.0-alpine";

/** A full version in the tag (x.y.z) or a digest: a floating tag would change the measured runtime under us. */
const isPinnedImage = (image: string) =>
    /@sha256:[0-9a-f]{64}$/.test(image) || /:[^/:@]*\d+\.\d+\.\d+[^/:@]*$/.test(image);

const measurementSchema = section({
    /** Deploy the zone-echo pods, the six routing variants and the measuring Job (default false). */
    enabled: z.boolean({ error: "must be true or false" }).default(false),
    /** Requests the Job sends to each variant (default 1000). */
    requests: z.number({ error: "must be a whole number 1-100000" }).int("must be a whole number 1-100000")
        .min(1, "must be 1-100000").max(100_000, "must be 1-100000").default(1000),
    /** Namespace of everything the measurement deploys (default crossaz-measurement). */
    namespace: pattern(NAMESPACE, NAMESPACE_ALLOWED).default(DEFAULT_MEASUREMENT_NAMESPACE),
    /** Node image that runs the shipped scripts (default node:24.21.0-alpine); pin a version tag or a digest. */
    image: imageReference().refine(isPinnedImage, "must be pinned: a tag with a full version like node:24.21.0-alpine, or an @sha256 digest")
        .default(DEFAULT_MEASUREMENT_IMAGE),
});

const positiveInt = (allowed: string) => z.number({ error: allowed }).int(allowed).min(1, allowed);
const percentage = () => z.number({ error: "must be a percentage 1-100" }).int("must be a percentage 1-100")
    .min(1, "must be a percentage 1-100").max(100, "must be a percentage 1-100");

/** Every EKS control-plane log type. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export const eksSchema = section({
    /** Declare the EKS Auto Mode cluster (and allow `services`). */
    enabled: z.boolean({ error: "must be true or false" }).default(false),
    /** Kubernetes minor version, 1.35 (PreferSameNode is stable and pods carry their zone label there) to the newest EKS supports. */
    version: z.string({ error: 'must be a Kubernetes minor version like "1.35"' }).check(withError(eksVersionError)).default("1.35"),
    /** CIDRs allowed to reach the public API endpoint; empty means private endpoint only. */
    endpointPublicAccessCidrs: z.array(z.string({ error: IPV4_CIDR_ALLOWED }).check(withError(cidrBlockError)), { error: "must be a list of IPv4 CIDRs like 203.0.113.0/24" })
        .refine(cidrs => !coverEveryAddress(cidrs), {
            message: "must not open the API endpoint to the whole internet: together they cover every IPv4 address (leave the list empty for private-only)",
            ...ACROSS_VALID_KEYS,
        })
        .default([]),
    /** IAM role or user ARN granted AmazonEKSClusterAdminPolicy through an access entry. */
    adminPrincipalArn: pattern(IAM_PRINCIPAL_ARN, "must be an IAM role or user ARN like arn:aws:iam::111122223333:role/platform-admin").optional(),
    /** Make whoever creates the cluster a cluster admin (bootstrapClusterCreatorAdminPermissions); keep false in prod. */
    clusterCreatorAdmin: z.boolean({ error: "must be true or false" }).default(false),
    /** Envelope-encrypt Kubernetes secrets with a customer-managed KMS key (rotation on). */
    secretsEncryption: z.boolean({ error: "must be true or false" }).default(false),
    /** At the end of the version's standard support: STANDARD upgrades the cluster, EXTENDED keeps it at six times the control-plane price. */
    supportType: z.enum(["STANDARD", "EXTENDED"], { error: oneOf(["STANDARD", "EXTENDED"]) }).default("STANDARD"),
    /** Days CloudWatch keeps the control-plane logs; EKS's own log group would keep them forever. */
    logRetentionDays: logRetentionDays(30),
    /** Control-plane log types sent to CloudWatch Logs (a KMS-encrypted log group); prod sends all five. */
    controlPlaneLogTypes: z.array(z.enum(CONTROL_PLANE_LOG_TYPES, { error: oneOf(CONTROL_PLANE_LOG_TYPES) }),
        { error: `must be a list of log types from ${CONTROL_PLANE_LOG_TYPES.join(", ")}` })
        .refine(types => new Set(types).size === types.length, "must not list a log type twice")
        .default(["api", "audit", "authenticator"]),
    /** ARC zonal shift for the cluster: an impaired AZ's nodes can be shifted away from (zonalShiftConfig). */
    zonalShift: z.boolean({ error: "must be true or false" }).default(true),
    /** Custom Auto Mode node pools beside the built-in general-purpose and system pools. */
    nodePools: section({
        /** arm64 on-demand pool (c/m/r, weight 10): Graviton price-performance. Images must be multi-arch. */
        graviton: z.boolean({ error: "must be true or false" }).default(false),
        /** Spot pool (c/m/r gen 5+, amd64, weight 80, 20% disruption budget, expireAfter 336h). */
        spot: z.boolean({ error: "must be true or false" }).default(false),
    }).prefault({}),
    /** EKS add-ons. Auto Mode already runs the Pod Identity agent, CoreDNS, kube-proxy and the VPC CNI itself. */
    addons: section({
        /** metrics-server: the HPAs of `services` read it. */
        metricsServer: z.boolean({ error: "must be true or false" }).default(true),
        /** amazon-cloudwatch-observability with a Pod Identity role: Container Insights and the cross-AZ flow view. */
        cloudwatchObservability: z.boolean({ error: "must be true or false" }).default(true),
    }).prefault({}),
}).superRefine((eks, ctx) => {
    if (eks.enabled && !eks.clusterCreatorAdmin && eks.adminPrincipalArn === undefined) {
        ctx.addIssue({
            code: "custom", path: ["adminPrincipalArn"], input: undefined,
            message: "is required when eks.clusterCreatorAdmin is false (nobody, this program included, could administer the cluster)",
        });
    }
});

export const ROUTING_MODES = ["PreferSameZone", "PreferSameNode"] as const;
/** Pod Security Standards a service can meet, strictest first. */
export const POD_SECURITY_LEVELS = ["restricted", "baseline"] as const;
const CPU_QUANTITY = /^(\d+m|\d+(\.\d+)?)$/;
const MEMORY_QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const PDB_ALLOWED = "must be a whole number >= 0 or a percentage like \"50%\"";

export const zonalServiceSchema = section({
    /** Service, Deployment and label name (DNS-1035 label). */
    name: pattern(DNS_1035_LABEL, `must be a DNS label like "frontend" (lowercase letters, digits and '-', starting with a letter, at most 63 characters)`),
    /** Namespace; created unless "default". */
    namespace: pattern(NAMESPACE, NAMESPACE_ALLOWED).default("default"),
    /** Container image. */
    image: imageReference(),
    /** Container port; the Service exposes the same port. */
    port: z.number({ error: "must be a port 1-65535" }).int("must be a port 1-65535").min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535"),
    /** Minimum replicas (the HPA's minReplicas), in total or, with perZone, per zone. */
    replicas: positiveInt("must be a whole number >= 1").default(3),
    /** CPU request. */
    cpu: pattern(CPU_QUANTITY, 'must be a CPU quantity like "250m" or "1" (quoted)').default("250m"),
    /** Memory request. */
    memory: pattern(MEMORY_QUANTITY, 'must be a memory quantity like "256Mi" (quoted)').default("256Mi"),
    /** CPU limit; default none (a CPU limit throttles even on idle nodes). */
    cpuLimit: pattern(CPU_QUANTITY, 'must be a CPU quantity like "500m" or "1" (quoted)').optional(),
    /** Memory limit; default the memory request (a pod never takes more than the node reserved for it). */
    memoryLimit: pattern(MEMORY_QUANTITY, 'must be a memory quantity like "512Mi" (quoted)').optional(),
    /** Pin pods to one CPU architecture (nodeSelector kubernetes.io/arch); default any. */
    arch: z.enum(["amd64", "arm64"], { error: oneOf(["amd64", "arm64"]) }).optional(),
    /** HTTP path for readiness and liveness probes; default a TCP check on the port. */
    probePath: httpPath("/healthz").optional(),
    /** Service trafficDistribution: keep calls in the caller's zone, or on its node first. */
    routing: z.enum(ROUTING_MODES, { error: oneOf(ROUTING_MODES) }).default("PreferSameZone"),
    /** One Deployment and HPA per AZ, each pinned to its zone, behind one Service (for the 2-3 hottest services). */
    perZone: z.boolean({ error: "must be true or false" }).default(false),
    /** Zones the spread constraint requires before skew counts; default (and at most) the AZ count. */
    minDomains: positiveInt("must be a whole number >= 1").optional(),
    /** Expose through the Auto Mode ALB (class alb, target-type ip). */
    ingress: section({
        /** ALB scheme. */
        scheme: z.enum(["internet-facing", "internal"], { error: oneOf(["internet-facing", "internal"]) }).default("internal"),
        /** Path prefix routed to the service. */
        path: httpPath("/").default("/"),
        /** Host name to match; default any host. */
        host: pattern(HOST_NAME, `must be a DNS name like shop.example.com (${DNS_NAME_RULE})`).optional(),
        /** ACM certificate ARN: HTTPS on 443 (TLS 1.3 policy) and HTTP 80 redirected to it; without one, plain HTTP on 80. */
        certificateArn: pattern(ACM_CERTIFICATE_ARN, "must be an ACM certificate ARN like arn:aws:acm:us-east-1:111122223333:certificate/<id>").optional(),
    }).optional(),
    /** PodDisruptionBudget minAvailable: a count or a percentage like "50%". */
    pdb: section({
        /** Pods that must stay up during voluntary disruptions (Auto Mode consolidates nodes by default). */
        minAvailable: z.union([
            z.number().int(PDB_ALLOWED).min(0, PDB_ALLOWED),
            z.string().regex(/^(100|[1-9]?\d)%$/, PDB_ALLOWED),
        ], { error: PDB_ALLOWED }).default(1),
    }).prefault({}),
    /**
     * Pod Security Standard the pods meet, and their namespace enforces: restricted (non-root, no capabilities,
     * RuntimeDefault seccomp) or, for images that must run as root, baseline (the image's user and capabilities).
     */
    podSecurity: z.enum(POD_SECURITY_LEVELS, { error: oneOf(POD_SECURITY_LEVELS) }).default("restricted"),
    /** Mount the container's root filesystem read-only; writablePaths get an emptyDir each. */
    readOnlyRootFilesystem: z.boolean({ error: "must be true or false" }).default(true),
    /** Absolute paths the image writes to, each an emptyDir volume (nginx-unprivileged needs /tmp). */
    writablePaths: z.array(pattern(/^\/\S+$/, "must be absolute paths below / like /tmp"), { error: "must be a list of absolute paths like [/tmp]" })
        .refine(paths => new Set(paths).size === paths.length, "must not list a path twice")
        .default(["/tmp"]),
    /** Mount a Kubernetes service account token (automountServiceAccountToken); only for pods that call the API server. */
    serviceAccountToken: z.boolean({ error: "must be true or false" }).default(false),
    /** CIDRs the pods may connect to beyond their namespace and DNS (the namespace denies other egress), e.g. 0.0.0.0/0. */
    egressCidrs: z.array(pattern(IPV4_CIDR, "must be IPv4 CIDRs like 10.0.0.0/16"), { error: "must be a list of IPv4 CIDRs like [10.0.0.0/16]" }).default([]),
    /** HorizontalPodAutoscaler (autoscaling/v2) on CPU and memory utilization of the requests. */
    hpa: section({
        /** Upper bound of replicas (per zone with perZone); default 3 x replicas. */
        maxReplicas: positiveInt("must be a whole number >= 1").optional(),
        /** Target average CPU utilization, percent of the request. */
        cpuUtilization: percentage().default(70),
        /** Target average memory utilization, percent of the request. */
        memoryUtilization: percentage().default(80),
    }).prefault({}),
    /** Plain environment variables (secrets belong in Secrets, not here). */
    env: plainEnvironment("env values are plain text in the Deployment and in the stack config").default({}),
    /** The part of traffic.eastWestGbPerMonth this service receives; read by the cost report. */
    gbPerMonth: z.number({ error: "must be a number >= 0" }).min(0, "must be a number >= 0").optional(),
}).superRefine((service, ctx) => {
    if (service.hpa.maxReplicas !== undefined && service.hpa.maxReplicas < service.replicas) {
        ctx.addIssue({ code: "custom", path: ["hpa", "maxReplicas"], input: service.hpa.maxReplicas, message: `must be at least replicas (${service.replicas})` });
    }
    if (service.perZone && service.minDomains !== undefined) {
        ctx.addIssue({
            code: "custom", path: ["minDomains"], input: service.minDomains,
            message: "contradicts perZone: true (each per-zone Deployment is pinned to one zone): set one of them",
        });
    }
    if (RESERVED_ENV.some(key => key in service.env)) {
        ctx.addIssue({ code: "custom", path: ["env"], input: Object.keys(service.env), message: `must not set ${RESERVED_ENV.join(", ")} (set from the downward API)` });
    }
}, ACROSS_VALID_KEYS);

/** Environment variables ZonalService sets from the downward API. */
export const RESERVED_ENV = ["ZONE", "NODE_NAME"] as const;

/** What an accident must not delete or replace: on unless the stack sets it off (dev, to be torn down). */
const protectSchema = section({
    /**
     * Pulumi `protect` on the VPC, the EKS cluster, its KMS keys, the log groups and the access-log bucket, and
     * AWS deletion protection on the cluster and every ALB. A change that would replace one of them fails instead.
     */
    deletion: z.boolean({ error: "must be true or false" }).default(true),
    /** reclaimPolicy of the cluster's default StorageClass: Retain keeps a deleted claim's EBS volume, Delete removes it. */
    volumeReclaimPolicy: z.enum(["Retain", "Delete"], { error: oneOf(["Retain", "Delete"]) }).default("Retain"),
});

/** ALB access logs (ECS ALBs and Ingress ALBs) to one S3 bucket of the stack: SSE-S3, no public access, TLS only. */
const accessLogsSchema = section({
    /** Create the bucket and log every ALB to it. */
    enabled: z.boolean({ error: "must be true or false" }).default(true),
    /** Days before S3 deletes a log object. */
    expirationDays: wholeNumber("1-3650", 1, 3650).default(90),
});

const stackConfigSchema = section({
    network: networkSchema.default(() => networkSchema.parse({})),
    traffic: trafficSchema.optional(),
    eks: eksSchema.default(() => eksSchema.parse({})),
    services: z.array(zonalServiceSchema, { error: "must be a list of services, each a mapping with name, image and port" }).default([]),
    ecs: ecsSchema.optional(),
    measurement: measurementSchema.default(() => measurementSchema.parse({})),
    protect: protectSchema.default(() => protectSchema.parse({})),
    accessLogs: accessLogsSchema.default(() => accessLogsSchema.parse({})),
}).superRefine((config, ctx) => {
    checkServicesAgainstCluster(config, ctx);
    const attributedGb = config.services.reduce((sum, service) => sum + (service.gbPerMonth ?? 0), 0);
    if (attributedGb > 0 && attributedGb > (config.traffic?.eastWestGbPerMonth ?? 0)) {
        ctx.addIssue({
            code: "custom", path: ["traffic", "eastWestGbPerMonth"], input: config.traffic?.eastWestGbPerMonth,
            message: `must be the stack's total east-west GB/month, at least the ${attributedGb} GB the services' gbPerMonth figures add up to`,
        });
    }
    if (config.measurement.enabled && !config.eks.enabled) {
        ctx.addIssue({
            code: "custom", path: ["eks", "enabled"], input: config.eks.enabled,
            message: "must be true when measurement.enabled is true (the measurement runs in the EKS Auto Mode cluster)",
        });
    }
}, ACROSS_VALID_KEYS).transform(config => ({ ...config, network: { ...config.network, endpoints: resolveEndpoints(config) } }));

/**
 * network.endpoints as a list: as given, or for "auto" the gateway endpoints (free) plus the
 * cheapest interface endpoints for the stack's traffic and NAT layout
 * (policies/lib/endpoint-economics.ts), the required ones included when there is no NAT gateway.
 */
function resolveEndpoints(config: { network: z.output<typeof networkSchema>; traffic?: z.output<typeof trafficSchema>; eks: { enabled: boolean }; ecs?: unknown }): EndpointService[] {
    const { network } = config;
    if (network.endpoints !== "auto") return network.endpoints;
    const zoneCount = network.azCount;
    const nat = {
        zoneCount,
        natGatewayCount: network.natGateways === "perAz" ? zoneCount : network.natGateways === "single" ? 1 : 0,
        azsWithoutOwnNat: network.natGateways === "single" ? zoneCount - 1 : 0,
    };
    const required = network.natGateways === "none" ? endpointsRequiredWithoutNat({ eks: config.eks.enabled, ecs: config.ecs !== undefined }) : [];
    const interfaceEndpoints = cheapestInterfaceEndpoints(INTERFACE_ENDPOINT_SERVICES, required, trafficProfile(config.traffic), nat);
    return [...GATEWAY_ENDPOINT_SERVICES, ...interfaceEndpoints as InterfaceEndpointService[]];
}

/** Checks that need more than one section: services run on the cluster, over the network's zones. */
function checkServicesAgainstCluster(
    config: { network: z.output<typeof networkSchema>; eks: z.output<typeof eksSchema>; services: z.output<typeof zonalServiceSchema>[] },
    ctx: z.RefinementCtx,
): void {
    if (config.services.length === 0) return;
    if (!config.eks.enabled) {
        ctx.addIssue({
            code: "custom", path: ["eks", "enabled"], input: config.eks.enabled,
            message: "must be true when services are declared (ZonalService runs on the EKS Auto Mode cluster)",
        });
    }
    if (!config.eks.addons.metricsServer) {
        ctx.addIssue({
            code: "custom", path: ["eks", "addons", "metricsServer"], input: false,
            message: "must be true when services are declared (their HPAs read metrics-server)",
        });
    }
    const azCount = config.network.azCount;
    const seen = new Set<string>();
    config.services.forEach((service, i) => {
        const key = `${service.namespace}/${service.name}`;
        if (seen.has(key)) {
            ctx.addIssue({ code: "custom", path: ["services", i, "name"], input: service.name, message: `must be unique per namespace (${key} is declared twice)` });
        }
        seen.add(key);
        if (service.minDomains !== undefined && service.minDomains > azCount) {
            ctx.addIssue({
                code: "custom", path: ["services", i, "minDomains"], input: service.minDomains,
                message: `must be at most the AZ count (${azCount}): more domains than zones leaves pods Pending`,
            });
        }
        const minimumPods = service.perZone ? service.replicas * azCount : service.replicas;
        const minAvailable = service.pdb.minAvailable;
        // Kubernetes rounds a percentage of minAvailable up.
        const keptPods = typeof minAvailable === "number" ? minAvailable : Math.ceil(parseInt(minAvailable, 10) * minimumPods / 100);
        if (keptPods >= minimumPods) {
            ctx.addIssue({
                code: "custom", path: ["services", i, "pdb", "minAvailable"], input: minAvailable,
                message: typeof minAvailable === "number"
                    ? `must be less than the minimum pod count (${minimumPods}), or no node could ever be drained`
                    : `must round to less than the minimum pod count (${minimumPods}), or no node could ever be drained (Kubernetes rounds ${minAvailable} of ${minimumPods} up to ${keptPods})`,
            });
        }
    });
}

export type NetworkConfig = z.output<typeof networkSchema>;
export type TrafficConfig = z.output<typeof trafficSchema>;
export type FlowLogsConfig = z.output<typeof flowLogsSchema>;
export type EksConfig = z.output<typeof eksSchema>;
export type ZonalServiceConfig = z.output<typeof zonalServiceSchema>;
export type EcsConfig = z.output<typeof ecsSchema>;
export type CapacityStrategy = z.output<typeof capacitySchema>;
/** The cluster's default strategy: the same defaults a service gets. */
export const DEFAULT_CAPACITY_STRATEGY: CapacityStrategy = capacitySchema.parse({});
export type FargateServiceConfig = z.output<typeof fargateServiceSchema>;
export type MeasurementConfig = z.output<typeof measurementSchema>;
export type ProtectConfig = z.output<typeof protectSchema>;
export type StackConfig = z.output<typeof stackConfigSchema>;

/**
 * Every leaf key of the config, e.g. `network.cidr`, `services[].image`, `ecs.services.<key>.cpu`: docs/config.md's config
 * reference must list exactly these (test/readme.spec.ts keeps the two in step).
 */
export function configKeys(): string[] {
    const leaves = (schema: z.ZodType, path: string): string[] => {
        const inner = unwrap(schema);
        if (inner instanceof z.ZodObject) {
            return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
        }
        if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType) instanceof z.ZodObject) {
            return leaves(inner.element as z.ZodType, `${path}[]`);
        }
        if (inner instanceof z.ZodRecord && unwrap(inner.valueType as z.ZodType) instanceof z.ZodObject) {
            return leaves(inner.valueType as z.ZodType, `${path}.<key>`);
        }
        return [path];
    };
    return leaves(stackConfigSchema, "");
}

function unwrap(schema: z.ZodType): z.ZodType {
    if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) return unwrap(schema.unwrap() as z.ZodType);
    if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
    return schema;
}

/** Validates raw section values (as read from Pulumi.<stack>.yaml) and fills in defaults. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    const result = stackConfigSchema.safeParse(raw, { reportInput: true });
    if (result.success) return result.data;
    throw new ConfigError(result.error.issues.map(describeIssue).join("; "));
}

/** Reads every config key of the running stack (pulumi.runtime.allConfig, as under `pulumi up`) and validates this project's. */
export function loadStackConfig(): StackConfig {
    return parseConfigValues(pulumi.runtime.allConfig());
}

/**
 * Validates the stack's config as the Pulumi runtime holds it (`namespace:key` -> string, JSON for
 * structured values): every `cross-az-platform:*` key, so a misspelt section fails too, and every key
 * under a namespace a typo away from the project's (one or two letters), which would be left unread.
 */
export function parseConfigValues(values: Record<string, string>): StackConfig {
    const raw: Record<string, unknown> = {};
    const misspelt: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const namespace = key.slice(0, key.indexOf(":"));
        const name = key.slice(namespace.length + 1);
        if (namespace === PROJECT) {
            try {
                raw[name] = JSON.parse(value);
            } catch {
                raw[name] = value; // a plain string value, e.g. `pulumi config set cross-az-platform:network x`
            }
        } else if (editDistance(namespace.toLowerCase(), PROJECT) <= 2) {
            misspelt.push(`${key} is under namespace ${namespace}, which this program does not read: did you mean ${PROJECT}:${name}?`);
        }
    }
    try {
        const config = parseStackConfig(raw);
        if (misspelt.length === 0) return config;
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        misspelt.push(error.message);
    }
    throw new ConfigError(misspelt.join("; "));
}

/** Levenshtein distance: the fewest single-letter insertions, deletions and substitutions from a to b. */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

function describeIssue(issue: z.core.$ZodIssue): string {
    const key = issue.path.join(".");
    if (issue.code === "unrecognized_keys") {
        const where = key ? `${PROJECT}:${key.split(".")[0]}${key.includes(".") ? key.slice(key.indexOf(".")) : ""}` : PROJECT;
        return `${where} has unknown key ${issue.keys.join(", ")} (${issue.message})`;
    }
    return `${key} ${issue.message}, got ${shown(issue.input)}`;
}

/** A config value as a message shows it: JSON, but YAML's .inf, -.inf and .nan for the numbers JSON would write as null. */
function shown(value: unknown): string {
    if (value === undefined) return "nothing";
    const yamlSpelling = (n: number) => Number.isNaN(n) ? ".nan" : n > 0 ? ".inf" : "-.inf";
    return JSON.stringify(value, (_, v: unknown) => typeof v === "number" && !Number.isFinite(v) ? `\u0000${yamlSpelling(v)}` : v)
        .replace(/"\\u0000(-?\.\w+)"/g, "$1");
}
