/**
 * Runs component constructors under Pulumi's mock runtime and returns every resource they
 * registered with the inputs the component declared. Mock ids and ARNs are derived from type
 * and name (`SecurityGroup/web-alb`), so a test can tell which resource an input points at.
 */
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";

export interface Registration {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

// Not in the public typings: drains outstanding registrations (what disconnect() waits for).
const waitForRPCs = (settings as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs;

export const mockId = (type: string, name: string) => `${type.split(":").pop()}/${name}`;

export async function recordRegistrations(declare: () => void): Promise<Registration[]> {
    const registrations: Registration[] = [];
    await pulumi.runtime.setMocks({
        newResource: ({ type, name, inputs }) => {
            registrations.push({ type, name, inputs });
            const id = mockId(type, name);
            return {
                id,
                state: { ...inputs, arn: `arn:aws:mock:us-east-1:111122223333:${id}`, name: inputs.name ?? name, dnsName: `${name}.elb.mock` },
            };
        },
        call: ({ token, inputs }) =>
            token === "aws:index/getRegion:getRegion" ? { region: "us-east-1", name: "us-east-1", id: "us-east-1" } : inputs,
    }, "cross-az-platform", "test", false);
    declare();
    await waitForRPCs();
    return registrations;
}

/** Resolves an Output (a component's public field) under the mock runtime. */
export const valueOf = <T>(output: pulumi.Output<T>): Promise<T> => new Promise(resolve => output.apply(resolve));

/** The registrations of one type (a type token such as aws:ec2/securityGroup:SecurityGroup). */
export const ofType = (registrations: Registration[], type: string) => registrations.filter(r => r.type === type);

/** The one registration of this type and name; fails the test if absent. */
export function find(registrations: Registration[], type: string, name: string): Registration {
    const found = registrations.find(r => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; registered: ${registrations.map(r => `${r.type} ${r.name}`).join(", ")}`);
    return found;
}
