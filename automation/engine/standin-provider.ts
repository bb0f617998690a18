/**
 * A stand-in for the `aws` or `kubernetes` resource provider plugin, for running the real Pulumi
 * engine with no cloud: a test double of the cloud, nothing more. It accepts every resource of its
 * package, answers invokes with the offline preview's answers (automation/preview/mocks.ts), and
 * on `up` gives each resource the fake id and outputs the mock runtime gives it.
 *
 * Usage (the engine starts it through the launcher engine:setup installs):
 *   standin-provider.ts <aws|kubernetes> <engine args...>
 * Nothing may reach stdout before the server prints its port: the engine reads the port from it.
 */
import * as provider from "@pulumi/pulumi/provider";
import { OfflineMocks } from "../preview/mocks";

const PACKAGES = ["aws", "kubernetes"] as const;
type StandInPackage = typeof PACKAGES[number];

/** The provider's version is its SDK's, so the engine finds it at the version programs ask for. */
export function standInVersion(pkg: StandInPackage): string {
    return (require(`@pulumi/${pkg}/package.json`) as { version: string }).version;
}

/** `urn:pulumi:<stack>::<project>::<parent$...$type>::<name>` -> its type and name. */
function typeAndName(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    return { type: parts[2].split("$").pop()!, name: parts.slice(3).join("::") };
}

/** gRPC Structs cannot carry `undefined`; JSON drops it as the engine would. */
const plain = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value ?? {}));

export function standInProvider(pkg: StandInPackage, providerConfig: Record<string, string>): provider.Provider {
    const mocks = new OfflineMocks({
        region: providerConfig.region ?? "us-east-1",
        onUnansweredInvoke: token => process.stderr.write(`stand-in ${pkg}: no offline answer for ${token}; returning its arguments\n`),
    });
    const stateOf = (urn: string, inputs: Record<string, unknown>, id?: string) =>
        mocks.newResource({ ...typeAndName(urn), inputs, custom: true, id, provider: "" } as never);
    return {
        version: standInVersion(pkg),
        // No check and no diff: inputs pass as given and the engine diffs them itself.
        async create(urn, inputs) {
            const { id, state } = stateOf(urn, inputs);
            return { id: id!, outs: plain(state) };
        },
        // `.get()` reads a resource by id (its outputs are made up like a create's); refresh keeps what it has.
        async read(id, urn, props) {
            return { id, props: plain({ ...stateOf(urn, props ?? {}, id).state, ...props }) };
        },
        // Computed outputs (arn, endpoint, ...) stay as they were; the new inputs replace the old ones.
        async update(_id, _urn, olds, news) {
            return { outs: plain({ ...olds, ...news }) };
        },
        async delete() { /* nothing exists to delete */ },
        async invoke(token, inputs) {
            return { outputs: plain(mocks.call({ token, inputs, provider: "" } as never)) };
        },
    };
}

if (require.main === module) {
    const [pkg, ...engineArgs] = process.argv.slice(2);
    if (!PACKAGES.includes(pkg as StandInPackage)) {
        process.stderr.write(`stand-in provider: package must be ${PACKAGES.join(" or ")}, got ${pkg ?? "nothing"}\n`);
        process.exit(2);
    }
    // The engine passes the stack's config of this package as JSON, e.g. {"region":"us-east-1"}.
    const providerConfig = JSON.parse(process.env.PULUMI_CONFIG || "{}") as Record<string, string>;
    void provider.main(standInProvider(pkg as StandInPackage, providerConfig), engineArgs);
}
