import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { parseStackConfig } from "../../components/config";
import { serviceNamespaces, ZonalService, ZonalServiceArgs } from "../../components/zonal-service";
import { declare, DeclareOptions, one, ofType, Registration } from "../helpers/mocks";

const AZS = ["us-east-1a", "us-east-1b", "us-east-1c"];
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const VPC_CIDR = "10.0.0.0/16";
const PUBLIC_CIDRS = ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"];
const CERTIFICATE_ARN = "arn:aws:acm:us-east-1:111122223333:certificate/abcd-1234";
const BUCKET = "access-logs-1234567";

/** One service parsed through the real config schema (defaults included), with overrides. */
function serviceConfig(overrides: Record<string, unknown> = {}) {
    const config = parseStackConfig({
        eks: { enabled: true, clusterCreatorAdmin: true },
        services: [{ name: "backend", namespace: "shop", image: "public.ecr.aws/nginx/nginx:1.27", port: 8080, ...overrides }],
    });
    return config.services[0];
}

/** Declares the service on its own Kubernetes provider (access logs on, protect off), as an update unless told otherwise. */
async function build(
    overrides: Record<string, unknown> = {}, options: DeclareOptions = { preview: false }, args: Partial<ZonalServiceArgs> = {},
): Promise<Registration[]> {
    const { resources } = await declare(() => {
        const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
        new ZonalService("backend", {
            service: serviceConfig(overrides), availabilityZones: AZS, vpcCidr: VPC_CIDR, publicSubnetCidrs: PUBLIC_CIDRS,
            accessLogsBucket: BUCKET, protect: false, ...args,
        }, { providers: { kubernetes: provider } });
    }, options);
    return resources;
}
const annotationsOf = (registered: Registration[]) => one(registered, INGRESS).inputs.metadata.annotations as Record<string, string>;

const podSpecOf = (deployment: Registration) => deployment.inputs.spec.template.spec;
const containerOf = (deployment: Registration) => podSpecOf(deployment).containers[0];

