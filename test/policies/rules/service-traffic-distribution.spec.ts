import assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { serviceTrafficDistribution } from "../../../policies/rules/service-traffic-distribution";
import { Fixture, PackConfig, remediate, runPolicies, UNKNOWN, validatePolicyConfig } from "../harness";

const service = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: "api", namespace: "shop" }): Fixture => {
    const props: k8s.core.v1.ServiceArgs = { metadata, spec: { selector: { app: "api" }, ports: [{ port: 80 }], ...spec } };
    return { type: "kubernetes:core/v1:Service", name: "api", props: props as Record<string, any> };
};

async function messages(fixture: Fixture, config?: PackConfig) {
    const { diagnostics } = await runPolicies([serviceTrafficDistribution], [fixture], { config });
    return diagnostics.map(d => d.message);
}

describe("policies/rules/service-traffic-distribution", () => {
    it("passes PreferSameZone, PreferSameNode and PreferClose for every routed Service type", async () => {
        for (const type of [undefined, "ClusterIP", "NodePort", "LoadBalancer"]) {
            for (const trafficDistribution of ["PreferSameZone", "PreferSameNode", "PreferClose"]) {
                assert.deepEqual(await messages(service({ type, trafficDistribution })), []);
            }
        }
    });

    it("rejects a Service without trafficDistribution (default ClusterIP), typed and from YAML", async () => {
        const [message] = await messages(service({}));
        assert.match(message, /Service shop\/api has no spec\.trafficDistribution: .*\(N-1\)\/N chance to cross zones at \$0\.02\/GB round trip\. Fix: set spec\.trafficDistribution: PreferSameZone/);
        const yaml = service({ type: "NodePort" });
        yaml.props = { apiVersion: "v1", kind: "Service", ...yaml.props };
        assert.equal((await messages(yaml)).length, 1);
    });

    it("rejects an unrecognised trafficDistribution value, showing it as a value", async () => {
        assert.match((await messages(service({ type: "LoadBalancer", trafficDistribution: "Random" })))[0], /has spec\.trafficDistribution 'Random':/);
        assert.match((await messages(service({ trafficDistribution: { mode: "PreferSameZone" } })))[0], /has spec\.trafficDistribution an object:/);
        assert.match((await messages(service({ trafficDistribution: 3 })))[0], /has spec\.trafficDistribution 3:/);
    });

    it("exempts headless and ExternalName Services", async () => {
        assert.deepEqual(await messages(service({ clusterIP: "None" })), []);
        assert.deepEqual(await messages(service({ type: "ExternalName", externalName: "db.example.com" })), []);
    });

    it("exempts Services without a selector: their EndpointSlices are not the controller's to hint", async () => {
        assert.deepEqual(await messages(service({ selector: undefined })), []);
        assert.deepEqual(await messages(service({ selector: {} })), []);
        assert.deepEqual(await messages(service({ selector: UNKNOWN })), [], "unknown selector: silent");
        for (const selector of ["app=api", 1, null]) assert.deepEqual(await messages(service({ selector })), [], `a selector that is no label map: ${selector}`);
    });

    it("takes the namespace from the Kubernetes provider when metadata has none", async () => {
        const inApps = service({}, { name: "api" });
        inApps.provider = { type: "pulumi:providers:kubernetes", name: "apps", props: { namespace: "apps" } };
        assert.match((await messages(inApps))[0], /^.*\nService apps\/api has no spec\.trafficDistribution/);
        const config: PackConfig = { "service-traffic-distribution": { exemptServices: [{ name: "api", namespace: "apps", reason: "a test exemption" }] } };
        assert.deepEqual(await messages(inApps, config), [], "exempt in the provider's namespace");
        inApps.provider.props.namespace = UNKNOWN;
        assert.deepEqual(await messages(inApps, config), [], "unknown provider namespace, an exemption of that name: silent");
        assert.match((await messages(inApps))[0], /Service <a namespace known only after deployment>\/api has no spec\.trafficDistribution/, "unknown provider namespace, no exemption: the finding");
        assert.match((await messages(service({}, { name: "api" })))[0], /Service default\/api has no/, "no provider namespace: default");
    });

    it("is silent when spec, type, clusterIP or trafficDistribution is unknown", async () => {
        assert.deepEqual(await messages(service({ trafficDistribution: UNKNOWN })), []);
        assert.deepEqual(await messages(service({ type: UNKNOWN })), []);
        assert.deepEqual(await messages(service({ clusterIP: UNKNOWN })), []);
        const f = service({});
        f.props.spec = UNKNOWN;
        assert.deepEqual(await messages(f), []);
    });

    describe("exemptServices", () => {
        const exempt = { name: "zone-echo-baseline", namespace: "crossaz-measurement", reason: "random-routing baseline for the measurement" };
        const baseline = service({}, { name: "zone-echo-baseline", namespace: "crossaz-measurement" });

        it("exempts the named Service in its namespace only", async () => {
            const config: PackConfig = { "service-traffic-distribution": { enforcementLevel: "mandatory", exemptServices: [exempt] } };
            assert.deepEqual(await messages(baseline, config), []);
            assert.equal((await messages(service({}, { name: "zone-echo-baseline", namespace: "other" }), config)).length, 1);
        });

        describe("an unknown name or namespace silences the policy only when an exemption could match", () => {
            const config: PackConfig = { "service-traffic-distribution": { exemptServices: [exempt] } };
            // metadata.namespace: ns.metadata.name of an auto-named k8s.core.v1.Namespace, an output during a first preview.
            const inNewNamespace = (name: unknown) => service({}, { name, namespace: UNKNOWN });
            it("reports, and remediates, a Service in a namespace not known yet when no exemption names it", async () => {
                assert.equal((await messages(inNewNamespace("api"))).length, 1);
                assert.equal((await messages(inNewNamespace("api"), config)).length, 1);
                assert.equal((await remediate([serviceTrafficDistribution], inNewNamespace("api"), { config: { "service-traffic-distribution": "remediate" } }))?.spec.trafficDistribution, "PreferSameZone");
                const wholeMetadata = service({});
                wholeMetadata.props.metadata = UNKNOWN;
                assert.equal((await messages(wholeMetadata)).length, 1, "metadata built in an apply, no exemptions");
            });
            it("is silent when an exemption with its name could be in that namespace, or its name is unknown", async () => {
                assert.deepEqual(await messages(inNewNamespace("zone-echo-baseline"), config), []);
                assert.deepEqual(await messages(service({}, { name: UNKNOWN, namespace: "crossaz-measurement" }), config), []);
                const [elsewhere] = await messages(service({}, { name: UNKNOWN, namespace: "shop" }), config);
                assert.match(elsewhere, /Service shop\/<a name known only after deployment; resource 'api'> has no spec\.trafficDistribution/, "unknown name in a namespace no exemption names");
                assert.equal(await remediate([serviceTrafficDistribution], inNewNamespace("zone-echo-baseline"), { config: { "service-traffic-distribution": { enforcementLevel: "remediate", exemptServices: [exempt] } } }), undefined);
            });
        });

        it("accepts the exemption list under the policy's configSchema and rejects a missing or empty reason", () => {
            assert.equal(validatePolicyConfig(serviceTrafficDistribution, { exemptServices: [exempt] }), undefined);
            assert.match(validatePolicyConfig(serviceTrafficDistribution, { exemptServices: [{ name: "x" }] })!, /must have required property 'reason'/);
            assert.match(validatePolicyConfig(serviceTrafficDistribution, { exemptServices: [{ name: "x", reason: "" }] })!, /reason/);
            assert.match(validatePolicyConfig(serviceTrafficDistribution, { exemptServices: [{ name: "x", reason: "   " }] })!, /reason/);
        });
    });

    describe("remediation", () => {
        const config: PackConfig = { "service-traffic-distribution": "remediate" };

        it("sets PreferSameZone when the stack runs the policy at remediate", async () => {
            const fixed = await remediate([serviceTrafficDistribution], service({ type: "NodePort" }), { config });
            assert.equal(fixed?.spec.trafficDistribution, "PreferSameZone");
            assert.equal(fixed?.spec.type, "NodePort");
            assert.deepEqual(await messages({ ...service({}), props: fixed! }), []);
        });

        it("leaves compliant, headless and unknown Services alone, and does nothing at mandatory", async () => {
            assert.equal(await remediate([serviceTrafficDistribution], service({ trafficDistribution: "PreferSameNode" }), { config }), undefined);
            assert.equal(await remediate([serviceTrafficDistribution], service({ clusterIP: "None" }), { config }), undefined);
            assert.equal(await remediate([serviceTrafficDistribution], service({ trafficDistribution: UNKNOWN }), { config }), undefined);
            assert.equal(await remediate([serviceTrafficDistribution], service({})), undefined);
        });

        it("reports a still-violating Service as mandatory when the level is remediate", async () => {
            const { diagnostics } = await runPolicies([serviceTrafficDistribution], [service({})], { config });
            assert.equal(diagnostics[0].enforcementLevel, "mandatory");
        });
    });

    describe("with the stack's traffic in its config", () => {
        it("prices random routing of the stack's east-west volume, and validates traffic and zoneCount", async () => {
            const traffic = { eastWestGbPerMonth: 10_000 };
            const [message] = await messages(service({}), { "service-traffic-distribution": { enforcementLevel: "mandatory", traffic } });
            assert.match(message, /PreferSameZone \(or exempt it .*\)\. If the stack's 10,000 GB\/month of east-west traffic were routed at random over 3 AZs, 67% of it would cross AZs: \$133\.33\/month/);
            assert.equal(validatePolicyConfig(serviceTrafficDistribution, { traffic, zoneCount: 3 }), undefined);
            assert.match(validatePolicyConfig(serviceTrafficDistribution, { traffic: { eastWestGbPerMonth: -1 } })!, /must be >= 0/);
            assert.match(validatePolicyConfig(serviceTrafficDistribution, { zoneCount: 1 })!, /must be >= 2/);
        });
    });
});
