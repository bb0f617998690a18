/**
 * ZonalService: a Kubernetes workload whose traffic stays in its zone by construction.
 * - The Service sets `trafficDistribution` (PreferSameZone, or PreferSameNode), which only helps
 *   when every zone has endpoints: pods spread over zones with minDomains = AZ count.
 * - perZone: one Deployment and one HPA per AZ, each pinned to its zone, behind one Service, so
 *   a busy zone scales by itself (the pattern for the 2-3 hottest services).
 * - The ALB Ingress targets pod IPs (`target-type: ip`): no NodePort hop across zones.
 * - The container learns its zone and node from the downward API: NODE_NAME from spec.nodeName,
 *   ZONE from the pod's `topology.kubernetes.io/zone` label, which Kubernetes 1.35 copies from
 *   the node when the pod is bound (PodTopologyLabelsAdmission, beta and on by default in 1.35;
 *   the label is empty on older clusters). Per-zone Deployments set ZONE as a literal.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ZonalServiceConfig } from "./config";
import { INGRESS_CLASS_NAME } from "./eks-auto-mode";
import { ZONE_TOPOLOGY_KEY, zoneSpreadConstraints } from "./zone-spread";

export interface ZonalServiceArgs {
    /** The service as configured in `services` (defaults filled in by components/config.ts). */
    service: ZonalServiceConfig;
    /** The cluster's AZs, in order: spread minDomains defaults to their count; perZone makes one Deployment each. */
    availabilityZones: string[];
}

const NAME_LABEL = "app.kubernetes.io/name";
/** Tells the per-zone Deployments of one service apart. */
const ZONE_LABEL = "cross-az-platform/zone";
const HOSTNAME_TOPOLOGY_KEY = "kubernetes.io/hostname";

export class ZonalService extends pulumi.ComponentResource {
    public readonly serviceName: string;
    /** In-cluster DNS name of the Service. */
    public readonly serviceHost: string;
    public readonly deploymentNames: string[];