describe("ZonalService", () => {
    it("registers the component type token", async () => {
        const registered = await build();
        assert.equal(one(registered, "crossaz:k8s:ZonalService").name, "backend");
    });

    it("sets trafficDistribution PreferSameZone on a ClusterIP Service by default", async () => {
        const service = one(await build(), "kubernetes:core/v1:Service").inputs;
        assert.equal(service.spec.trafficDistribution, "PreferSameZone");
        assert.equal(service.spec.type, "ClusterIP");
        assert.equal(service.metadata.name, "backend");
        assert.equal(service.metadata.namespace, "shop");
        assert.equal(service.metadata.annotations?.["service.kubernetes.io/topology-mode"], undefined);
    });

    it("sets trafficDistribution PreferSameNode when routing says so", async () => {
        const service = one(await build({ routing: "PreferSameNode" }), "kubernetes:core/v1:Service").inputs;
        assert.equal(service.spec.trafficDistribution, "PreferSameNode");
    });

    it("spreads pods over zones with maxSkew 1, DoNotSchedule and minDomains = the AZ count", async () => {
        const deployment = one(await build(), DEPLOYMENT);
        assert.deepEqual(podSpecOf(deployment).topologySpreadConstraints, [{
            topologyKey: "topology.kubernetes.io/zone",
            maxSkew: 1,
            whenUnsatisfiable: "DoNotSchedule",
            minDomains: 3,
            labelSelector: { matchLabels: { "app.kubernetes.io/name": "backend" } },
            matchLabelKeys: ["pod-template-hash"],
        }]);
    });

    it("uses a configured minDomains below the AZ count", async () => {
        const deployment = one(await build({ minDomains: 2 }), DEPLOYMENT);
        assert.equal(podSpecOf(deployment).topologySpreadConstraints[0].minDomains, 2);
    });

    it("sets CPU and memory requests and limits (memory limit defaults to the request)", async () => {
        const container = containerOf(one(await build({ cpu: "500m", memory: "512Mi", cpuLimit: "1" }), DEPLOYMENT));
        assert.deepEqual(container.resources, { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "512Mi", cpu: "1" } });
    });

    it("probes readiness and liveness over HTTP when probePath is set, over TCP otherwise", async () => {
        const http = containerOf(one(await build({ probePath: "/healthz" }), DEPLOYMENT));
        assert.deepEqual(http.readinessProbe.httpGet, { path: "/healthz", port: "http" });
        assert.deepEqual(http.livenessProbe.httpGet, { path: "/healthz", port: "http" });
        const tcp = containerOf(one(await build(), DEPLOYMENT));
        assert.deepEqual(tcp.readinessProbe.tcpSocket, { port: "http" });
        assert.deepEqual(tcp.livenessProbe.tcpSocket, { port: "http" });
    });

    it("exposes the zone (the pod's topology label) and the node name through the downward API", async () => {
        const env = containerOf(one(await build({ env: { LOG_LEVEL: "info" } }), DEPLOYMENT)).env;
        assert.deepEqual(env, [
            { name: "ZONE", valueFrom: { fieldRef: { fieldPath: "metadata.labels['topology.kubernetes.io/zone']" } } },
            { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            { name: "LOG_LEVEL", value: "info" },
        ]);
    });

    it("leaves the replica count to an autoscaling/v2 HPA on CPU and memory", async () => {
        const registered = await build({ replicas: 2, hpa: { maxReplicas: 9, cpuUtilization: 60, memoryUtilization: 75 } });
        assert.equal(one(registered, DEPLOYMENT).inputs.spec.replicas, undefined);
        const hpa = one(registered, HPA).inputs.spec;
        assert.deepEqual(hpa.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "backend" });
        assert.equal(hpa.minReplicas, 2);
        assert.equal(hpa.maxReplicas, 9);
        assert.deepEqual(hpa.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]), [["cpu", 60], ["memory", 75]]);
    });

    it("declares a PodDisruptionBudget over all the service's pods", async () => {
        const pdb = one(await build({ pdb: { minAvailable: "50%" } }), "kubernetes:policy/v1:PodDisruptionBudget").inputs;
        assert.equal(pdb.spec.minAvailable, "50%");
        assert.deepEqual(pdb.spec.selector, { matchLabels: { "app.kubernetes.io/name": "backend" } });
    });

    it("declares no Ingress unless configured", async () => {
        assert.equal(ofType(await build(), "kubernetes:networking.k8s.io/v1:Ingress").length, 0);
    });

    it("declares an ALB Ingress with target-type ip and the configured scheme, path and host", async () => {
        const ingress = one(await build({ ingress: { scheme: "internet-facing", path: "/api", host: "shop.example.com" } }),
            "kubernetes:networking.k8s.io/v1:Ingress").inputs;
        assert.equal(ingress.spec.ingressClassName, "alb");
        assert.equal(ingress.metadata.annotations["alb.ingress.kubernetes.io/target-type"], "ip");
        assert.equal(ingress.metadata.annotations["alb.ingress.kubernetes.io/scheme"], "internet-facing");
        assert.deepEqual(ingress.spec.rules, [{
            host: "shop.example.com",
            http: { paths: [{ path: "/api", pathType: "Prefix", backend: { service: { name: "backend", port: { number: 8080 } } } }] },
        }]);
    });

    it("perZone: one Deployment and one HPA per AZ, each pinned to its zone by node affinity, behind one Service", async () => {
        const registered = await build({ perZone: true, replicas: 2 });
        const deployments = ofType(registered, DEPLOYMENT);
        assert.deepEqual(deployments.map(d => d.inputs.metadata.name), AZS.map(az => `backend-${az}`));
        deployments.forEach((deployment, i) => {
            const affinity = podSpecOf(deployment).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
            assert.deepEqual(affinity.nodeSelectorTerms, [{ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [AZS[i]] }] }]);
            assert.deepEqual(containerOf(deployment).env[0], { name: "ZONE", value: AZS[i] });
            // A zone constraint with minDomains 3 would cap a one-zone Deployment at one pod.
            assert.ok(podSpecOf(deployment).topologySpreadConstraints.every((c: any) => c.topologyKey !== "topology.kubernetes.io/zone"));
            assert.equal(deployment.inputs.spec.selector.matchLabels["cross-az-platform/zone"], AZS[i]);
        });
        const hpas = ofType(registered, HPA);
        assert.deepEqual(hpas.map(h => h.inputs.spec.scaleTargetRef.name), AZS.map(az => `backend-${az}`));
        assert.ok(hpas.every(h => h.inputs.spec.minReplicas === 2));
        const service = one(registered, "kubernetes:core/v1:Service").inputs;
        assert.deepEqual(service.spec.selector, { "app.kubernetes.io/name": "backend" });
        assert.equal(service.spec.trafficDistribution, "PreferSameZone");
    });

    it("pins pods to an architecture when arch is set", async () => {
        const deployment = one(await build({ arch: "arm64" }), DEPLOYMENT);
        assert.deepEqual(podSpecOf(deployment).nodeSelector, { "kubernetes.io/arch": "arm64" });
    });

    it("keeps names, routing and annotations known in a first preview, when no resource has an id yet", async () => {
        const registered = await build({ ingress: {} }, { withoutIds: true });
        assert.equal(one(registered, "kubernetes:core/v1:Service").inputs.spec.trafficDistribution, "PreferSameZone");
        assert.equal(one(registered, HPA).inputs.spec.scaleTargetRef.name, "backend");
        const ingress = one(registered, "kubernetes:networking.k8s.io/v1:Ingress").inputs;
        assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.name, "backend");
        assert.equal(ingress.metadata.annotations["alb.ingress.kubernetes.io/target-type"], "ip");
    });

    it("declares every Kubernetes resource with the given provider", async () => {
        const registered = await build({ ingress: {}, perZone: true });
        const inCluster = registered.filter(r => r.type.startsWith("kubernetes:"));
        assert.equal(inCluster.length, 3 + 3 + 1 + 1 + 1 + 1); // deployments, HPAs, Service, PDB, Ingress, NetworkPolicy
        const provider = one(registered, "pulumi:providers:kubernetes", "cluster");
        for (const resource of inCluster) assert.match(resource.provider ?? "", new RegExp(`::cluster::${provider.id}$`), `${resource.type} ${resource.name}`);
    });
});

