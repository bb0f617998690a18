/**
 * Offline answers for what a real program asks the engine and its providers: invokes get
 * realistic values (AZs, region, account, partition, rendered IAM policy JSON, parsed YAML),
 * and every custom resource gets a deterministic fake id and the outputs programs commonly read
 * (arn, name, endpoint), so references between resources resolve as they would after an update.
 * With newStack, nothing exists yet: resources get no id and no outputs beyond their inputs, so
 * every reference is unknown, as in the first `pulumi preview` of a stack.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { parseAllDocuments } from "yaml";

/** The account id every fake ARN carries (AWS's documentation account). */
export const FAKE_ACCOUNT_ID = "123456789012";

export interface OfflineMocksOptions {
    /** AWS region the stack config names (aws:region); default us-east-1. */
    region: string;
    /** Called once per invoke token the mocks have no offline answer for. */
    onUnansweredInvoke?: (token: string) => void;
    /** A stack with nothing deployed: no ids, no computed outputs (resources read by id keep theirs). */
    newStack?: boolean;
}

/** Id prefixes AWS uses for EC2 networking resources, so fake ids read like real ones. */
const EC2_ID_PREFIXES: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/route:Route": "r",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
};

/** Resource types whose AWS id is their ARN. */
const ARN_IS_ID = /^aws:(lb|alb|elasticloadbalancingv2)\/(targetGroup|loadBalancer|listener|listenerRule):/;

const hex = (text: string, length: number) => createHash("sha256").update(text).digest("hex").slice(0, length);

export class OfflineMocks implements pulumi.runtime.Mocks {
    private readonly seen = new Map<string, number>();
    private readonly unanswered = new Set<string>();

    constructor(private readonly options: OfflineMocksOptions) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        // Under preview, an answer without an id leaves the id and every output not in state unknown.
        if (!args.custom || (this.options.newStack && !args.id)) return { id: undefined, state: args.inputs };
        // Same type and name under different parents is legal; the occurrence count keeps ids apart.
        const key = `${args.type}::${args.name}`;
        const occurrence = (this.seen.get(key) ?? 0) + 1;
        this.seen.set(key, occurrence);
        const seed = `${key}#${occurrence}`;
        const id = args.id || this.fakeId(args.type, args.name, seed);
        return { id, state: { ...args.inputs, ...this.fakeOutputs(args.type, args.name, id, args.inputs, seed) } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const region = this.options.region;
        switch (args.token) {
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const letters = ["a", "b", "c", "d", "e", "f"];
                return {
                    id: region,
                    names: letters.map(l => `${region}${l}`),
                    zoneIds: letters.map((_, i) => `${regionCode(region)}-az${i + 1}`),
                    groupNames: [region],
                    state: args.inputs.state ?? "available",
                };
            }
            case "aws:index/getRegion:getRegion":
                return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    id: FAKE_ACCOUNT_ID, accountId: FAKE_ACCOUNT_ID,
                    arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:user/offline-preview`, userId: "AIDAOFFLINEPREVIEW",
                };
            case "aws:index/getPartition:getPartition":
                return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
            case "aws:iam/getPolicyDocument:getPolicyDocument": {
                const document = renderPolicyDocument(args.inputs);
                return { id: hex(JSON.stringify(document), 10), json: JSON.stringify(document, null, 2), minifiedJson: JSON.stringify(document) };
            }
            case "kubernetes:yaml:decode":
                return { result: decodeYaml(String(args.inputs.text ?? "")) };
            default:
                if (!this.unanswered.has(args.token)) {
                    this.unanswered.add(args.token);
                    this.options.onUnansweredInvoke?.(args.token);
                }
                return args.inputs;
        }
    }

    private fakeId(type: string, name: string, seed: string): string {
        const prefix = EC2_ID_PREFIXES[type];
        if (prefix) return `${prefix}-${hex(seed, 17)}`;
        if (ARN_IS_ID.test(type)) return this.arn(type, name, seed);
        return `${name}-${hex(seed, 8)}`;
    }

    private arn(type: string, name: string, seed: string): string {
        const service = awsService(type);
        const kind = resourceKind(type);
        return `arn:aws:${service}:${this.options.region}:${FAKE_ACCOUNT_ID}:${kind}/${name}/${hex(seed, 16)}`;
    }

    /** Outputs a program may read before they exist: AWS resources get arn and name; EKS clusters an endpoint; NAT gateways their interface, subnets their AZ id. */
    private fakeOutputs(type: string, name: string, id: string, inputs: Record<string, any>, seed: string): Record<string, any> {
        if (type.startsWith("kubernetes:")) {
            const metadata = { ...(inputs.metadata ?? {}) };
            metadata.name ??= `${name}-${hex(seed, 8)}`;
            return { metadata };
        }
        if (!type.startsWith("aws:")) return {};
        const outputs: Record<string, any> = {
            arn: id.startsWith("arn:") ? id : this.arn(type, name, seed),
            name: inputs.name ?? `${name}-${hex(seed, 7)}`,
        };
        if (type === "aws:eks/cluster:Cluster") {
            outputs.endpoint = `https://${hex(seed, 32).toUpperCase()}.gr7.${this.options.region}.eks.amazonaws.com`;
            outputs.certificateAuthority = { data: Buffer.from(`offline-ca-${hex(seed, 16)}`).toString("base64") };
            outputs.identities = [{ oidcs: [{ issuer: `https://oidc.eks.${this.options.region}.amazonaws.com/id/${hex(seed, 32).toUpperCase()}` }] }];
            outputs.status = "ACTIVE";
        }
        if (/^aws:(lb|alb|elasticloadbalancingv2)\/loadBalancer:/.test(type)) {
            outputs.dnsName = `${outputs.name}-${hex(seed, 10)}.${this.options.region}.elb.amazonaws.com`;
            outputs.arnSuffix = id.split(":loadbalancer/").pop();
        }
        if (type === "aws:ec2/eip:Eip") outputs.allocationId = id;
        if (type === "aws:ec2/natGateway:NatGateway") outputs.networkInterfaceId = `eni-${hex(seed, 17)}`;
        if (type === "aws:ec2/subnet:Subnet" && typeof inputs.availabilityZone === "string") {
            outputs.availabilityZoneId = `${regionCode(this.options.region)}-az${"abcdef".indexOf(inputs.availabilityZone.slice(-1)) + 1}`;
        }
        return outputs;
    }
}

