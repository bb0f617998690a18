/**
 * The typed stack config: every section, its defaults and its validation in one place.
 *
 * Keys live under the project namespace (`cross-az-platform:network`, ...) in Pulumi.<stack>.yaml.
 * parseStackConfig is pure so tests and tools can call it without the Pulumi runtime;
 * loadStackConfig reads the running stack's config. Both throw ConfigError, whose message
 * names the key, the bad value and what is allowed, before any resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { subnetLayoutError } from "./subnet-layout";

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
    "elasticloadbalancing", "sqs", "sns", "xray",
] as const;
const ENDPOINT_SERVICES = [...GATEWAY_ENDPOINT_SERVICES, ...INTERFACE_ENDPOINT_SERVICES];

export type GatewayEndpointService = (typeof GATEWAY_ENDPOINT_SERVICES)[number];
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];
export type EndpointService = GatewayEndpointService | InterfaceEndpointService;

const DEFAULT_AZ_COUNT = 3;

const oneOf = <T extends string>(values: readonly T[]) => `must be one of ${values.join("|")}`;

/** A config object that rejects unknown keys (typos) and names the keys it allows. */
function section<Shape extends z.ZodRawShape>(shape: Shape) {
    const allowed = `allowed keys: ${Object.keys(shape).join(", ")}`;
    return z.strictObject(shape, { error: issue => issue.code === "unrecognized_keys" ? allowed : undefined });
}

const networkSchema = section({
    /** IPv4 block of the VPC, /16 to /22. */
    cidr: z.string().default("10.0.0.0/16"),
    /** How many AZs to spread over; default 3, or the length of availabilityZones. */
    azCount: z.number({ error: "must be a whole number 2-6" }).int("must be a whole number 2-6")
        .min(2, "must be 2-6").max(6, "must be 2-6").optional(),
    /** Explicit AZ names; default: the first azCount available AZs of the region. */
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "must be AZ names like us-east-1a"))
        .min(2, "must list 2-6 AZs").max(6, "must list 2-6 AZs").optional(),
    /** NAT layout: one per AZ (zone-local egress), one shared (cheap, crosses zones), or none. */
    natGateways: z.enum(["perAz", "single", "none"], { error: oneOf(["perAz", "single", "none"]) }).default("perAz"),
    /** VPC endpoints: s3 and dynamodb are gateway endpoints, the rest interface endpoints. */
    endpoints: z.array(z.enum(ENDPOINT_SERVICES, { error: oneOf(ENDPOINT_SERVICES) }))
        .default(["s3", "dynamodb", "ecr.api", "ecr.dkr", "sts", "logs"]),
    /** Who may reach interface endpoints on 443: the whole VPC CIDR or only the private subnets. */
    endpointIngress: z.enum(["vpc", "private-subnets"], { error: oneOf(["vpc", "private-subnets"]) }).default("vpc"),
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
    const duplicates = network.endpoints.filter((e, i) => network.endpoints.indexOf(e) !== i);
    if (duplicates.length > 0) {
        ctx.addIssue({ code: "custom", path: ["endpoints"], input: network.endpoints, message: `lists ${duplicates.join(", ")} more than once` });
    }
}).transform(network => ({ ...network, azCount: network.availabilityZones?.length ?? network.azCount ?? DEFAULT_AZ_COUNT }));

/** Where the in-cluster measurement runs and on what image (components/measurement.ts). */
export const DEFAULT_MEASUREMENT_NAMESPACE = "crossaz-measurement";
/** Pinned to the Node release the loopback end-to-end test runs the shipped scripts on. */
export const DEFAULT_MEASUREMENT_IMAGE = "node:20.20.2-alpine";

/** A full version in the tag (x.y.z) or a digest: a floating tag would change the measured runtime under us. */
const isPinnedImage = (image: string) =>
    /@sha256:[0-9a-f]{64}$/.test(image) || /:[^/:@]*\d+\.\d+\.\d+[^/:@]*$/.test(image);

const measurementSchema = section({
    /** Deploy the zone-echo pods, the three routing variants and the measuring Job (default false). */
    enabled: z.boolean({ error: "must be true or false" }).default(false),
    /** Requests the Job sends to each variant (default 1000). */
    requests: z.number({ error: "must be a whole number 1-100000" }).int("must be a whole number 1-100000")
        .min(1, "must be 1-100000").max(100_000, "must be 1-100000").default(1000),
    /** Namespace of everything the measurement deploys (default crossaz-measurement). */
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name (lowercase letters, digits, '-', at most 63)")
        .default(DEFAULT_MEASUREMENT_NAMESPACE),
    /** Node image that runs the shipped scripts (default node:20.20.2-alpine); pin a version tag or a digest. */
    image: z.string().refine(isPinnedImage, "must be pinned: a tag with a full version like node:20.20.2-alpine, or an @sha256 digest")
        .default(DEFAULT_MEASUREMENT_IMAGE),
});

const stackConfigSchema = section({
    network: networkSchema.default(() => networkSchema.parse({})),
    measurement: measurementSchema.default(() => measurementSchema.parse({})),
});

export type NetworkConfig = z.output<typeof networkSchema>;
export type MeasurementConfig = z.output<typeof measurementSchema>;
export type StackConfig = z.output<typeof stackConfigSchema>;

/**
 * Every leaf key of the config, e.g. `network.cidr`, `services[].image`: the README's config
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
        return [path];
    };
    return leaves(stackConfigSchema, "");
}

function unwrap(schema: z.ZodType): z.ZodType {
    if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) return unwrap(schema.unwrap() as z.ZodType);
    if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
    return schema;
}

/** Validates raw section values (as read from Pulumi.<stack>.yaml) and fills in defaults. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    const result = stackConfigSchema.safeParse(raw, { reportInput: true });
    if (result.success) return result.data;
    throw new ConfigError(result.error.issues.map(describeIssue).join("; "));
}

/** Reads every `cross-az-platform:*` key of the running stack (so a misspelt section fails too) and validates it. */
export function loadStackConfig(): StackConfig {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!key.startsWith(`${PROJECT}:`)) continue;
        const name = key.slice(PROJECT.length + 1);
        try {
            raw[name] = JSON.parse(value);
        } catch {
            raw[name] = value; // a plain string value, e.g. `pulumi config set cross-az-platform:network x`
        }
    }
    return parseStackConfig(raw);
}

function describeIssue(issue: z.core.$ZodIssue): string {
    const key = issue.path.join(".");
    if (issue.code === "unrecognized_keys") {
        const where = key ? `${PROJECT}:${key.split(".")[0]}${key.includes(".") ? key.slice(key.indexOf(".")) : ""}` : PROJECT;
        return `${where} has unknown key ${issue.keys.join(", ")} (${issue.message})`;
    }
    const got = issue.input === undefined ? "nothing" : JSON.stringify(issue.input);
    return `${key} ${issue.message}, got ${got}`;
}
