import * as assert from "node:assert/strict";
import { Script } from "node:vm";
import { CrossAzMeasurement, CrossAzMeasurementArgs } from "../../components/measurement";
import { compileForPod, contentHash } from "../../components/measurement/compile";
import { zoneSpreadConstraints } from "../../components/zone-spread";
import { declare, ofType, one, Registration } from "../helpers/mocks";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const JOB = "kubernetes:batch/v1:Job";

const declareMeasurement = (args: Partial<CrossAzMeasurementArgs> = {}) =>
    declare(() => new CrossAzMeasurement("measurement", { zoneCount: 3, requests: 1000, eastWestGbPerMonth: 10_000, ...args }));

/** The three echo Deployments' pod specs, then the Job's. */
const podSpecs = (resources: Registration[]) => [
    ...ofType(resources, DEPLOYMENT).map(d => d.inputs.spec.template.spec),
    one(resources, JOB).inputs.spec.template.spec,
];
const deployment = (resources: Registration[], name: string) => ofType(resources, DEPLOYMENT).find(d => d.inputs.metadata.name === name)!;
const service = (resources: Registration[], name: string) => ofType(resources, SERVICE).find(s => s.inputs.metadata.name === name)!;
const envOf = (container: any) => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe("CrossAzMeasurement", () => {
    it("registers as crossaz:k8s:CrossAzMeasurement and puts everything namespaced in its namespace", async () => {
        const { resources } = await declareMeasurement();
        assert.equal(ofType(resources, "crossaz:k8s:CrossAzMeasurement").length, 1);
        assert.equal(one(resources, NAMESPACE).inputs.metadata.name, "crossaz-measurement");
        for (const type of [SERVICE_ACCOUNT, ROLE, ROLE_BINDING, CONFIG_MAP, DEPLOYMENT, SERVICE, JOB]) {
            for (const r of ofType(resources, type)) assert.equal(r.inputs.metadata.namespace, "crossaz-measurement", `${type} ${r.name}`);
        }
    });

    describe("RBAC", () => {
        it("lets the echo pods and the measurer get nodes (their zone), through one ClusterRole, and nothing else cluster-wide", async () => {
            const { resources } = await declareMeasurement();
            const role = one(resources, CLUSTER_ROLE);
            assert.deepEqual(role.inputs.rules, [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }]);
            const binding = one(resources, CLUSTER_ROLE_BINDING);
            assert.deepEqual(binding.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.inputs.metadata.name });
            assert.deepEqual(binding.inputs.subjects, ["zone-reader", "measurer"].map(name => ({ kind: "ServiceAccount", name, namespace: "crossaz-measurement" })));
            assert.deepEqual(ofType(resources, SERVICE_ACCOUNT).map(a => a.inputs.metadata.name).sort(), ["measurer", "zone-reader"]);
        });

        it("lets only the measurer list EndpointSlices and get and patch the one rolling Deployment, in its namespace", async () => {
            const { resources } = await declareMeasurement();
            const role = one(resources, ROLE);
            assert.deepEqual(role.inputs.rules, [
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list"] },
                { apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["zone-echo-rolling"], verbs: ["get", "patch"] },
            ]);
            const binding = one(resources, ROLE_BINDING);
            assert.deepEqual(binding.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.inputs.metadata.name });
            assert.deepEqual(binding.inputs.subjects, [{ kind: "ServiceAccount", name: "measurer", namespace: "crossaz-measurement" }]);
            assert.equal(deployment(resources, "zone-echo-rolling").inputs.metadata.name, "zone-echo-rolling", "the name the Role allows");
            const specs = podSpecs(resources); // the echo Deployments', then the Job's
            assert.deepEqual(specs.map(spec => spec.serviceAccountName), ["zone-reader", "zone-reader", "zone-reader", "measurer"]);
        });

        it("names cluster-scoped RBAC after the namespace, so two measurements do not collide", async () => {
            const { resources } = await declareMeasurement({ namespace: "measure-b" });
            assert.equal(one(resources, CLUSTER_ROLE).inputs.metadata.name, "measure-b-node-reader");
            assert.equal(one(resources, CLUSTER_ROLE_BINDING).inputs.subjects[0].namespace, "measure-b");
        });
    });

    describe("scripts ConfigMap", () => {
        it("carries the compiled JavaScript of both programs and everything they require, cost model included", async () => {
            const { resources } = await declareMeasurement();
            const data: Record<string, string> = one(resources, CONFIG_MAP).inputs.data;
            assert.deepEqual(Object.keys(data).sort(), [
                "components.measurement.endpoints.js", "components.measurement.kube-api.js", "components.measurement.measurer.js",
                "components.measurement.placement.js", "components.measurement.report.js", "components.measurement.rollout.js",
                "components.measurement.zone-echo.js", "policies.lib.cost-model.js", "policies.lib.prices.js",
            ]);
            for (const [key, javascript] of Object.entries(data)) {
                assert.doesNotThrow(() => new Script(javascript, { filename: key }), `${key} parses as JavaScript`);
                assert.doesNotMatch(javascript, /^(import|interface|export interface|type) |: Promise</m, `${key} has no TypeScript left`);
                for (const [, specifier] of javascript.matchAll(/require\("([^"]+)"\)/g)) {
                    assert.match(specifier, /^(node:|\.)/, `${key} requires only the standard library and shipped files`);
                }
            }
            assert.match(data["components.measurement.report.js"], /require\("\.\.\/\.\.\/policies\/lib\/cost-model"\)/);
            assert.match(data["policies.lib.cost-model.js"], /function crossAzTransferCost\(gbPerMonth, crossAzShare\)/);
        });

        it("is named after its content, so changed scripts roll the echo pods and replace the Job", async () => {
            const { resources } = await declareMeasurement();
            const configMap = one(resources, CONFIG_MAP);
            const files = compileForPod(["components/measurement/zone-echo.ts", "components/measurement/measurer.ts"]);
            assert.deepEqual(Object.values(configMap.inputs.data), files.map(f => f.javascript));
            assert.equal(configMap.inputs.metadata.name, `crossaz-measurement-scripts-${contentHash(files)}`);
            assert.match(contentHash(files), /^[0-9a-f]{10}$/);
            const edited = files.map((f, i) => i === 0 ? { ...f, javascript: `${f.javascript};` } : f);
            assert.notEqual(contentHash(edited), contentHash(files));
        });

        it("is mounted read-only at each file's repository path, and both commands run a shipped file", async () => {
            const { resources } = await declareMeasurement();
            const configMap = one(resources, CONFIG_MAP);
            for (const spec of podSpecs(resources)) {
                const [volume] = spec.volumes;
                assert.equal(volume.configMap.name, configMap.inputs.metadata.name);
                assert.deepEqual(volume.configMap.items.map((i: any) => i.key).sort(), Object.keys(configMap.inputs.data).sort());
                for (const item of volume.configMap.items) assert.equal(item.key, item.path.split("/").join("."));
                const [container] = spec.containers;
                assert.deepEqual(container.volumeMounts, [{ name: volume.name, mountPath: "/app", readOnly: true }]);
                assert.equal(container.command[0], "node");
                assert.ok(volume.configMap.items.some((i: any) => `/app/${i.path}` === container.command[1]), container.command[1]);
            }
        });
    });

    it("spreads each echo Deployment over the zones with the shared zone-spread rules: two pods per zone, one for internal-local", async () => {
        const { resources } = await declareMeasurement({ zoneCount: 3 });
        assert.deepEqual(Object.fromEntries(ofType(resources, DEPLOYMENT).map(d => [d.inputs.metadata.name, d.inputs.spec.replicas])),
            { "zone-echo": 6, "zone-echo-local": 3, "zone-echo-rolling": 6 });
        for (const echo of ofType(resources, DEPLOYMENT)) {
            const labels = echo.inputs.spec.selector.matchLabels;
            assert.equal(labels["app.kubernetes.io/name"], echo.inputs.metadata.name);
            assert.deepEqual(echo.inputs.spec.template.metadata.labels, labels);
            assert.deepEqual(echo.inputs.spec.template.spec.topologySpreadConstraints, zoneSpreadConstraints(labels, 3));
            const [container] = echo.inputs.spec.template.spec.containers;
            assert.equal(container.image, "node:24.21.0-alpine");
            assert.deepEqual(container.readinessProbe.httpGet, { path: "/", port: "http" });
            assert.deepEqual(container.ports, [{ name: "http", containerPort: 8080 }]);
            assert.deepEqual(container.lifecycle, { preStop: { sleep: { seconds: 5 } } }, "answers while kube-proxy takes it out of the endpoints");
            assert.deepEqual(envOf(container), {
                PORT: "8080",
                NODE_NAME: { fieldRef: { fieldPath: "spec.nodeName" } },
                POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
                POD_IP: { fieldRef: { fieldPath: "status.podIP" } },
            });
        }
    });

    it("declares one Service per routing variant; baseline, topology-mode-auto and internal-local lack trafficDistribution on purpose", async () => {
        const { resources } = await declareMeasurement();
        const services = ofType(resources, SERVICE);
        const backend = (s: Registration) => s.inputs.spec.selector["app.kubernetes.io/name"];
        // Keyed by name: the mocks see the registrations in no set order.
        assert.deepEqual(Object.fromEntries(services.map(s => [s.inputs.metadata.name, [backend(s), s.inputs.spec.trafficDistribution,
            s.inputs.spec.internalTrafficPolicy, s.inputs.metadata.annotations]])), {
            "zone-echo-baseline": ["zone-echo", undefined, undefined, undefined],
            "zone-echo-prefer-same-zone": ["zone-echo", "PreferSameZone", undefined, undefined],
            "zone-echo-prefer-same-node": ["zone-echo", "PreferSameNode", undefined, undefined],
            "zone-echo-topology-mode-auto": ["zone-echo", undefined, undefined, { "service.kubernetes.io/topology-mode": "Auto" }],
            "zone-echo-internal-local": ["zone-echo-local", undefined, "Local", undefined],
            "zone-echo-prefer-same-zone-rolling": ["zone-echo-rolling", "PreferSameZone", undefined, undefined],
        });
        for (const s of services) {
            assert.equal(s.inputs.spec.type, "ClusterIP");
            assert.deepEqual(s.inputs.spec.selector, deployment(resources, backend(s)).inputs.spec.template.metadata.labels);
            assert.deepEqual(s.inputs.spec.ports, [{ name: "http", port: 80, targetPort: "http" }]);
        }
        assert.equal(service(resources, "zone-echo-baseline").inputs.metadata.labels["crossaz.dev/routing-variant"], "baseline");
    });

    describe("the measuring Job", () => {
        it("measures every variant by its Service name, retries once, is collected a day after it finishes", async () => {
            const { resources } = await declareMeasurement({ requests: 2500 });
            const job = one(resources, JOB);
            assert.equal(job.inputs.metadata.name, "crossaz-measure");
            assert.equal(job.inputs.metadata.annotations["pulumi.com/skipAwait"], "true");
            assert.equal(job.inputs.spec.backoffLimit, 1);
            assert.equal(job.inputs.spec.ttlSecondsAfterFinished, 86_400);
            assert.equal(job.inputs.spec.template.spec.restartPolicy, "Never");
            const env = envOf(job.inputs.spec.template.spec.containers[0]);
            const variants = ["baseline", "prefer-same-zone", "prefer-same-node", "topology-mode-auto", "internal-local", "prefer-same-zone-rolling"];
            assert.equal(env.TARGETS, variants.map(v => `${v}=http://zone-echo-${v}.crossaz-measurement.svc:80`).join(","));
            assert.equal(env.SERVICES, variants.map(v => `${v}=zone-echo-${v}`).join(","));
            assert.equal(env.REQUESTS, "2500");
            assert.equal(env.REQUEST_TIMEOUT_MS, "1000");
            assert.equal(env.EAST_WEST_GB_PER_MONTH, "10000");
            assert.deepEqual(env.NODE_NAME, { fieldRef: { fieldPath: "spec.nodeName" } });
            assert.deepEqual(env.POD_NAMESPACE, { fieldRef: { fieldPath: "metadata.namespace" } });
            assert.equal(env.CROSSAZ_ZONE_OVERRIDE, undefined);
            assert.equal(env.CROSSAZ_SERVICE_ACCOUNT_DIR, undefined);
        });

        it("restarts the rolling Deployment behind prefer-same-zone-rolling and expects internal-local to drop its requests", async () => {
            const { resources } = await declareMeasurement();
            const env = envOf(one(resources, JOB).inputs.spec.template.spec.containers[0]);
            assert.equal(env.ROLLING, "prefer-same-zone-rolling=zone-echo-rolling");
            assert.equal(env.EXPECT_DROPS, "internal-local");
            assert.equal(service(resources, "zone-echo-prefer-same-zone-rolling").inputs.spec.selector["app.kubernetes.io/name"], "zone-echo-rolling");
        });

        it("never runs on a node with an internal-local pod, and prefers one with a zone-echo pod; internal-local's pods prefer other nodes", async () => {
            const { resources } = await declareMeasurement();
            const onNodeOf = (name: string) => ({ labelSelector: { matchLabels: deployment(resources, name).inputs.spec.selector.matchLabels }, topologyKey: "kubernetes.io/hostname" });
            assert.deepEqual(one(resources, JOB).inputs.spec.template.spec.affinity, {
                podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [onNodeOf("zone-echo-local")] },
                podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: onNodeOf("zone-echo") }] },
            });
            assert.deepEqual(deployment(resources, "zone-echo-local").inputs.spec.template.spec.affinity, {
                podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: onNodeOf("zone-echo") }] },
            });
            for (const name of ["zone-echo", "zone-echo-rolling"]) assert.equal(deployment(resources, name).inputs.spec.template.spec.affinity, undefined, name);
            assert.equal(service(resources, "zone-echo-internal-local").inputs.spec.internalTrafficPolicy, "Local");
        });

        it("leaves the report unpriced when no east-west volume is given", async () => {
            const { resources } = await declareMeasurement({ eastWestGbPerMonth: undefined });
            assert.equal(envOf(one(resources, JOB).inputs.spec.template.spec.containers[0]).EAST_WEST_GB_PER_MONTH, undefined);
        });
    });

    it("gives every container CPU and memory requests and limits and a locked-down security context", async () => {
        const { resources } = await declareMeasurement({ image: "node:22.12.0-alpine" });
        for (const spec of podSpecs(resources)) {
            for (const container of spec.containers) {
                assert.equal(container.image, "node:22.12.0-alpine");
                for (const bound of ["requests", "limits"]) {
                    assert.deepEqual(Object.keys(container.resources[bound]).sort(), ["cpu", "memory"], `${container.name} ${bound}`);
                }
                assert.equal(container.securityContext.readOnlyRootFilesystem, true);
                assert.equal(container.securityContext.runAsNonRoot, true);
                assert.equal(container.securityContext.runAsUser, 1000);
                assert.equal(container.securityContext.allowPrivilegeEscalation, false);
                assert.deepEqual(container.securityContext.capabilities, { drop: ["ALL"] });
            }
        }
    });

    it("has its namespace enforce the restricted Pod Security Standard its pods meet", async () => {
        const { resources } = await declareMeasurement();
        const labels = one(resources, NAMESPACE).inputs.metadata.labels;
        for (const mode of ["enforce", "audit", "warn"]) assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted", mode);
        for (const spec of podSpecs(resources)) {
            for (const container of spec.containers) assert.deepEqual(container.securityContext.seccompProfile, { type: "RuntimeDefault" });
        }
    });

    it("exposes the kubectl commands that wait for the Job, read its report and run it again", async () => {
        const { result } = await declareMeasurement({ namespace: "measure-b" });
        assert.deepEqual(result.commands, {
            wait: "kubectl -n measure-b wait --for=condition=complete --timeout=15m job/crossaz-measure",
            report: "kubectl -n measure-b logs job/crossaz-measure",
            rerun: "kubectl -n measure-b delete job crossaz-measure --ignore-not-found && pulumi up --refresh",
        });
    });

    it("rejects a zone count or request count it cannot measure with, before declaring anything", async () => {
        const cases: Array<[Partial<CrossAzMeasurementArgs>, string]> = [
            [{ zoneCount: 0 }, "CrossAzMeasurement zoneCount must be a whole number >= 1, got 0"],
            [{ requests: 0 }, "CrossAzMeasurement requests must be 1-100000, got 0"],
        ];
        for (const [args, message] of cases) {
            const { result, resources } = await declare(() => {
                try {
                    new CrossAzMeasurement("measurement", { zoneCount: 3, requests: 1000, ...args });
                    return undefined;
                } catch (error) {
                    return error as Error;
                }
            });
            assert.equal(result?.message, message);
            assert.deepEqual(resources, []);
        }
    });
});
