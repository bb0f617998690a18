import assert from "node:assert/strict";
import { containerResourceRequests } from "../../../policies/rules/container-resource-requests";
import { Fixture, runPolicies, UNKNOWN } from "../harness";

const container = (requests?: unknown) => ({ name: "app", image: "app:1", resources: requests === undefined ? undefined : { requests } });
const podSpec = (requests?: unknown) => ({ containers: [container(requests)] });
const full = { cpu: "250m", memory: "256Mi" };

const fixtures = (requests?: unknown): Fixture[] => [
    { type: "kubernetes:apps/v1:Deployment", name: "d", props: { metadata: { name: "d" }, spec: { template: { spec: podSpec(requests) } } } },
    { type: "kubernetes:apps/v1:StatefulSet", name: "s", props: { metadata: { name: "s" }, spec: { template: { spec: podSpec(requests) } } } },
    { type: "kubernetes:apps/v1:DaemonSet", name: "ds", props: { metadata: { name: "ds" }, spec: { template: { spec: podSpec(requests) } } } },
    { type: "kubernetes:batch/v1:Job", name: "j", props: { metadata: { name: "j" }, spec: { template: { spec: podSpec(requests) } } } },
    { type: "kubernetes:batch/v1:CronJob", name: "c", props: { metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec: podSpec(requests) } } } } } },
    { type: "kubernetes:core/v1:Pod", name: "p", props: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: podSpec(requests) } },
];

async function messages(list: Fixture[]) {
    return (await runPolicies([containerResourceRequests], list)).diagnostics.map(d => d.message);
}

describe("policies/rules/container-resource-requests", () => {
    it("passes every workload kind whose containers request cpu and memory", async () => {
        assert.deepEqual(await messages(fixtures(full)), []);
    });
    it("flags a missing cpu request on every workload kind", async () => {
        const found = await messages(fixtures({ memory: "256Mi" }));
        assert.equal(found.length, 6);
        assert.match(found[0], /Deployment default\/d container 'app' has no cpu request.*Fix: set resources\.requests\.cpu\./);
    });
    it("flags missing requests altogether, naming both", async () => {
        assert.match((await messages(fixtures()))[0], /has no cpu or memory request.*Fix: set resources\.requests\.cpu and resources\.requests\.memory\./);
    });
    it("checks init containers", async () => {
        const [deployment] = fixtures(full);
        deployment.props.spec.template.spec.initContainers = [{ name: "migrate", image: "m:1", resources: { requests: { cpu: "100m" } } }];
        assert.match((await messages([deployment]))[0], /container 'migrate' has no memory request/);
    });
    it("counts a limit as the request Kubernetes copies from it", async () => {
        const [deployment] = fixtures();
        deployment.props.spec.template.spec.containers[0].resources = { limits: full };
        assert.deepEqual(await messages([deployment]), []);
        deployment.props.spec.template.spec.containers[0].resources = { requests: { cpu: "250m" }, limits: { cpu: "1" } };
        assert.match((await messages([deployment]))[0], /has no memory request/);
    });
    it("counts pod-level resources for every container of the pod", async () => {
        const [deployment] = fixtures();
        deployment.props.spec.template.spec.resources = { requests: full };
        assert.deepEqual(await messages([deployment]), []);
        deployment.props.spec.template.spec.resources = { limits: { memory: "1Gi" } };
        assert.match((await messages([deployment]))[0], /has no cpu request/);
        deployment.props.spec.template.spec.resources = UNKNOWN;
        assert.deepEqual(await messages([deployment]), [], "unknown pod-level resources: silent");
    });
    it("names a container by its place when its name is unknown or not a string, and skips entries that are no container", async () => {
        const [deployment] = fixtures();
        deployment.props.spec.template.spec.containers = [null, "app", 7, { name: UNKNOWN, image: "a" }, { name: { first: "a" }, image: "b" }];
        const found = await messages([deployment]);
        assert.deepEqual(found.map(m => m.split("\n")[1].split(" has no")[0]), [
            "Deployment default/d container containers[3] (a name known only after deployment)",
            "Deployment default/d container containers[4]",
        ]);
        deployment.props.spec.template.spec.containers = "app";
        deployment.props.spec.template.spec.initContainers = { name: "init" };
        assert.deepEqual(await messages([deployment]), []);
    });
    it("is silent on unknown requests, limits or pod specs", async () => {
        const [deployment] = fixtures();
        deployment.props.spec.template.spec.containers[0].resources = { requests: { cpu: "1" }, limits: UNKNOWN };
        assert.deepEqual(await messages([deployment]), []);
        assert.deepEqual(await messages(fixtures(UNKNOWN)), []);
        deployment.props.spec.template = UNKNOWN;
        assert.deepEqual(await messages([deployment]), []);
    });
});