describe("ZonalService security", () => {
    it("runs pods restricted by default: non-root, RuntimeDefault seccomp, read-only root, no capabilities, no token, a writable /tmp", async () => {
        const podSpec = podSpecOf(one(await build(), DEPLOYMENT));
        assert.deepEqual(podSpec.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        assert.equal(podSpec.automountServiceAccountToken, false);
        assert.deepEqual(podSpec.containers[0].securityContext, {
            allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] },
        });
        assert.deepEqual(podSpec.volumes, [{ name: "writable-0", emptyDir: {} }]);
        assert.deepEqual(podSpec.containers[0].volumeMounts, [{ name: "writable-0", mountPath: "/tmp" }]);
    });

    it("hardens every per-zone Deployment the same way", async () => {
        for (const deployment of ofType(await build({ perZone: true }), DEPLOYMENT)) {
            assert.equal(podSpecOf(deployment).securityContext.runAsNonRoot, true);
            assert.equal(containerOf(deployment).securityContext.readOnlyRootFilesystem, true);
        }
    });

    it("opts out per service: baseline keeps the image's user and capabilities, a writable root, a token, other writable paths", async () => {
        const podSpec = podSpecOf(one(await build({
            podSecurity: "baseline", readOnlyRootFilesystem: false, serviceAccountToken: true, writablePaths: ["/var/cache/nginx", "/run"],
        }), DEPLOYMENT));
        assert.deepEqual(podSpec.securityContext, { seccompProfile: { type: "RuntimeDefault" } });
        assert.equal(podSpec.automountServiceAccountToken, true);
        assert.deepEqual(podSpec.containers[0].securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: false });
        assert.deepEqual(podSpec.containers[0].volumeMounts.map((m: any) => m.mountPath), ["/var/cache/nginx", "/run"]);
        assert.equal(podSpec.volumes.length, 2);
    });

    it("serves HTTPS with the certificate and a TLS 1.3 policy, port 80 only redirecting, when the Ingress has a certificateArn", async () => {
        const annotations = annotationsOf(await build({ ingress: { scheme: "internet-facing", certificateArn: CERTIFICATE_ARN } }));
        assert.equal(annotations["alb.ingress.kubernetes.io/certificate-arn"], CERTIFICATE_ARN);
        assert.deepEqual(JSON.parse(annotations["alb.ingress.kubernetes.io/listen-ports"]), [{ HTTP: 80 }, { HTTPS: 443 }]);
        assert.equal(annotations["alb.ingress.kubernetes.io/ssl-redirect"], "443");
        assert.equal(annotations["alb.ingress.kubernetes.io/ssl-policy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
    });

    it("stays on plain HTTP without a certificate", async () => {
        const annotations = annotationsOf(await build({ ingress: { scheme: "internet-facing" } }));
        for (const key of ["certificate-arn", "listen-ports", "ssl-redirect", "ssl-policy"]) {
            assert.equal(annotations[`alb.ingress.kubernetes.io/${key}`], undefined, key);
        }
    });

    it("gives the Ingress ALB dropped invalid headers, zonal shift, access logs under its own prefix and deletion protection per protect", async () => {
        const attributes = async (protect: boolean) =>
            annotationsOf(await build({ ingress: {} }, { preview: false }, { protect }))["alb.ingress.kubernetes.io/load-balancer-attributes"].split(",");
        assert.deepEqual(await attributes(true), [
            "routing.http.drop_invalid_header_fields.enabled=true",
            "zonal_shift.config.enabled=true",
            "deletion_protection.enabled=true",
            "access_logs.s3.enabled=true",
            `access_logs.s3.bucket=${BUCKET}`,
            "access_logs.s3.prefix=eks/shop/backend",
        ]);
        assert.ok((await attributes(false)).includes("deletion_protection.enabled=false"));
    });

    it("leaves access logs out when the stack has no access-log bucket", async () => {
        const attributes = annotationsOf(await build({ ingress: {} }, { preview: false }, { accessLogsBucket: undefined }))["alb.ingress.kubernetes.io/load-balancer-attributes"];
        assert.doesNotMatch(attributes, /access_logs/);
        assert.match(attributes, /zonal_shift\.config\.enabled=true/);
    });

    it("admits the internet-facing ALB's nodes (the public subnets) on the service port, and nothing else from outside", async () => {
        const policy = one(await build({ ingress: { scheme: "internet-facing" } }), NETWORK_POLICY).inputs;
        assert.deepEqual(policy.metadata, { name: "backend", namespace: "shop" });
        assert.deepEqual(policy.spec, {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "backend" } },
            policyTypes: ["Ingress"],
            ingress: [{ from: PUBLIC_CIDRS.map(cidr => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 8080 }] }],
        });
    });

    it("admits an internal ALB from the VPC CIDR, where its nodes live beside the pods", async () => {
        const policy = one(await build({ ingress: { scheme: "internal" } }), NETWORK_POLICY).inputs;
        assert.deepEqual(policy.spec.ingress[0].from, [{ ipBlock: { cidr: VPC_CIDR } }]);
    });

    it("lets the pods reach egressCidrs, and declares no policy of its own when it needs nothing beyond the namespace's", async () => {
        const policy = one(await build({ egressCidrs: ["0.0.0.0/0"] }), NETWORK_POLICY).inputs;
        assert.deepEqual(policy.spec.policyTypes, ["Egress"]);
        assert.deepEqual(policy.spec.egress, [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]);
        assert.equal(ofType(await build(), NETWORK_POLICY).length, 0);
    });

    it("declares no NetworkPolicy in the default namespace, which the project does not isolate", async () => {
        assert.equal(ofType(await build({ namespace: "default", ingress: {}, egressCidrs: ["0.0.0.0/0"] }), NETWORK_POLICY).length, 0);
    });
});

