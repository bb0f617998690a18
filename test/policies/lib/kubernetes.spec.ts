import assert from "node:assert/strict";
import { isKind, kubernetesKind, podSpecPath } from "../../../policies/lib/kubernetes";

describe("policies/lib/kubernetes", () => {
    it("parses core, grouped and CustomResource type tokens", () => {
        assert.deepEqual(kubernetesKind("kubernetes:core/v1:Service"), { group: "core", version: "v1", kind: "Service" });
        assert.deepEqual(kubernetesKind("kubernetes:eks.amazonaws.com/v1:NodeClass"), { group: "eks.amazonaws.com", version: "v1", kind: "NodeClass" });
        assert.equal(kubernetesKind("kubernetes:yaml:ConfigFile")?.kind, "ConfigFile");
        assert.equal(kubernetesKind("aws:ec2/vpc:Vpc"), undefined);
    });
    it("matches kinds across versions and finds pod specs", () => {
        assert.equal(isKind("kubernetes:networking.k8s.io/v1:Ingress", "networking.k8s.io", "Ingress"), true);
        assert.equal(isKind("kubernetes:core/v1:Service", "apps", "Service"), false);
        assert.deepEqual(podSpecPath("kubernetes:batch/v1:CronJob"), ["spec", "jobTemplate", "spec", "template", "spec"]);
        assert.equal(podSpecPath("kubernetes:core/v1:Service"), undefined);
    });
});
