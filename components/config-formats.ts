/**
 * The building blocks of the stack config schemas (components/config.ts, components/config-ecs.ts)
 * and the formats of its values, each rule stated once: image references, DNS names, paths, ARNs,
 * environment variable names, AZ names, EKS versions and the API endpoint's CIDRs.
 */
import * as ipaddr from "ipaddr.js";
import { z } from "zod";

// ---- schema building blocks: every message is the "allowed" part of a ConfigError ----

export const oneOf = <T extends string>(values: readonly T[]) => `must be one of ${values.join("|")}`;
/** A string matching regex; `allowed` is the message for a mismatch and for a value of another type. */
export const pattern = (regex: RegExp, allowed: string) => z.string({ error: allowed }).regex(regex, allowed);
export const httpPath = (example: string) => pattern(HTTP_PATH, `must be an absolute path without spaces like ${example}`);

/** For checks across keys or list entries: they run on values that passed their own checks only, so a message never reasons from an invalid one. */
export const ACROSS_VALID_KEYS = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

/** A check from a function that says why a value is wrong (undefined when it is right), as the components' *Error functions do. */
export const withError = <T>(error: (value: T) => string | undefined) => z.superRefine<T>((value, ctx) => {
    const message = error(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", input: value, message });
});

/** A config object that rejects unknown keys (typos) and names the keys it allows. */
export function section<Shape extends z.ZodRawShape>(shape: Shape) {
    const allowed = `allowed keys: ${Object.keys(shape).join(", ")}`;
    return z.strictObject(shape, {
        error: issue => issue.code === "unrecognized_keys" ? allowed : issue.code === "invalid_type" ? `must be a mapping (${allowed})` : undefined,
    });
}

export const wholeNumber = (range: string, min: number, max: number) =>
    z.number({ error: `must be a whole number ${range}` }).int(`must be a whole number ${range}`)
        .min(min, `must be ${range}`).max(max, `must be ${range}`);

/** Retention values CloudWatch Logs accepts (days). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** A CloudWatch Logs retention in days, one of the values CloudWatch accepts. */
export const logRetentionDays = (days: (typeof LOG_RETENTION_DAYS)[number]) => {
    const allowed = oneOf(LOG_RETENTION_DAYS.map(String));
    return z.number({ error: allowed }).refine(d => (LOG_RETENTION_DAYS as readonly number[]).includes(d), allowed).default(days);
};

// ---- OCI image references ----

/*
 * The reference grammar of the distribution project (github.com/distribution/reference, reference.go),
 * which Docker, containerd and ECR parse by:
 *   reference      := name [":" tag] ["@" digest]
 *   name           := [domain "/"] path-component ["/" path-component]*      (at most 255 characters)
 *   domain         := host [":" port]; host := domain-component ["." domain-component]* | "[" IPv6 "]"
 *   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   path-component := [a-z0-9]+ [separator [a-z0-9]+]*;  separator := "." | "_" | "__" | "-"+
 *   tag            := [\w][\w.-]{0,127}
 *   digest         := algorithm ":" hex{32,};  algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)*
 */
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const REGISTRY = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const IMAGE_REFERENCE = new RegExp(`^((?:${REGISTRY}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::${TAG})?(?:@${DIGEST})?$`);
const IMAGE_NAME_MAX = 255;

export const isImageReference = (image: string) => {
    const name = IMAGE_REFERENCE.exec(image)?.[1];
    return name !== undefined && name.length <= IMAGE_NAME_MAX;
};

const IMAGE_ALLOWED = "must be an image reference like public.ecr.aws/nginx/nginx:1.27 "
    + `(lowercase repository path, optional :tag and @digest, no spaces, name at most ${IMAGE_NAME_MAX} characters)`;
/** An image reference (see the grammar above). */
export const imageReference = () => z.string({ error: IMAGE_ALLOWED }).refine(isImageReference, { message: IMAGE_ALLOWED, abort: true });

// ---- DNS names and paths ----

/** RFC 1123 label: lowercase letters, digits and "-", at most 63 characters. */
const LABEL = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
/** A Kubernetes namespace: an RFC 1123 label. */
export const NAMESPACE = new RegExp(`^${LABEL}$`);
export const NAMESPACE_ALLOWED = "must be a Kubernetes namespace name: lowercase letters, digits and '-', at most 63 characters";
/** An RFC 1035 label (starts with a letter): Kubernetes Service names. */
export const DNS_1035_LABEL = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS name: labels joined by dots, at most 253 characters. */
export const DNS_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
/** A host name an Ingress rule matches: a DNS name, or a wildcard over one (`*.example.com`). */
export const HOST_NAME = new RegExp(`^(?=.{1,253}$)(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);
export const DNS_NAME_RULE = "labels of lowercase letters, digits and '-' up to 63 characters, at most 253 in all";
/** An absolute HTTP path without spaces. */
export const HTTP_PATH = /^\/\S*$/;

// ---- ARNs: no spaces anywhere, a trailing one included ----

const ARN_PREFIX = "arn:aws[a-z-]*";
/** The characters of IAM names and paths, Secrets Manager secret names and SSM parameter names. */
const ARN_NAME = "[\\w+=,.@/-]+";
/**
 * Secrets Manager secret or SSM parameter ARNs: the only sources ECS can inject as secrets. A secret's
 * ARN may name one JSON key, version stage and version id after it (`...:secret:db-AbCdEf:password::`).
 */
export const SECRET_ARN = new RegExp(`^${ARN_PREFIX}:(secretsmanager:[a-z0-9-]+:\\d{12}:secret:${ARN_NAME}(:[\\w+=,.@/-]*){0,3}|ssm:[a-z0-9-]+:\\d{12}:parameter/${ARN_NAME})$`);
export const ACM_CERTIFICATE_ARN = new RegExp(`^${ARN_PREFIX}:acm:[a-z0-9-]+:\\d{12}:certificate/[0-9a-f-]+$`);
export const IAM_POLICY_ARN = new RegExp(`^${ARN_PREFIX}:iam::(aws|\\d{12}):policy/${ARN_NAME}$`);
export const IAM_PRINCIPAL_ARN = new RegExp(`^${ARN_PREFIX}:iam::\\d{12}:(role|user)/${ARN_NAME}$`);

// ---- environment variables ----

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Environment names that look like credentials: never in plain text. */
const SECRET_LOOKING_NAME = /(^|_)(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)(_|$)/i;

/** Values by environment variable name (`example` is one); `values` says what they are in messages. */
export const environmentRecord = <Value extends z.ZodType<unknown, string>>(example: string, value: Value, values: string) =>
    z.record(z.string().regex(ENV_NAME), value, {
        error: issue => issue.code === "invalid_key" ? `must be environment variable names like ${example}`
            : issue.code === "invalid_type" ? `must be a mapping of environment variable names to ${values}` : undefined,
    });

/**
 * Plain environment values by name: names like LOG_LEVEL, string values, and no secret-looking
 * names; `hint` says where credentials belong instead.
 */
export const plainEnvironment = (hint: string) =>
    environmentRecord("LOG_LEVEL", z.string({ error: "must be string values (quote numbers and booleans)" }), "string values")
        .superRefine((environment, ctx) => {
            for (const name of Object.keys(environment).filter(n => SECRET_LOOKING_NAME.test(n))) {
                ctx.addIssue({ code: "custom", input: name, message: `must not hold secret-looking names: ${hint}` });
            }
        });

// ---- availability zones ----

/** A standard AZ: the region's name and one letter. Local Zones (us-east-1-bos-1a) and Wavelength Zones are not. */
export const AZ_NAME = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
export const AZ_NAME_ALLOWED = "must be standard AZ names like us-east-1a (the region and a letter; Local and Wavelength Zones are not supported)";

// ---- EKS versions ----

/**
 * The Kubernetes minor versions the cluster may run. EKS offers 1.32-1.36 in standard or extended
 * support through 2026-12 (1.31's extended support ends 2026-11-26; 1.36 reached EKS in 2026-06;
 * docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html), and this program needs 1.35
 * or later: PreferSameNode and pod topology labels. Raise NEWEST when EKS releases the next one.
 */
export const EKS_VERSIONS = { oldest: 35, newest: 36 } as const;
const EKS_VERSION = /^1\.(\d{2})$/;

/** Why `version` is not a minor version this cluster can run, or undefined when it is. */
export function eksVersionError(version: string): string | undefined {
    const match = EKS_VERSION.exec(version);
    if (!match) return 'must be a Kubernetes minor version like "1.35"';
    const minor = Number(match[1]);
    if (minor < EKS_VERSIONS.oldest) return `must be 1.${EKS_VERSIONS.oldest} or later (PreferSameNode and pod topology labels need it)`;
    if (minor > EKS_VERSIONS.newest) return `must be at most 1.${EKS_VERSIONS.newest}, the newest version EKS supports`;
    return undefined;
}

// ---- CIDRs of the public API endpoint ----

export const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
export const IPV4_CIDR_ALLOWED = "must be IPv4 CIDRs like 203.0.113.0/24";

/** Why this IPv4 CIDR is not a network block, or undefined when it is. */
export function cidrBlockError(cidr: string): string | undefined {
    if (!IPV4_CIDR.test(cidr)) return IPV4_CIDR_ALLOWED;
    const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
    const prefix = cidr.split("/")[1];
    return cidr.startsWith(`${network}/`) ? undefined : `must be a network address: the /${prefix} block holding ${cidr.split("/")[0]} is ${network}/${prefix}`;
}

/** Whether these (valid) IPv4 CIDRs together cover every address, as 0.0.0.0/0 does. */
export function coverEveryAddress(cidrs: string[]): boolean {
    const ranges = cidrs.map(cidr => {
        const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
        const start = address.toByteArray().reduce((n, octet) => n * 256 + octet, 0);
        return [start, start + 2 ** (32 - prefix)] as const;
    }).sort((a, b) => a[0] - b[0]);
    let covered = 0;
    for (const [start, end] of ranges) {
        if (start > covered) return false;
        covered = Math.max(covered, end);
    }
    return covered === 2 ** 32;
}
