/**
 * Pulumi mock runtime for the EKS and ZonalService specs: records every registration (type,
 * name, inputs, provider) and answers the few outputs and invokes the components read
 * (role ARNs, the cluster endpoint and security group, partition, region).
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** "urn::id" of the explicit provider, if any. */
    provider?: string;
}

export const MOCK_CLUSTER_SECURITY_GROUP = "sg-0cluster";
export const MOCK_ENDPOINT = "https://ABCDEF.gr7.us-east-1.eks.amazonaws.com";

/**
 * Installs fresh mocks and returns the list that registrations are appended to. withoutIds
 * (with preview) answers no ids, so every input built from another resource's outputs is
 * unknown, as in a first preview of a new stack.
 */
export function recordRegistrations(options: { preview?: boolean; withoutIds?: boolean } = {}): Registration[] {
    const registered: Registration[] = [];
    pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs) {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
            const state: Record<string, any> = { ...args.inputs };
            switch (args.type) {
                case "aws:iam/role:Role":
                    state.name = args.inputs.name ?? `${args.name}-1234567`;
                    state.arn = `arn:aws:iam::111122223333:role/${state.name}`;
                    break;
                case "aws:eks/cluster:Cluster":
                    state.name = args.inputs.name ?? `${args.name}-1234567`;
                    state.endpoint = MOCK_ENDPOINT;
                    state.certificateAuthority = { data: "Q0EtREFUQQ==" };
                    state.vpcConfig = { ...args.inputs.vpcConfig, clusterSecurityGroupId: MOCK_CLUSTER_SECURITY_GROUP };
                    break;
                case "aws:kms/key:Key":
                    state.arn = "arn:aws:kms:us-east-1:111122223333:key/mock";
                    break;
            }
            return { id: options.withoutIds ? undefined : `${args.name}-id`, state: options.withoutIds ? {} : state };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            switch (args.token) {
                case "aws:index/getPartition:getPartition": return { partition: "aws", dnsSuffix: "amazonaws.com" };
                case "aws:index/getRegion:getRegion": return { region: "us-east-1", name: "us-east-1" };
                case "aws:index/getAvailabilityZones:getAvailabilityZones":
                    return { names: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"], zoneIds: ["use1-az1", "use1-az2", "use1-az4", "use1-az6"] };
                default: return args.inputs;
            }
        },
    }, "cross-az-platform", "test", options.preview ?? false);
    return registered;
}

/** Waits until no new registration has arrived for a few ticks (all are started synchronously). */
export async function settle(registered: Registration[]): Promise<void> {
    let quietTicks = 0;
    let seen = -1;
    while (quietTicks < 5) {
        await new Promise(resolve => setTimeout(resolve, 5));
        quietTicks = registered.length === seen ? quietTicks + 1 : 0;
        seen = registered.length;
    }
}

/** Resolves an output (under mocks) to its value. */
export const valueOf = <T>(output: pulumi.Output<T>): Promise<T> => new Promise(resolve => output.apply(resolve));

export const ofType = (registered: Registration[], type: string) => registered.filter(r => r.type === type);

/** The single registration of a type and name; fails loudly if absent or repeated. */
export function one(registered: Registration[], type: string, name?: string): Registration {
    const matches = registered.filter(r => r.type === type && (name === undefined || r.name === name));
    if (matches.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${matches.length}: ${registered.map(r => `${r.type}/${r.name}`).join(", ")}`);
    }
    return matches[0];
}