describe("serviceNamespaces", () => {
    it("declares one Namespace per distinct namespace other than default", async () => {
        const config = parseStackConfig({
            eks: { enabled: true, clusterCreatorAdmin: true },
            services: [
                { name: "a", namespace: "shop", image: "x", port: 80 },
                { name: "b", namespace: "shop", image: "x", port: 80 },
                { name: "c", image: "x", port: 80 },
                { name: "d", namespace: "payments", image: "x", port: 80 },
            ],
        });
        const { result: namespaces, resources: registered } = await declare(() => serviceNamespaces(config.services, {}), { preview: false });
        assert.deepEqual([...namespaces.keys()], ["shop", "payments"]);
        assert.deepEqual(ofType(registered, "kubernetes:core/v1:Namespace").map(n => n.inputs.metadata.name), ["shop", "payments"]);
    });

    const namespacesOf = async (services: Record<string, unknown>[]) => {
        const config = parseStackConfig({ eks: { enabled: true, clusterCreatorAdmin: true }, services });
        return (await declare(() => serviceNamespaces(config.services, {}), { preview: false })).resources;
    };

    it("enforces, audits and warns on the restricted Pod Security Standard, or baseline when one of its services asks for it", async () => {
        const registered = await namespacesOf([
            { name: "a", namespace: "shop", image: "x", port: 80 },
            { name: "b", namespace: "legacy", image: "x", port: 80 },
            { name: "c", namespace: "legacy", image: "x", port: 80, podSecurity: "baseline" },
        ]);
        const labels = Object.fromEntries(ofType(registered, "kubernetes:core/v1:Namespace").map(n => [n.inputs.metadata.name, n.inputs.metadata.labels]));
        const standard = (level: string) => ({
            "pod-security.kubernetes.io/enforce": level, "pod-security.kubernetes.io/audit": level, "pod-security.kubernetes.io/warn": level,
        });
        assert.deepEqual(labels, { shop: standard("restricted"), legacy: standard("baseline") });
    });

    it("denies all traffic in each namespace but DNS and calls between its own pods", async () => {
        const registered = await namespacesOf([{ name: "a", namespace: "shop", image: "x", port: 80 }]);
        const policies = Object.fromEntries(ofType(registered, NETWORK_POLICY).map(p => [p.inputs.metadata.name as string, p.inputs as Record<string, any>]));
        assert.deepEqual(Object.keys(policies), ["default-deny", "allow-dns", "allow-same-namespace"]);
        assert.ok(Object.values(policies).every(p => p.metadata.namespace === "shop"));
        assert.deepEqual(policies["default-deny"].spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        assert.deepEqual(policies["allow-dns"].spec, {
            podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }],
        });
        assert.deepEqual(policies["allow-same-namespace"].spec, {
            podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }],
        });
    });
});
