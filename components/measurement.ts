/**
 * CrossAzMeasurement: measures, inside the cluster, how much Service traffic stays in its zone
 * under each routing strategy. zone-echo pods spread over the zones answer with their zone; one
 * Service per routing variant selects them; a Job sends the same number of requests to each from
 * its own pod and prints the report (measurement/report.ts) to its log. Besides the baseline
 * (random routing), PreferSameZone and PreferSameNode it measures what the policy pack warns
 * about: the deprecated topology-mode annotation, internalTrafficPolicy: Local from a node with
 * no endpoint (the requests are dropped), and PreferSameZone while its pods are replaced.
 * No custom image: the programs are TypeScript in this repository, transpiled at program time
 * into a ConfigMap and run by a pinned public Node image.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_MEASUREMENT_IMAGE, DEFAULT_MEASUREMENT_NAMESPACE } from "./config";
import { compileForPod, configMapKey, contentHash } from "./measurement/compile";
import { podSecurityLabels } from "./zonal-service";
import { zoneSpreadConstraints } from "./zone-spread";

export interface CrossAzMeasurementArgs {
    /** Zones the echo pods spread over (minDomains of the spread): two pods per zone, one behind internal-local. */
    zoneCount: number;
    /** Requests the Job sends to each variant (config default 1000). */
    requests: number;
    /** East-west GB/month (the stack's traffic.eastWestGbPerMonth); prices the report when set. */
    eastWestGbPerMonth?: number;
    /** Namespace for everything (default crossaz-measurement). */
    namespace?: string;
    /** Node image running the shipped scripts (default node:24.21.0-alpine). */
    image?: string;
}

export const ECHO_NAME = "zone-echo";
/** Pods behind internal-local only; the Job never runs on their nodes. */
const LOCAL_ECHO_NAME = "zone-echo-local";
/** Pods behind prefer-same-zone-rolling only; the Job restarts this Deployment while it measures. */
const ROLLING_ECHO_NAME = "zone-echo-rolling";
export const JOB_NAME = "crossaz-measure";

/** One routing variant: a Service over one of the echo Deployments, measured by the Job. */
export interface RoutingVariant {
    /** Report name; the Service is zone-echo-<variant>. */
    variant: string;
    /** The echo Deployment the Service selects. */
    backend: typeof ECHO_NAME | typeof LOCAL_ECHO_NAME | typeof ROLLING_ECHO_NAME;
    trafficDistribution?: "PreferSameZone" | "PreferSameNode";
    annotations?: Record<string, string>;
    internalTrafficPolicy?: "Local";
}

/**
 * The variants, in the order the Job measures them. The first four share the zone-echo pods.
 * topology-mode-auto is the annotation PreferSameZone replaces: kube-proxy keeps traffic in-zone
 * only when the EndpointSlice controller has given every endpoint a zone hint, which it does only
 * when the endpoints are spread in proportion to each zone's allocatable CPU. internal-local is
 * the mistake the pack's internal-traffic-policy-local flags: its pods are never on the Job's node,
 * so kube-proxy there drops every request. prefer-same-zone-rolling is PreferSameZone measured
 * while its own Deployment rolls (the Job restarts it), through the EndpointSlice updates.
 */
export const ROUTING_VARIANTS: readonly RoutingVariant[] = [
    { variant: "baseline", backend: ECHO_NAME },
    { variant: "prefer-same-zone", backend: ECHO_NAME, trafficDistribution: "PreferSameZone" },
    { variant: "prefer-same-node", backend: ECHO_NAME, trafficDistribution: "PreferSameNode" },
    { variant: "topology-mode-auto", backend: ECHO_NAME, annotations: { "service.kubernetes.io/topology-mode": "Auto" } },
    { variant: "internal-local", backend: LOCAL_ECHO_NAME, internalTrafficPolicy: "Local" },
    { variant: "prefer-same-zone-rolling", backend: ROLLING_ECHO_NAME, trafficDistribution: "PreferSameZone" },
];

