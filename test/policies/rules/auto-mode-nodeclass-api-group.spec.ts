import assert from "node:assert/strict";
import { autoModeNodeclassApiGroup } from "../../../policies/rules/auto-mode-nodeclass-api-group";
import { Fixture, runPolicies, UNKNOWN } from "../harness";

const nodeClass = (apiVersion: string, kind: string): Fixture => ({
    type: `kubernetes:${apiVersion}:${kind}`, name: "default",
    props: { apiVersion, kind, metadata: { name: "default" }, spec: { role: "eks-node-role", subnetSelectorTerms: [{ tags: { tier: "private" } }] } },
});
const nodePool = (group: string): Fixture => ({
    type: "kubernetes:karpenter.sh/v1:NodePool", name: "graviton",
    props: { metadata: { name: "graviton" }, spec: { template: { spec: { nodeClassRef: { group, kind: "NodeClass", name: "default" } } } } },
});

/** An EKS cluster as `new aws.eks.Cluster(...)` declares it; `autoMode` sets computeConfig.enabled. */
const cluster = (autoMode: unknown): Fixture => ({
    type: "aws:eks/cluster:Cluster", name: "cluster",
    props: { roleArn: UNKNOWN, vpcConfig: { subnetIds: UNKNOWN }, ...(autoMode === undefined ? {} : { computeConfig: { enabled: autoMode } }) },
});

/** Runs the policy over the fixture in a stack with an Auto Mode cluster (or the given cluster). */
async function messages(fixture: Fixture, withCluster: Fixture = cluster(true)) {
    return (await runPolicies([autoModeNodeclassApiGroup], [withCluster, fixture])).diagnostics.map(d => d.message);
}

describe("policies/rules/auto-mode-nodeclass-api-group", () => {
    it("passes an eks.amazonaws.com/v1 NodeClass (CustomResource type token) and a NodePool pointing at it", async () => {
        assert.deepEqual(await messages(nodeClass("eks.amazonaws.com/v1", "NodeClass")), []);
        assert.deepEqual(await messages(nodePool("eks.amazonaws.com")), []);
    });
    it("rejects a karpenter.k8s.aws EC2NodeClass", async () => {
        assert.match((await messages(nodeClass("karpenter.k8s.aws/v1", "EC2NodeClass")))[0], /EC2NodeClass 'default' uses karpenter\.k8s\.aws\/v1.*Fix: declare apiVersion eks\.amazonaws\.com\/v1, kind NodeClass/);
    });
    it("rejects a NodePool whose nodeClassRef group is karpenter.k8s.aws", async () => {
        assert.match((await messages(nodePool("karpenter.k8s.aws")))[0], /NodePool 'graviton' references a NodeClass in karpenter\.k8s\.aws.*Fix: set spec\.template\.spec\.nodeClassRef\.group: eks\.amazonaws\.com/);
    });
    it("is silent on an unknown nodeClassRef group", async () => {
        assert.deepEqual(await messages(nodePool(UNKNOWN)), []);
    });
    it("leaves Karpenter's EC2NodeClass alone where the stack declares no Auto Mode cluster (self-managed Karpenter, or a cluster elsewhere)", async () => {
        for (const other of [cluster(undefined), cluster(false), cluster(UNKNOWN)]) {
            assert.deepEqual(await messages(nodeClass("karpenter.k8s.aws/v1", "EC2NodeClass"), other), []);
            assert.deepEqual(await messages(nodePool("karpenter.k8s.aws"), other), []);
        }
        assert.deepEqual((await runPolicies([autoModeNodeclassApiGroup], [nodeClass("karpenter.k8s.aws/v1", "EC2NodeClass")])).diagnostics, []);
    });
    it("judges a @pulumi/eks cluster with autoMode enabled", async () => {
        const eksCluster: Fixture = { type: "eks:index:Cluster", name: "cluster", props: { autoMode: { enabled: true } } };
        assert.equal((await messages(nodeClass("karpenter.k8s.aws/v1", "EC2NodeClass"), eksCluster)).length, 1);
    });
});
