import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ofType, one, valueOf } from "./helpers/mocks";
import { runProgram } from "./helpers/stack-program";

describe("index.ts: eks and services wiring", () => {
    it("prod: the cluster, the shop namespace and both services, every Kubernetes resource on the cluster's provider", async () => {
        const { registered, outputs } = await runProgram("prod");
        one(registered, "crossaz:eks:AutoModeCluster", "eks");
        assert.deepEqual(ofType(registered, "crossaz:k8s:ZonalService").map(s => s.name), ["shop-frontend", "shop-backend"]);
        assert.equal(one(registered, "kubernetes:core/v1:Namespace", "namespace-shop").inputs.metadata.name, "shop");
        const provider = one(registered, "pulumi:providers:kubernetes");
        for (const resource of registered.filter(r => r.type.startsWith("kubernetes:"))) {
            assert.match(resource.provider ?? "", new RegExp(`::${provider.name}::${provider.id}$`), `${resource.type} ${resource.name}`);
        }
        // The cluster sits in the network's private subnets.
        const privateSubnets = ofType(registered, "aws:ec2/subnet:Subnet").filter(s => s.name.includes("-private-")).map(s => s.id);
        assert.deepEqual(one(registered, "aws:eks/cluster:Cluster").inputs.vpcConfig.subnetIds, privateSubnets);
        assert.deepEqual(outputs.serviceHosts, ["frontend.shop.svc.cluster.local", "backend.shop.svc.cluster.local"]);
        assert.equal(await pulumi.isSecret(outputs.kubeconfig), true);
        assert.equal(await valueOf(outputs.eksClusterName as pulumi.Output<string>), "cross-az-platform-test-eks");
    });

    it("prod: the measurement runs on the cluster over the network's zones and exports its kubectl commands", async () => {
        const { registered, outputs } = await runProgram("prod");
        one(registered, "crossaz:k8s:CrossAzMeasurement", "measurement");
        assert.equal(one(registered, "kubernetes:core/v1:Namespace", "measurement-namespace").inputs.metadata.name, "crossaz-measurement");
        const echo = one(registered, "kubernetes:apps/v1:Deployment", "measurement-zone-echo");
        assert.equal(echo.inputs.spec.template.spec.topologySpreadConstraints[0].minDomains, 3);
        const commands = outputs.measurementCommands as Record<string, string>;
        assert.equal(commands.report, "kubectl -n crossaz-measurement logs job/crossaz-measure");
    });

    it("dev: no cluster and nothing in Kubernetes", async () => {
        const { registered, outputs } = await runProgram("dev");
        assert.equal(ofType(registered, "aws:eks/cluster:Cluster").length, 0);
        assert.equal(registered.filter(r => r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes").length, 0);
        for (const key of ["eksClusterName", "kubeconfig", "serviceHosts", "measurementCommands"]) {
            assert.equal(key in outputs, false, `${key} is not a dev output`);
        }
    });
});