/** Echo pods per zone of each Deployment: more than one where same-node and same-zone should differ. */
const PODS_PER_ZONE: Record<RoutingVariant["backend"], number> = { [ECHO_NAME]: 2, [LOCAL_ECHO_NAME]: 1, [ROLLING_ECHO_NAME]: 2 };
const ECHO_PORT = 8080;
/** zone-echo answers this long after being told to stop, while kube-proxy takes it out of the endpoints. */
const DRAIN_SECONDS = 5;
/** In-cluster answers take milliseconds; a second bounds the dropped requests of internal-local. */
const REQUEST_TIMEOUT_MS = 1000;
const SCRIPTS_DIR = "/app";
const ECHO_SCRIPT = "components/measurement/zone-echo.js";
const MEASURER_SCRIPT = "components/measurement/measurer.js";

/** Non-root, read-only, no privilege: the node image's `node` user (uid 1000). */
const containerSecurityContext: k8s.types.input.core.v1.SecurityContext = {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/** Downward-API env the scripts learn their placement from (placement.ts). */
const placementEnv: k8s.types.input.core.v1.EnvVar[] = [
    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
];

export class CrossAzMeasurement extends pulumi.ComponentResource {
    public readonly namespace: string;
    /** Service name per variant. */
    public readonly serviceNames: Record<string, string>;
    /** kubectl commands: wait for the Job, read its report, run it again. */
    public readonly commands: { wait: string; report: string; rerun: string };

    constructor(name: string, args: CrossAzMeasurementArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before super(): bad input fails before anything, the component included, is declared.
        if (!Number.isInteger(args.zoneCount) || args.zoneCount < 1) {
            throw new Error(`CrossAzMeasurement zoneCount must be a whole number >= 1, got ${args.zoneCount}`);
        }
        if (!Number.isInteger(args.requests) || args.requests < 1 || args.requests > 100_000) {
            throw new Error(`CrossAzMeasurement requests must be 1-100000, got ${args.requests}`);
        }
        super("crossaz:k8s:CrossAzMeasurement", name, {}, opts);
        const namespaceName = args.namespace ?? DEFAULT_MEASUREMENT_NAMESPACE;
        const image = args.image ?? DEFAULT_MEASUREMENT_IMAGE;
        const parent = { parent: this };
        const partOf = { "app.kubernetes.io/part-of": "crossaz-measurement" };

        // Every pod here meets the restricted Pod Security Standard (containerSecurityContext): enforce it.
        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: namespaceName, labels: { ...partOf, ...podSecurityLabels("restricted") } },
        }, parent);
        // The namespace by its name, known at preview like every input; dependsOn keeps the order a reference would.
        const inside = { parent: this, dependsOn: [namespace] };
        const inNamespace = (resourceName: string, labels: Record<string, string> = partOf) =>
            ({ name: resourceName, namespace: namespaceName, labels });

        // Every pod reads its node's zone label: get on nodes. The echo pods get nothing else;
        // the measurer also lists EndpointSlices and restarts the rolling Deployment (below).
        const zoneReader = new k8s.core.v1.ServiceAccount(`${name}-zone-reader`, {
            metadata: inNamespace("zone-reader"),
        }, inside);
        const measurerAccount = new k8s.core.v1.ServiceAccount(`${name}-measurer`, {
            metadata: inNamespace("measurer"),
        }, inside);
        const nodeReader = new k8s.rbac.v1.ClusterRole(`${name}-node-reader`, {
            metadata: { name: `${namespaceName}-node-reader`, labels: partOf },
            rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }],
        }, inside);
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-node-reader`, {
            metadata: { name: `${namespaceName}-node-reader`, labels: partOf },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: nodeReader.metadata.name },
            subjects: [zoneReader, measurerAccount].map(account =>
                ({ kind: "ServiceAccount", name: account.metadata.name, namespace: namespaceName })),
        }, inside);
        const measurerRole = new k8s.rbac.v1.Role(`${name}-measurer`, {
            metadata: inNamespace("measurer"),
            rules: [
                // The endpoints lines of the report.
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list"] },
                // Pod churn: restart that one Deployment and watch it roll.
                { apiGroups: ["apps"], resources: ["deployments"], resourceNames: [ROLLING_ECHO_NAME], verbs: ["get", "patch"] },
            ],
        }, inside);
        new k8s.rbac.v1.RoleBinding(`${name}-measurer`, {
            metadata: inNamespace("measurer"),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: measurerRole.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: measurerAccount.metadata.name, namespace: namespaceName }],
        }, inside);

        const scripts = compileForPod([ECHO_SCRIPT, MEASURER_SCRIPT].map(script => script.replace(/\.js$/, ".ts")));
        // Named after its content: a change to the scripts replaces the ConfigMap, which rolls
        // the echo pods and replaces the Job (a re-measurement with the new code).
        const scriptsConfigMap = new k8s.core.v1.ConfigMap(`${name}-scripts`, {
            metadata: inNamespace(`crossaz-measurement-scripts-${contentHash(scripts)}`),
            data: Object.fromEntries(scripts.map(file => [configMapKey(file.path), file.javascript])),
        }, inside);
        // Each key mounted at its repository path, so relative requires resolve as in the repo.
        const scriptsVolume: k8s.types.input.core.v1.Volume = {
            name: "scripts",
            configMap: {
                name: scriptsConfigMap.metadata.name,
                items: scripts.map(file => ({ key: configMapKey(file.path), path: file.path })),
            },
        };
        const scriptsMount = { name: "scripts", mountPath: SCRIPTS_DIR, readOnly: true };
        const podLabels = (app: string) => ({ "app.kubernetes.io/name": app, ...partOf });
        const onNodeOf = (app: string) => ({ labelSelector: { matchLabels: podLabels(app) }, topologyKey: "kubernetes.io/hostname" });

        const echoes = ([ECHO_NAME, LOCAL_ECHO_NAME, ROLLING_ECHO_NAME] as const).map(backend => {
            const labels = podLabels(backend);
            return new k8s.apps.v1.Deployment(`${name}-${backend}`, {
                metadata: inNamespace(backend, labels),
                spec: {
                    replicas: PODS_PER_ZONE[backend] * args.zoneCount,
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: zoneReader.metadata.name,
                            volumes: [scriptsVolume],
                            topologySpreadConstraints: zoneSpreadConstraints(labels, args.zoneCount),
                            // internal-local's pods keep off zone-echo's nodes where they can, so
                            // the Job (below) can run next to a zone-echo pod and away from them.
                            ...(backend === LOCAL_ECHO_NAME && {
                                affinity: {
                                    podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: onNodeOf(ECHO_NAME) }] },
                                },
                            }),
                            containers: [{
                                name: ECHO_NAME,
                                image,
                                command: ["node", `${SCRIPTS_DIR}/${ECHO_SCRIPT}`],
                                env: [{ name: "PORT", value: String(ECHO_PORT) }, ...placementEnv],
                                ports: [{ name: "http", containerPort: ECHO_PORT }],
                                readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5 },
                                // Errors during a rollout are then routing's, not an echo pod's abrupt exit.
                                lifecycle: { preStop: { sleep: { seconds: DRAIN_SECONDS } } },
                                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
                                securityContext: containerSecurityContext,
                                volumeMounts: [scriptsMount],
                            }],
                        },
                    },
                },
            }, inside);
        });

        const serviceNames: Record<string, string> = {};
        const services = ROUTING_VARIANTS.map(({ variant, backend, trafficDistribution, annotations, internalTrafficPolicy }) => {
            serviceNames[variant] = `${ECHO_NAME}-${variant}`;
            // baseline, topology-mode-auto and internal-local have no trafficDistribution on
            // purpose: they are what the others are measured against. The pack's
            // service-traffic-distribution policy exempts them by name through policies/config
            // (see docs/measurement.md), not by a weaker rule.
            return new k8s.core.v1.Service(`${name}-${variant}`, {
                metadata: {
                    ...inNamespace(serviceNames[variant], { ...partOf, "crossaz.dev/routing-variant": variant }),
                    ...(annotations && { annotations }),
                },
                spec: {
                    type: "ClusterIP",
                    selector: podLabels(backend),
                    ports: [{ name: "http", port: 80, targetPort: "http" }],
                    ...(trafficDistribution && { trafficDistribution }),
                    ...(internalTrafficPolicy && { internalTrafficPolicy }),
                },
            }, inside);
        });

        /** The measurer's env format: variant=value pairs, comma-separated. */
        const pairs = (variants: readonly RoutingVariant[], valueOf: (v: RoutingVariant) => string) =>
            variants.map(v => `${v.variant}=${valueOf(v)}`).join(",");
        const rolling = ROUTING_VARIANTS.filter(v => v.backend === ROLLING_ECHO_NAME);
        const dropping = ROUTING_VARIANTS.filter(v => v.internalTrafficPolicy === "Local");
        const jobLabels = podLabels(JOB_NAME);
        new k8s.batch.v1.Job(`${name}-job`, {
            metadata: {
                ...inNamespace(JOB_NAME, jobLabels),
                // pulumi up should not wait on (or fail with) a measurement; read it with kubectl.
                annotations: { "pulumi.com/skipAwait": "true" },
            },
            spec: {
                backoffLimit: 1,
                ttlSecondsAfterFinished: 24 * 3600, // a day to read the report before the Job is collected
                template: {
                    metadata: { labels: jobLabels },
                    spec: {
                        serviceAccountName: measurerAccount.metadata.name,
                        volumes: [scriptsVolume],
                        restartPolicy: "Never",
                        affinity: {
                            // Never on a node with an internal-local pod: kube-proxy on the Job's node
                            // has no local endpoint for that Service, which is what it measures.
                            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [onNodeOf(LOCAL_ECHO_NAME)] },
                            // Next to a zone-echo pod where it can, so PreferSameNode has one to prefer.
                            podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: onNodeOf(ECHO_NAME) }] },
                        },
                        containers: [{
                            name: "measurer",
                            image,
                            command: ["node", `${SCRIPTS_DIR}/${MEASURER_SCRIPT}`],
                            env: [
                                { name: "TARGETS", value: pairs(ROUTING_VARIANTS, v => `http://${serviceNames[v.variant]}.${namespaceName}.svc:80`) },
                                { name: "REQUESTS", value: String(args.requests) },
                                { name: "REQUEST_TIMEOUT_MS", value: String(REQUEST_TIMEOUT_MS) },
                                ...(args.eastWestGbPerMonth !== undefined
                                    ? [{ name: "EAST_WEST_GB_PER_MONTH", value: String(args.eastWestGbPerMonth) }] : []),
                                { name: "SERVICES", value: pairs(ROUTING_VARIANTS, v => serviceNames[v.variant]) },
                                { name: "ROLLING", value: pairs(rolling, v => v.backend) },
                                { name: "EXPECT_DROPS", value: dropping.map(v => v.variant).join(",") },
                                { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                                ...placementEnv,
                            ],
                            resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
                            securityContext: containerSecurityContext,
                            volumeMounts: [scriptsMount],
                        }],
                    },
                },
            },
        }, {
            parent: this,
            dependsOn: [...echoes, ...services],
            deleteBeforeReplace: true, // a changed Job is a new Job under the same name
        });

        this.namespace = namespaceName;
        this.serviceNames = serviceNames;
        const kubectl = `kubectl -n ${namespaceName}`;
        this.commands = {
            wait: `${kubectl} wait --for=condition=complete --timeout=15m job/${JOB_NAME}`,
            report: `${kubectl} logs job/${JOB_NAME}`,
            rerun: `${kubectl} delete job ${JOB_NAME} --ignore-not-found && pulumi up --refresh`,
        };
        this.registerOutputs({ namespace: this.namespace, serviceNames, commands: this.commands });
    }
}
