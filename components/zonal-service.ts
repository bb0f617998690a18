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
 * - Pods meet the restricted Pod Security Standard by default (non-root, read-only root, no
 *   capabilities, RuntimeDefault seccomp, no service account token), with emptyDirs where the
 *   image writes. The namespaces the project creates enforce that standard and deny all traffic
 *   but DNS and calls inside the namespace; each service adds what its Ingress and egressCidrs need.
 * - The Ingress ALB: HTTPS with a TLS 1.3 policy and HTTP redirected to it when a certificate is
 *   configured, invalid headers dropped, ARC zonal shift on, access logs and deletion protection.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POD_SECURITY_LEVELS, ZonalServiceConfig } from "./config";
import { INGRESS_CLASS_NAME } from "./eks-auto-mode";
import { ZONE_TOPOLOGY_KEY, zoneSpreadConstraints } from "./zone-spread";

export interface ZonalServiceArgs {
    /** The service as configured in `services` (defaults filled in by components/config.ts). */
    service: ZonalServiceConfig;
    /** The cluster's AZs, in order: spread minDomains defaults to their count; perZone makes one Deployment each. */
    availabilityZones: string[];
    /** Where the Ingress ALB's nodes send from (its targets are pod IPs): the VPC CIDR for an internal ALB... */
    vpcCidr: string;
    /** ...and the public subnets for an internet-facing one. */
    publicSubnetCidrs: string[];
    /** S3 bucket the Ingress ALB writes its access logs to (AccessLogBucket); none: no access logs. */
    accessLogsBucket?: pulumi.Input<string>;
    /** Deletion protection on the Ingress ALB (the controller then cannot delete it with the Ingress). */
    protect: boolean;
}

const NAME_LABEL = "app.kubernetes.io/name";
/** Tells the per-zone Deployments of one service apart. */
const ZONE_LABEL = "cross-az-platform/zone";
const HOSTNAME_TOPOLOGY_KEY = "kubernetes.io/hostname";
/** Modern TLS only (TLS 1.3 and 1.2), as on the ECS ALBs. */
export const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** The namespace the project does not create: it gets no Pod Security labels and no NetworkPolicies. */
const DEFAULT_NAMESPACE = "default";

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
                        ...(service.ingress.certificateArn ? {
                            "alb.ingress.kubernetes.io/certificate-arn": service.ingress.certificateArn,
                            "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
                            "alb.ingress.kubernetes.io/ssl-redirect": "443", // port 80 only redirects
                            "alb.ingress.kubernetes.io/ssl-policy": SSL_POLICY,
                        } : {}),
                        "alb.ingress.kubernetes.io/load-balancer-attributes": loadBalancerAttributes(args, `eks/${namespace}/${service.name}`),
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
        if (namespace !== DEFAULT_NAMESPACE) this.networkPolicy(name, service, selector, args);

        this.serviceName = service.name;
        this.serviceHost = `${service.name}.${namespace}.svc.cluster.local`;
        this.deploymentNames = deploymentNames;
        this.registerOutputs({ serviceName: this.serviceName, deploymentNames: this.deploymentNames });
    }

    /**
     * What the service's pods accept and reach beyond the namespace's own rules (serviceNamespaces):
     * the Ingress ALB's nodes on the service port, and egressCidrs. Nothing when it needs neither.
     */
    private networkPolicy(name: string, service: ZonalServiceConfig, selector: Record<string, string>, args: ZonalServiceArgs): void {
        const albSources = !service.ingress ? []
            : service.ingress.scheme === "internet-facing" ? args.publicSubnetCidrs : [args.vpcCidr];
        const policyTypes = [...(albSources.length > 0 ? ["Ingress"] : []), ...(service.egressCidrs.length > 0 ? ["Egress"] : [])];
        if (policyTypes.length === 0) return;
        new k8s.networking.v1.NetworkPolicy(name, {
            metadata: { name: service.name, namespace: service.namespace },
            spec: {
                podSelector: { matchLabels: selector },
                policyTypes,
                ...(albSources.length > 0 ? {
                    ingress: [{ from: albSources.map(cidr => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: service.port }] }],
                } : {}),
                ...(service.egressCidrs.length > 0 ? { egress: [{ to: service.egressCidrs.map(cidr => ({ ipBlock: { cidr } })) }] } : {}),
            },
        }, { parent: this });
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
        const restricted = service.podSecurity === "restricted";
        const writable = service.writablePaths.map((path, i) => ({ name: `writable-${i}`, path }));
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
                        automountServiceAccountToken: service.serviceAccountToken,
                        securityContext: { ...(restricted ? { runAsNonRoot: true } : {}), seccompProfile: { type: "RuntimeDefault" } },
                        volumes: writable.map(({ name }) => ({ name, emptyDir: {} })),
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
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: service.readOnlyRootFilesystem,
                                ...(restricted ? { capabilities: { drop: ["ALL"] } } : {}),
                            },
                            volumeMounts: writable.map(({ name, path }) => ({ name, mountPath: path })),
                        }],
                    },
                },
            },
        }, { parent: this });
    }
}

