/**
 * Runs program code under Pulumi's mock runtime and records every resource it declares.
 *
 * Mock answers follow one convention, so a test can follow any reference back to what was declared:
 * - id `<Type>/<name>` (`Subnet/net-private-us-east-1a`, `SecurityGroup/web-alb`), unique even where a
 *   VPC and its internet gateway share a name;
 * - arn `arn:aws:mock:us-east-1:111122223333:<id>`;
 * - name: the `name` input, else the logical name with an auto-name suffix (`eks-node-1234567`), so a
 *   test tells a resource's name output from its logical name.
 * A few types answer more: an Elastic IP its allocationId, an ALB its dnsName, an EKS cluster its
 * endpoint, certificate authority and cluster security group, a subnet its AZ id (`use1-az<n>`, the
 * n-th letter of its AZ name, as getAvailabilityZones answers), a NAT gateway its network interface
 * (`eni-<name>`). getCallerIdentity answers account 111122223333.
 */
import * as pulumi from "@pulumi/pulumi";

/** A resource the program declared: what it asked for and the mock id it was given. */
export interface Registration {
    type: string;
    name: string;
    /** Its mock id, `<Type>/<name>` (not answered under `withoutIds`). */
    id: string;
    inputs: Record<string, any>;
    /** "urn::id" of its explicit provider, if any. */
    provider?: string;
    /** Whether it was declared with the `protect` option (itself or inherited from its parent). */
    protect: boolean;
    /** The earlier names its `aliases` option gives (not the type aliases providers add by themselves). */
    aliases: string[];
    /** The state the mocks answered: inputs plus arn, name and the per-type outputs (none under `withoutIds`). */
    outputs: Record<string, any>;
}

export interface DeclareOptions {
    /** Run as a preview (the default) or, with false, as an update. */
    preview?: boolean;
    /** Answer no ids and no outputs, so everything built from another resource is unknown, as in a
     * first preview of a new stack. Preview only. */
    withoutIds?: boolean;
    /** Stack config (`key: value` as the engine passes it, objects as JSON); aws:region is us-east-1. */
    config?: Record<string, string>;
    /** The AZs getAvailabilityZones answers (TEST_AZS unless given). */
    regionAzs?: string[];
}

/** The AZs the mocked region offers unless `regionAzs` says otherwise. */
export const TEST_AZS = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"];

/** The cluster security group every mocked EKS cluster reports. */
export const CLUSTER_SECURITY_GROUP_ID = "sg-0cluster";

// Internal to @pulumi/pulumi, but the only way to know every registration has been answered
// (it is what disconnect() waits for).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getMonitor, waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): any; waitForRPCs(): Promise<void> };

type RecordedOptions = Map<string, Pick<Registration, "protect" | "aliases">>;

/** The mock monitor hands newResource no resource options: read `protect` and `aliases` off each request before it does. */
function recordOptions(options: RecordedOptions): void {
    const monitor = getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request: any, callback: unknown) => {
        options.set(`${request.getType()}::${request.getName()}`, {
            protect: request.getProtect(),
            aliases: request.getAliasesList().map((alias: any) => alias.getSpec()?.getName()).filter((name?: string) => name),
        });
        register(request, callback);
    };
}

/**
 * Runs `program` under fresh mocks and config, waits until every registration has been answered and
 * returns what the program returned with every resource it declared, in registration order.
 */
export async function declare<T>(program: () => T | Promise<T>, options: DeclareOptions = {}): Promise<{ result: T; resources: Registration[] }> {
    const preview = options.preview ?? true;
    if (options.withoutIds && !preview) throw new Error("withoutIds is a preview: an update always has ids");
    const regionAzs = options.regionAzs ?? TEST_AZS;
    const resources: Registration[] = [];
    const recorded: RecordedOptions = new Map();
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", ...options.config });
    await pulumi.runtime.setMocks({
        newResource({ type, name, inputs, provider }) {
            const id = `${type.split(":").pop()}/${name}`;
            const registration: Registration = { type, name, id, inputs, provider, protect: false, aliases: [], outputs: {}, ...recorded.get(`${type}::${name}`) };
            resources.push(registration);
            if (options.withoutIds) return { id: undefined, state: {} };
            const state: Record<string, any> = {
                ...inputs, arn: `arn:aws:mock:us-east-1:111122223333:${id}`, name: inputs.name ?? `${name}-1234567`,
            };
            switch (type) {
                case "aws:ec2/eip:Eip":
                    state.allocationId = `eipalloc-${name}`;
                    break;
                case "aws:ec2/subnet:Subnet":
                    state.availabilityZoneId = `use1-az${"abcdef".indexOf(String(inputs.availabilityZone).slice(-1)) + 1}`;
                    break;
                case "aws:ec2/natGateway:NatGateway":
                    state.networkInterfaceId = `eni-${name}`;
                    break;
                case "aws:lb/loadBalancer:LoadBalancer":
                    state.dnsName = `${name}.elb.mock`;
                    break;
                case "aws:eks/cluster:Cluster":
                    state.endpoint = "https://ABCDEF.gr7.us-east-1.eks.amazonaws.com";
                    state.certificateAuthority = { data: "Q0EtREFUQQ==" };
                    state.vpcConfig = { ...inputs.vpcConfig, clusterSecurityGroupId: CLUSTER_SECURITY_GROUP_ID };
                    break;
            }
            registration.outputs = state;
            return { id, state };
        },
        call({ token, inputs }) {
            switch (token) {
                case "aws:index/getAvailabilityZones:getAvailabilityZones":
                    return { names: regionAzs, zoneIds: regionAzs.map((_, i) => `use1-az${i + 1}`), state: "available" };
                case "aws:index/getRegion:getRegion":
                    return { name: "us-east-1", region: "us-east-1", id: "us-east-1" };
                case "aws:index/getPartition:getPartition":
                    return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { accountId: "111122223333", arn: "arn:aws:iam::111122223333:user/test", userId: "AIDATEST", id: "111122223333" };
                default:
                    return inputs;
            }
        },
    }, "cross-az-platform", "test", preview);
    recordOptions(recorded);
    const result = await program();
    await waitForRPCs();
    return { result, resources };
}

/** The resources of one type token, such as aws:ec2/subnet:Subnet, in registration order. */
export const ofType = (resources: Registration[], type: string) => resources.filter(r => r.type === type);

/** The one resource of this type (and name, if given); fails listing what was declared if there is none or more. */
export function one(resources: Registration[], type: string, name?: string): Registration {
    const matches = resources.filter(r => r.type === type && (name === undefined || r.name === name));
    if (matches.length !== 1) {
        throw new Error(`expected one ${type}${name === undefined ? "" : ` named ${name}`}, found ${matches.length}; declared: ${resources.map(r => `${r.type} ${r.name}`).join(", ")}`);
    }
    return matches[0];
}

/** The resource whose mock id is `id` (say a route's natGatewayId); fails if none or more have it. */
export function byId(resources: Registration[], id: string): Registration {
    const matches = resources.filter(r => r.id === id);
    if (matches.length !== 1) throw new Error(`expected one resource with id ${id}, found ${matches.length}`);
    return matches[0];
}

/** Resolves an output (a component's public field) under the mocks. */
export const valueOf = <T>(output: pulumi.Output<T>): Promise<T> => new Promise(resolve => output.apply(resolve));
