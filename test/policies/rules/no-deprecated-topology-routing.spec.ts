import assert from "node:assert/strict";
import { noDeprecatedTopologyRouting } from "../../../policies/rules/no-deprecated-topology-routing";
import { Fixture, runPolicies, UNKNOWN_OBJECT } from "../harness";

const service = (annotations: Record<string, string> | string, trafficDistribution = "PreferSameZone"): Fixture =>
    ({ type: "kubernetes:core/v1:Service", name: "api", props: { metadata: { name: "api", annotations }, spec: { trafficDistribution, ports: [{ port: 80 }] } } });

async function messages(fixture: Fixture) {
    return (await runPolicies([noDeprecatedTopologyRouting], [fixture])).diagnostics.map(d => d.message);
}

describe("policies/rules/no-deprecated-topology-routing", () => {
    it("passes a Service on PreferSameZone without topology annotations", async () => {
        assert.deepEqual(await messages(service({})), []);
    });
    it("flags the topology-mode annotation with the replacement", async () => {
        assert.match((await messages(service({ "service.kubernetes.io/topology-mode": "Auto" })))[0], /deprecated annotation service\.kubernetes\.io\/topology-mode.*Fix: remove it and set spec\.trafficDistribution: PreferSameZone/);
    });
    it("flags the topology-aware-hints annotation", async () => {
        assert.match((await messages(service({ "service.kubernetes.io/topology-aware-hints": "auto" })))[0], /topology-aware-hints/);
    });
    it("flags PreferClose with PreferSameZone as the replacement", async () => {
        assert.match((await messages(service({}, "PreferClose")))[0], /PreferClose, the deprecated alias.*Fix: set spec\.trafficDistribution: PreferSameZone/);
    });
    it("is silent on unknown annotations and trafficDistribution", async () => {
        assert.deepEqual(await messages(service(UNKNOWN_OBJECT, UNKNOWN_OBJECT)), []);
    });
});
