import assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { zoneSpread } from "../../../policies/rules/zone-spread";
import { Fixture, PackConfig, runPolicies, UNKNOWN } from "../harness";

const zone = "topology.kubernetes.io/zone";
const workload = (kind: "Deployment" | "StatefulSet", replicas: unknown, constraints?: unknown): Fixture => {
    const props: k8s.apps.v1.DeploymentArgs = {
        metadata: { name: "api", namespace: "shop" },
        spec: {
            replicas: replicas as number, selector: { matchLabels: { app: "api" } },
            template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "api:1" }], topologySpreadConstraints: constraints as any } },
        },
    };
    return { type: `kubernetes:apps/v1:${kind}`, name: "api", props: props as Record<string, any> };
};
const spread = (minDomains?: unknown) => [{ topologyKey: zone, maxSkew: 1, whenUnsatisfiable: "DoNotSchedule", minDomains, labelSelector: { matchLabels: { app: "api" } } }];

const hpa = (minReplicas: unknown, target: Record<string, unknown> = { kind: "Deployment", name: "api" }, namespace = "shop"): Fixture => ({
    type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", name: "api-hpa",
    props: { metadata: { name: "api", namespace }, spec: { scaleTargetRef: { apiVersion: "apps/v1", ...target }, minReplicas, maxReplicas: 9 } },
});

async function messages(fixture: Fixture | Fixture[], config?: PackConfig) {
    return (await runPolicies([zoneSpread], [fixture].flat(), { config })).diagnostics.map(d => d.message);
}

describe("policies/rules/zone-spread", () => {
    for (const kind of ["Deployment", "StatefulSet"] as const) {
        it(`passes a ${kind} spread on the zone key with minDomains 3, and single-replica ones`, async () => {
            assert.deepEqual(await messages(workload(kind, 3, spread(3))), []);
            assert.deepEqual(await messages(workload(kind, 1)), []);
            assert.deepEqual(await messages(workload(kind, undefined)), []);
        });
        it(`flags a multi-replica ${kind} with no zone constraint`, async () => {
            assert.match((await messages(workload(kind, 3)))[0], new RegExp(`${kind} shop/api runs 3 replicas with no topologySpreadConstraint on topology\\.kubernetes\\.io/zone.*Fix: add`));
        });
    }
    it("flags minDomains below the zone count, and honours zoneCount from config", async () => {
        assert.match((await messages(workload("Deployment", 3, spread(2))))[0], /minDomains 2, below the 3 zones/);
        assert.match((await messages(workload("Deployment", 3, spread())))[0], /minDomains unset/);
        assert.deepEqual(await messages(workload("Deployment", 3, spread(2)), { "zone-spread": { zoneCount: 2 } }), []);
    });
    it("passes when one of several zone constraints holds (a soft one beside a hard one)", async () => {
        const soft = { topologyKey: zone, maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "api" } } };
        assert.deepEqual(await messages(workload("Deployment", 3, [soft, ...spread(3)])), []);
        assert.match((await messages(workload("Deployment", 3, [soft, ...spread(2)])))[0], /minDomains 2, below the 3 zones/);
        assert.match((await messages(workload("Deployment", 3, [soft])))[0], /minDomains unset/, "a soft constraint alone does not hold");
        assert.deepEqual(await messages(workload("Deployment", 3, [{ ...soft, whenUnsatisfiable: UNKNOWN }, ...spread(2)])), []);
    });
    it("reads an HPA's minReplicas when the workload leaves replicas to it", async () => {
        const [message] = await messages([workload("Deployment", undefined), hpa(3)]);
        assert.match(message, /Deployment shop\/api runs at least 3 replicas \(HPA shop\/api minReplicas\) with no topologySpreadConstraint/);
        assert.deepEqual(await messages([workload("Deployment", undefined, spread(3)), hpa(3)]), []);
        assert.deepEqual(await messages([workload("Deployment", undefined), hpa(undefined)]), [], "HPA default minReplicas is 1");
        assert.deepEqual(await messages([workload("Deployment", undefined), hpa(3, { kind: "Deployment", name: "other" })]), [], "another target");
        assert.deepEqual(await messages([workload("Deployment", undefined), hpa(3, undefined, "other")]), [], "another namespace");
        assert.deepEqual(await messages([workload("Deployment", undefined), hpa(UNKNOWN)]), [], "unknown minReplicas");
        assert.deepEqual(await messages([workload("Deployment", undefined), hpa(3, { kind: "Deployment", name: UNKNOWN })]), [], "unknown target");
        const elsewhere = { ...hpa(3, { kind: "Deployment", name: UNKNOWN }), name: "other-hpa" };
        assert.equal((await messages([workload("Deployment", undefined), elsewhere, hpa(3)])).length, 1, "a sure match wins over an unknown HPA");
    });
    it("leaves per-zone workloads alone: pinned to one zone by nodeSelector or required node affinity", async () => {
        const pinned = (podSpec: Record<string, unknown>) => {
            const fixture = workload("Deployment", 3);
            Object.assign(fixture.props.spec.template.spec, podSpec);
            return fixture;
        };
        const oneZone = (values: unknown) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: "In", values }] }] } } } });
        assert.deepEqual(await messages(pinned({ nodeSelector: { [zone]: "us-east-1a" } })), []);
        assert.deepEqual(await messages(pinned(oneZone(["us-east-1a"]))), []);
        assert.equal((await messages(pinned(oneZone(["us-east-1a", "us-east-1b"])))).length, 1, "two zones still need spreading");
        assert.deepEqual(await messages(pinned(oneZone(UNKNOWN))), [], "unknown zones: silent");
        assert.deepEqual(await messages(pinned({ nodeSelector: { [zone]: UNKNOWN } })), [], "unknown nodeSelector: silent");
    });
    it("reads malformed node affinity and constraints as not pinning and not spreading, without throwing", async () => {
        const affinity = (terms: unknown) => {
            const fixture = workload("Deployment", 3, [{ ...spread(3)[0], labelSelector: { matchExpressions: "app=api" } }, null, "zone"]);
            fixture.props.spec.template.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
            return fixture;
        };
        for (const terms of [[{ matchExpressions: "zone=a" }], [{ matchExpressions: { key: zone } }], [null], [{ matchExpressions: [null, { key: zone, operator: "In", values: "a" }] }], "a"]) {
            assert.deepEqual(await messages(affinity(terms)), [], JSON.stringify(terms));
        }
        assert.match((await messages(workload("Deployment", 3, [{ ...spread()[0], minDomains: { min: 3 } }])))[0], /with minDomains an object, below the 3 zones/);
        const oddHpa = hpa(3);
        oddHpa.props.metadata.name = { name: "api" };
        assert.match((await messages([workload("Deployment", undefined), oddHpa]))[0], /runs at least 3 replicas \(HPA shop\/api-hpa minReplicas\)/);
    });
    it("is silent on unknown replicas, constraints or minDomains", async () => {
        assert.deepEqual(await messages(workload("Deployment", UNKNOWN)), []);
        assert.deepEqual(await messages(workload("Deployment", 3, UNKNOWN)), []);
        assert.deepEqual(await messages(workload("Deployment", 3, spread(UNKNOWN))), []);
    });
});