    constructor(name: string, args: ZonalServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("crossaz:k8s:ZonalService", name, {}, opts);
        const parent = { parent: this };
        const service = args.service;
        const azs = args.availabilityZones;
        const namespace = service.namespace;
        const selector = { [NAME_LABEL]: service.name };
        const maxReplicas = service.hpa.maxReplicas ?? 3 * service.replicas;

        // Kubernetes names are literals, not outputs of other resources, so they stay known in a first preview.
        const zones: (string | undefined)[] = service.perZone ? azs : [undefined];
        const deploymentNames = zones.map(zone => zone ? `${service.name}-${zone}` : service.name);
        zones.forEach((zone, i) => {
            const resourceName = zone ? `${name}-${zone}` : name;
            const deploymentName = deploymentNames[i];
            const labels = zone ? { ...selector, [ZONE_LABEL]: zone } : selector;
            const deployment = this.deployment(resourceName, deploymentName, service, labels, zone, service.minDomains ?? azs.length);
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(resourceName, {
                metadata: { name: deploymentName, namespace },
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
                    minReplicas: service.replicas,
                    maxReplicas,
                    metrics: [
                        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: service.hpa.cpuUtilization } } },
                        { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: service.hpa.memoryUtilization } } },
                    ],
                },
            }, { parent: this, dependsOn: [deployment] });
        });

        const k8sService = new k8s.core.v1.Service(name, {
            metadata: { name: service.name, namespace, labels: selector },
            spec: {
                type: "ClusterIP",
                selector, // every zone's pods: the zone preference picks among them
                ports: [{ name: "http", port: service.port, targetPort: "http", protocol: "TCP" }],
                trafficDistribution: service.routing,
            },
        }, parent);

        new k8s.policy.v1.PodDisruptionBudget(name, {
            metadata: { name: service.name, namespace },
            spec: { minAvailable: service.pdb.minAvailable, selector: { matchLabels: selector } },
        }, parent);

        if (service.ingress) {
            new k8s.networking.v1.Ingress(name, {
                metadata: {
                    name: service.name,
                    namespace,
                    annotations: {
                        "alb.ingress.kubernetes.io/target-type": "ip", // straight to pod IPs, no NodePort hop
                        "alb.ingress.kubernetes.io/scheme": service.ingress.scheme,
                        ...(service.probePath ? { "alb.ingress.kubernetes.io/healthcheck-path": service.probePath } : {}),
                    },
                },
                spec: {
                    ingressClassName: INGRESS_CLASS_NAME,
                    rules: [{
                        ...(service.ingress.host ? { host: service.ingress.host } : {}),
                        http: {
                            paths: [{
                                path: service.ingress.path,
                                pathType: "Prefix",
                                backend: { service: { name: service.name, port: { number: service.port } } },
                            }],
                        },
                    }],
                },
            }, { parent: this, dependsOn: [k8sService] });
        }

        this.serviceName = service.name;
        this.serviceHost = `${service.name}.${namespace}.svc.cluster.local`;
        this.deploymentNames = deploymentNames;
        this.registerOutputs({ serviceName: this.serviceName, deploymentNames: this.deploymentNames });
    }

    /**
     * One Deployment. Without a zone it spreads over all zones (minDomains zones); with one it
     * is pinned there and spreads over nodes instead: a zone constraint with minDomains above
     * the one eligible zone would cap it at one pod.
     */
    private deployment(
        resourceName: string, deploymentName: string, service: ZonalServiceConfig,
        labels: Record<string, string>, zone: string | undefined, minDomains: number,
    ): k8s.apps.v1.Deployment {
        const probeAction = service.probePath
            ? { httpGet: { path: service.probePath, port: "http" } }
            : { tcpSocket: { port: "http" } };
        const zoneEnv: k8s.types.input.core.v1.EnvVar = zone
            ? { name: "ZONE", value: zone }
            : { name: "ZONE", valueFrom: { fieldRef: { fieldPath: `metadata.labels['${ZONE_TOPOLOGY_KEY}']` } } };
        return new k8s.apps.v1.Deployment(resourceName, {
            metadata: { name: deploymentName, namespace: service.namespace, labels },
            spec: {
                // No spec.replicas: the HPA owns the count (its minReplicas is `replicas`); a
                // replica count here would be reset on every update and fight the HPA.
                selector: { matchLabels: labels },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
                template: {
                    metadata: { labels },
                    spec: {
                        ...(service.arch ? { nodeSelector: { "kubernetes.io/arch": service.arch } } : {}),
                        ...(zone
                            ? {
                                affinity: {
                                    nodeAffinity: {
                                        requiredDuringSchedulingIgnoredDuringExecution: {
                                            nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_TOPOLOGY_KEY, operator: "In", values: [zone] }] }],
                                        },
                                    },
                                },
                                topologySpreadConstraints: [{
                                    topologyKey: HOSTNAME_TOPOLOGY_KEY, maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway",
                                    labelSelector: { matchLabels: labels },
                                }],
                            }
                            : { topologySpreadConstraints: zoneSpreadConstraints(labels, minDomains) }),
                        containers: [{
                            name: service.name,
                            image: service.image,
                            ports: [{ name: "http", containerPort: service.port, protocol: "TCP" }],
                            env: [
                                zoneEnv,
                                { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                                ...Object.entries(service.env).map(([envName, value]) => ({ name: envName, value })),
                            ],
                            resources: {
                                requests: { cpu: service.cpu, memory: service.memory },
                                limits: { memory: service.memoryLimit ?? service.memory, ...(service.cpuLimit ? { cpu: service.cpuLimit } : {}) },
                            },
                            readinessProbe: { ...probeAction, periodSeconds: 5, failureThreshold: 2 },
                            livenessProbe: { ...probeAction, initialDelaySeconds: 15, periodSeconds: 10, failureThreshold: 3 },
                            securityContext: { allowPrivilegeEscalation: false },
                        }],
                    },
                },
            },
        }, { parent: this });
    }
}

/**
 * One Namespace per distinct non-default namespace of the services, keyed by name, so each
 * ZonalService can depend on its namespace. Declared with the options given (the cluster's provider).
 */
export function serviceNamespaces(services: ZonalServiceConfig[], opts: pulumi.CustomResourceOptions): Map<string, k8s.core.v1.Namespace> {
    const names = [...new Set(services.map(s => s.namespace))].filter(ns => ns !== "default");
    return new Map(names.map(ns => [ns, new k8s.core.v1.Namespace(`namespace-${ns}`, { metadata: { name: ns } }, opts)]));
}