/** The Ingress ALB's attributes: invalid headers dropped, zonal shift, deletion protection, access logs under `prefix`. */
function loadBalancerAttributes(args: ZonalServiceArgs, prefix: string): pulumi.Input<string> {
    const attributes = [
        "routing.http.drop_invalid_header_fields.enabled=true",
        "zonal_shift.config.enabled=true", // ARC can shift the ALB away from an impaired AZ
        `deletion_protection.enabled=${args.protect}`,
    ];
    if (!args.accessLogsBucket) return attributes.join(",");
    return pulumi.interpolate`${attributes.join(",")},access_logs.s3.enabled=true,access_logs.s3.bucket=${args.accessLogsBucket},access_logs.s3.prefix=${prefix}`;
}

/** Labels that make the Pod Security admission controller enforce, audit and warn on one standard. */
export function podSecurityLabels(level: ZonalServiceConfig["podSecurity"]): Record<string, string> {
    return Object.fromEntries(["enforce", "audit", "warn"].map(mode => [`pod-security.kubernetes.io/${mode}`, level]));
}

/**
 * One Namespace per distinct non-default namespace of the services, keyed by name, so each
 * ZonalService can depend on its namespace. Each enforces the least strict Pod Security Standard its
 * services ask for (restricted unless one says baseline) and denies all traffic to and from its pods
 * except DNS and calls between them; each ZonalService opens what its Ingress needs. Declared with
 * the options given (the cluster's provider).
 */
export function serviceNamespaces(services: ZonalServiceConfig[], opts: pulumi.CustomResourceOptions): Map<string, k8s.core.v1.Namespace> {
    const names = [...new Set(services.map(s => s.namespace))].filter(ns => ns !== DEFAULT_NAMESPACE);
    return new Map(names.map(ns => {
        const levels = services.filter(s => s.namespace === ns).map(s => POD_SECURITY_LEVELS.indexOf(s.podSecurity));
        const namespace = new k8s.core.v1.Namespace(`namespace-${ns}`, {
            metadata: { name: ns, labels: podSecurityLabels(POD_SECURITY_LEVELS[Math.max(...levels)]) },
        }, opts);
        const inNamespace = { ...opts, dependsOn: [namespace] };
        const everyPod = {};
        new k8s.networking.v1.NetworkPolicy(`namespace-${ns}-default-deny`, {
            metadata: { name: "default-deny", namespace: ns },
            spec: { podSelector: everyPod, policyTypes: ["Ingress", "Egress"] },
        }, inNamespace);
        new k8s.networking.v1.NetworkPolicy(`namespace-${ns}-allow-dns`, {
            metadata: { name: "allow-dns", namespace: ns },
            spec: {
                podSelector: everyPod,
                policyTypes: ["Egress"],
                // Any destination: Auto Mode answers DNS on the node, not from kube-dns pods a selector could name.
                egress: [{ ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }],
            },
        }, inNamespace);
        new k8s.networking.v1.NetworkPolicy(`namespace-${ns}-allow-same-namespace`, {
            metadata: { name: "allow-same-namespace", namespace: ns },
            spec: {
                podSelector: everyPod,
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: everyPod }] }],
                egress: [{ to: [{ podSelector: everyPod }] }],
            },
        }, inNamespace);
        return [ns, namespace];
    }));
}
