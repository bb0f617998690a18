/**
 * CrossAzMeasurement: measures, inside the cluster, how much Service traffic stays in its zone
 * under each routing strategy. zone-echo pods spread over the zones answer with their zone;
 * three Services select the same pods (baseline, PreferSameZone, PreferSameNode); a Job sends
 * the same requests to each from its own pod and prints the report (measurement/report.ts) to
 * its log. No custom image: the programs are TypeScript in this repository, transpiled at
 * program time into a ConfigMap and run by a pinned public Node image.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_MEASUREMENT_IMAGE, DEFAULT_MEASUREMENT_NAMESPACE } from "./config";
import { compileForPod, configMapKey, contentHash } from "./measurement/compile";
import { podSecurityLabels } from "./zonal-service";
import { zoneSpreadConstraints } from "./zone-spread";

export interface CrossAzMeasurementArgs {
    /** Zones the echo pods spread over (minDomains of the spread); two echo pods per zone. */
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

/** The routing variants: one Service each over the same pods. */
export const ROUTING_VARIANTS = [
    { variant: "baseline", trafficDistribution: undefined },
    { variant: "prefer-same-zone", trafficDistribution: "PreferSameZone" },
    { variant: "prefer-same-node", trafficDistribution: "PreferSameNode" },
] as const;

export const ECHO_NAME = "zone-echo";
export const JOB_NAME = "crossaz-measure";
const ECHO_PORT = 8080;
const SCRIPTS_DIR = "/app";
const ECHO_SCRIPT = "components/measurement/zone-echo.js";
const MEASURER_SCRIPT = "components/measurement/measurer.js";
const ECHO_PODS_PER_ZONE = 2; // more than one per zone, so same-node and same-zone differ

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
        const inNamespace = (resourceName: string, labels: Record<string, string> = partOf) =>
            ({ name: resourceName, namespace: namespace.metadata.name, labels });

        // The scripts read their node's zone label: get on nodes, nothing else.
        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-zone-reader`, {
            metadata: inNamespace("zone-reader"),
        }, parent);
        const nodeReader = new k8s.rbac.v1.ClusterRole(`${name}-node-reader`, {
            metadata: { name: `${namespaceName}-node-reader`, labels: partOf },
            rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }],
        }, parent);
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-node-reader`, {
            metadata: { name: `${namespaceName}-node-reader`, labels: partOf },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: nodeReader.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: namespace.metadata.name }],
        }, parent);

        const scripts = compileForPod([ECHO_SCRIPT, MEASURER_SCRIPT].map(script => script.replace(/\.js$/, ".ts")));
        // Named after its content: a change to the scripts replaces the ConfigMap, which rolls
        // the echo pods and replaces the Job (a re-measurement with the new code).
        const scriptsConfigMap = new k8s.core.v1.ConfigMap(`${name}-scripts`, {
            metadata: inNamespace(`crossaz-measurement-scripts-${contentHash(scripts)}`),
            data: Object.fromEntries(scripts.map(file => [configMapKey(file.path), file.javascript])),
        }, parent);
        // Each key mounted at its repository path, so relative requires resolve as in the repo.
        const scriptsVolume: k8s.types.input.core.v1.Volume = {
            name: "scripts",
            configMap: {
                name: scriptsConfigMap.metadata.name,
                items: scripts.map(file => ({ key: configMapKey(file.path), path: file.path })),
            },
        };
        const scriptsMount = { name: "scripts", mountPath: SCRIPTS_DIR, readOnly: true };
        const podSpec = { serviceAccountName: serviceAccount.metadata.name, volumes: [scriptsVolume] };

        const echoLabels = { "app.kubernetes.io/name": ECHO_NAME, ...partOf };
        const echo = new k8s.apps.v1.Deployment(`${name}-${ECHO_NAME}`, {
            metadata: inNamespace(ECHO_NAME, echoLabels),
            spec: {
                replicas: ECHO_PODS_PER_ZONE * args.zoneCount,
                selector: { matchLabels: echoLabels },
                template: {
                    metadata: { labels: echoLabels },
                    spec: {
                        ...podSpec,
                        topologySpreadConstraints: zoneSpreadConstraints(echoLabels, args.zoneCount),
                        containers: [{
                            name: ECHO_NAME,
                            image,
                            command: ["node", `${SCRIPTS_DIR}/${ECHO_SCRIPT}`],
                            env: [{ name: "PORT", value: String(ECHO_PORT) }, ...placementEnv],
                            ports: [{ name: "http", containerPort: ECHO_PORT }],
                            readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5 },
                            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
                            securityContext: containerSecurityContext,
                            volumeMounts: [scriptsMount],
                        }],
                    },
                },
            },
        }, parent);

        const serviceNames: Record<string, string> = {};
        const services = ROUTING_VARIANTS.map(({ variant, trafficDistribution }) => {
            serviceNames[variant] = `${ECHO_NAME}-${variant}`;
            // baseline has no trafficDistribution on purpose: it is the random routing the
            // others are measured against. The pack's service-traffic-distribution policy
            // exempts it by name through policies/config (see README), not by a weaker rule.
            return new k8s.core.v1.Service(`${name}-${variant}`, {
                metadata: inNamespace(serviceNames[variant], { ...partOf, "crossaz.dev/routing-variant": variant }),
                spec: {
                    type: "ClusterIP",
                    selector: echoLabels,
                    ports: [{ name: "http", port: 80, targetPort: "http" }],
                    ...(trafficDistribution ? { trafficDistribution } : {}),
                },
            }, parent);
        });

        const targets = ROUTING_VARIANTS
            .map(({ variant }) => `${variant}=http://${serviceNames[variant]}.${namespaceName}.svc:80`).join(",");
        const jobLabels = { "app.kubernetes.io/name": JOB_NAME, ...partOf };
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
                        ...podSpec,
                        restartPolicy: "Never",
                        containers: [{
                            name: "measurer",
                            image,
                            command: ["node", `${SCRIPTS_DIR}/${MEASURER_SCRIPT}`],
                            env: [
                                { name: "TARGETS", value: targets },
                                { name: "REQUESTS", value: String(args.requests) },
                                ...(args.eastWestGbPerMonth !== undefined
                                    ? [{ name: "EAST_WEST_GB_PER_MONTH", value: String(args.eastWestGbPerMonth) }] : []),
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
            dependsOn: [echo, ...services],
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
