import assert from "node:assert/strict";
import { internalTrafficPolicyLocal } from "../../../policies/rules/internal-traffic-policy-local";
import { Fixture, runPolicies, UNKNOWN } from "../harness";

const service = (selector: unknown, internalTrafficPolicy = "Local"): Fixture => ({
    type: "kubernetes:core/v1:Service", name: "node-agent",
    props: { metadata: { name: "node-agent", namespace: "ops" }, spec: { selector, internalTrafficPolicy, ports: [{ port: 9100 }] } },
});
const workload = (kind: string, labels: unknown, namespace = "ops"): Fixture => ({
    type: `kubernetes:apps/v1:${kind}`, name: `${kind.toLowerCase()}-agent`,
    props: { metadata: { name: "agent", namespace }, spec: { selector: { matchLabels: { app: "agent" } }, template: { metadata: { labels }, spec: { containers: [] } } } },
});

async function messages(list: Fixture[]) {
    return (await runPolicies([internalTrafficPolicyLocal], list)).diagnostics.map(d => d.message);
}

describe("policies/rules/internal-traffic-policy-local", () => {
    it("passes Local on a DaemonSet-backed Service and ignores Cluster", async () => {
        assert.deepEqual(await messages([service({ app: "agent" }), workload("DaemonSet", { app: "agent", tier: "node" })]), []);
        assert.deepEqual(await messages([service({ app: "agent" }, "Cluster"), workload("Deployment", { app: "agent" })]), []);
    });
    it("flags Local on a Deployment-backed Service", async () => {
        const [message] = await messages([service({ app: "agent" }), workload("Deployment", { app: "agent" })]);
        assert.match(message, /Service ops\/node-agent sets internalTrafficPolicy: Local but selects no DaemonSet pods.*Fix: use spec\.trafficDistribution: PreferSameZone/);
    });
    it("does not count a DaemonSet in another namespace", async () => {
        assert.equal((await messages([service({ app: "agent" }), workload("DaemonSet", { app: "agent" }, "kube-system")])).length, 1);
    });
    it("reports what no unknown could change: no DaemonSet could match, whatever the unknown values are", async () => {
        assert.equal((await messages([service({ app: UNKNOWN })])).length, 1, "no DaemonSet in the stack");
        assert.equal((await messages([service({ app: UNKNOWN }), workload("DaemonSet", { tier: "node" })])).length, 1, "the DaemonSet has no app label");
        const elsewhere = workload("DaemonSet", { app: "collector" });
        elsewhere.props.metadata.namespace = UNKNOWN;
        assert.equal((await messages([service({ app: "agent" }), elsewhere])).length, 1, "unknown namespace, labels surely differ");
        const maybe = workload("DaemonSet", { app: "agent" });
        maybe.props.metadata.namespace = UNKNOWN;
        assert.deepEqual(await messages([service({ app: "agent" }), maybe]), [], "unknown namespace, labels match");
    });
    it("leaves Services with an empty selector, or one that is no label map, to whoever manages their endpoints", async () => {
        for (const selector of [{}, "app=agent", ["agent"], null, 3]) assert.deepEqual(await messages([service(selector)]), [], JSON.stringify(selector));
    });
    it("reads DaemonSet labels that are no label map as no labels, and only own labels", async () => {
        for (const labels of ["app=agent", ["agent"], null]) assert.equal((await messages([service({ app: "agent" }), workload("DaemonSet", labels)])).length, 1, JSON.stringify(labels));
        assert.equal((await messages([service({ toString: UNKNOWN }), workload("DaemonSet", {})])).length, 1, "Object.prototype's toString is no label");
        assert.deepEqual(await messages([service({ app: "agent" }), workload("DaemonSet", { app: "other" }), workload("DaemonSet", { app: UNKNOWN }, "ops")]), [], "a label value that might be agent");
    });
    it("is silent when the selector or DaemonSet labels are unknown", async () => {
        assert.deepEqual(await messages([service(UNKNOWN)]), []);
        assert.deepEqual(await messages([service({ app: UNKNOWN }), workload("DaemonSet", { app: "agent" })]), [], "an unknown selector value a DaemonSet's label could equal");
        assert.deepEqual(await messages([service({ app: "agent" }), workload("DaemonSet", UNKNOWN)]), []);
        for (const path of [["spec"], ["spec", "template"], ["spec", "template", "metadata"]]) {
            const daemonSet = workload("DaemonSet", { app: "agent" });
            const parent = path.slice(0, -1).reduce((object: any, key) => object[key], daemonSet.props);
            parent[path[path.length - 1]] = UNKNOWN;
            assert.deepEqual(await messages([service({ app: "agent" }), daemonSet]), [], `unknown ${path.join(".")}`);
        }
    });
    it("takes either side's namespace from its Kubernetes provider, and is silent while that is unknown", async () => {
        const daemonSet = workload("DaemonSet", { app: "agent" });
        delete daemonSet.props.metadata.namespace;
        daemonSet.provider = { type: "pulumi:providers:kubernetes", name: "ops", props: { namespace: "ops" } };
        assert.deepEqual(await messages([service({ app: "agent" }), daemonSet]), []);
        daemonSet.provider.props.namespace = "logging";
        assert.equal((await messages([service({ app: "agent" }), daemonSet])).length, 1);
        daemonSet.provider.props.namespace = UNKNOWN;
        assert.deepEqual(await messages([service({ app: "agent" }), daemonSet]), []);
    });
});
