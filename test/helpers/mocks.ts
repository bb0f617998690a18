/**
 * Runs program code under Pulumi's mock runtime and returns what it declared.
 * Every custom resource gets the id `<name>:<Type>` (unique even where a VPC and its internet
 * gateway share a name), so a test follows a reference, say a route's natGatewayId, to the
 * resource that was declared with it. Elastic IPs also get an allocationId.
 */
import * as pulumi from "@pulumi/pulumi";

export interface DeclaredResource {
    type: string;
    name: string;
    id: string;
    inputs: Record<string, any>;
}

export const TEST_AZS = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"];

// Internal to @pulumi/pulumi but the only way to know every registration has been answered.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** Declares resources through `program` under mocks (preview mode unless told otherwise). */
export async function declare<T>(program: () => T | Promise<T>, options: { preview?: boolean; config?: Record<string, string>; regionAzs?: string[] } = {}) {
    const resources: DeclaredResource[] = [];
    const regionAzs = options.regionAzs ?? TEST_AZS;
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", ...options.config });
    await pulumi.runtime.setMocks({
        newResource(args) {
            const id = `${args.name}:${args.type.split(":").pop()}`;
            resources.push({ type: args.type, name: args.name, id, inputs: args.inputs });
            const allocation = args.type === "aws:ec2/eip:Eip" ? { allocationId: `eipalloc-${args.name}` } : {};
            return { id, state: { ...args.inputs, ...allocation, arn: `arn:aws:mock:us-east-1:123456789012:${args.name}` } };
        },
        call(args) {
            switch (args.token) {
                case "aws:index/getAvailabilityZones:getAvailabilityZones":
                    return { names: regionAzs, zoneIds: regionAzs.map((_, i) => `use1-az${i + 1}`), state: "available" };
                case "aws:index/getRegion:getRegion":
                    return { name: "us-east-1", region: "us-east-1", id: "us-east-1" };
                default:
                    return args.inputs;
            }
        },
    }, "cross-az-platform", "test", options.preview ?? true);
    const result = await program();
    await waitForRPCs();
    return { result, resources };
}

export const ofType = (resources: DeclaredResource[], type: string) => resources.filter(r => r.type === type);

/** The declared resource whose mock id is `id`; fails the test when there is none. */
export function byId(resources: DeclaredResource[], id: string): DeclaredResource {
    const found = resources.find(r => r.id === id);
    if (!found) throw new Error(`no declared resource has id ${id}`);
    return found;
}