/** "us-east-1" -> "use1", the prefix of AZ ids. */
function regionCode(region: string): string {
    const [area, direction = "", number = ""] = region.split("-");
    return `${area}${direction.charAt(0)}${number}`;
}

/** "aws:ec2/vpc:Vpc" -> "ec2". */
const awsService = (type: string) => type.split(":")[1].split("/")[0];
/** "aws:lb/targetGroup:TargetGroup" -> "targetgroup". */
const resourceKind = (type: string) => (type.split(":")[2] ?? "resource").toLowerCase();

/** Parses a multi-document YAML text the way the Kubernetes provider's decode invoke does: every non-empty document, in order. */
export function decodeYaml(text: string): unknown[] {
    const documents = parseAllDocuments(text);
    const objects: unknown[] = [];
    for (const document of documents) {
        if (document.errors.length > 0) throw new Error(`YAML: ${document.errors[0].message}`);
        const value = document.toJS();
        if (value !== null && value !== undefined) objects.push(value);
    }
    return objects;
}

interface PolicyStatementArgs {
    sid?: string;
    effect?: string;
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    principals?: { type: string; identifiers: string[] }[];
    notPrincipals?: { type: string; identifiers: string[] }[];
    conditions?: { test: string; variable: string; values: string[] }[];
}

/**
 * Renders aws.iam.getPolicyDocument's arguments to the JSON the provider returns: single-item
 * lists collapse to a string, principals and conditions become maps, statements of
 * sourcePolicyDocuments come first and overridePolicyDocuments replace statements by Sid.
 */
export function renderPolicyDocument(inputs: Record<string, any>): Record<string, unknown> {
    const one = (values: string[] | undefined) => values === undefined || values.length === 0 ? undefined
        : values.length === 1 ? values[0] : [...values];
    const principalMap = (principals: PolicyStatementArgs["principals"]) => {
        if (!principals || principals.length === 0) return undefined;
        if (principals.length === 1 && principals[0].type === "*") return "*";
        return Object.fromEntries(principals.map(p => [p.type, one(p.identifiers)]));
    };
    const conditionMap = (conditions: PolicyStatementArgs["conditions"]) => {
        if (!conditions || conditions.length === 0) return undefined;
        const result: Record<string, Record<string, unknown>> = {};
        for (const c of conditions) (result[c.test] ??= {})[c.variable] = one(c.values);
        return result;
    };
    const render = (s: PolicyStatementArgs) => withoutUndefined({
        Sid: s.sid,
        Effect: s.effect ?? "Allow",
        Action: one(s.actions),
        NotAction: one(s.notActions),
        Resource: one(s.resources),
        NotResource: one(s.notResources),
        Principal: principalMap(s.principals),
        NotPrincipal: principalMap(s.notPrincipals),
        Condition: conditionMap(s.conditions),
    });
    const fromDocuments = (documents: unknown) => ((documents as string[] | undefined) ?? [])
        .flatMap(d => { const statements = JSON.parse(d).Statement ?? []; return Array.isArray(statements) ? statements : [statements]; });
    let statements: Record<string, unknown>[] = [...fromDocuments(inputs.sourcePolicyDocuments), ...((inputs.statements ?? []) as PolicyStatementArgs[]).map(render)];
    for (const override of fromDocuments(inputs.overridePolicyDocuments)) {
        const index = override.Sid ? statements.findIndex(s => s.Sid === override.Sid) : -1;
        statements = index >= 0 ? statements.map((s, i) => i === index ? override : s) : [...statements, override];
    }
    return withoutUndefined({ Version: inputs.version ?? "2012-10-17", Id: inputs.policyId, Statement: statements });
}

function withoutUndefined<T extends Record<string, unknown>>(object: T): T {
    return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
