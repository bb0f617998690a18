/**
 * AutoModeCluster: an EKS Auto Mode cluster built from `aws.eks.Cluster` and our own IAM roles
 * (an `eks.Cluster` from @pulumi/eks is one opaque resource offline, so tests and the policy
 * pack could not see inside it), plus what Auto Mode does not create by itself: the `alb`
 * IngressClass, a default encrypted StorageClass, NetworkPolicy enforcement and optional
 * Graviton and Spot node pools. Auto Mode already runs the Pod Identity agent, CoreDNS
 * (node-local), kube-proxy and the VPC CNI, so none of them is declared as an add-on here.
 * Control-plane logs go to a KMS-encrypted log group; with `protect` the cluster, its keys and
 * that log group survive an accidental delete or replace.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksConfig, ProtectConfig } from "./config";
import { logsKey } from "./log-encryption";

export interface AutoModeClusterArgs {
    /** Kubernetes minor version, e.g. "1.35" (config default). */
    version: string;
    /** Private subnet ids, one per AZ: the control-plane ENIs and every node live here. */
    privateSubnetIds: pulumi.Input<string>[];
    /** CIDRs allowed on the public API endpoint; empty (the default) keeps the endpoint private only. */
    endpointPublicAccessCidrs: string[];
    /** IAM role or user ARN given AmazonEKSClusterAdminPolicy; default none. */
    adminPrincipalArn?: string;
    /** Grant the cluster creator admin rights (bootstrapClusterCreatorAdminPermissions); default false. */
    clusterCreatorAdmin: boolean;
    /** Envelope-encrypt secrets with a customer-managed KMS key (rotation on); default false. */
    secretsEncryption: boolean;
    /** STANDARD (default): upgraded at the end of standard support; EXTENDED: extended support, $0.60 instead of $0.10 per hour. */
    supportType: EksConfig["supportType"];
    /** Days the control-plane log group keeps its logs; default 30. */
    logRetentionDays: number;
    /** Control-plane log types sent to CloudWatch; default api, audit, authenticator. */
    controlPlaneLogTypes: EksConfig["controlPlaneLogTypes"];
    /** ARC zonal shift (zonalShiftConfig); default true. */
    zonalShift: boolean;
    /** EKS deletionProtection, and Pulumi `protect` on the cluster, its KMS keys and its log group. */
    protect: boolean;
    /** reclaimPolicy of the default StorageClass (config default Retain). */
    volumeReclaimPolicy: ProtectConfig["volumeReclaimPolicy"];
    /** Custom node pools: Graviton (arm64, weight 10) and Spot (weight 80); both off by default. */
    nodePools: EksConfig["nodePools"];
    /** metrics-server and amazon-cloudwatch-observability add-ons; both on by default. */
    addons: EksConfig["addons"];
    /** Extra tags on every AWS resource. */
    tags?: Record<string, string>;
}

/** Policies the Auto Mode cluster role needs: compute, block storage, load balancing, networking. */
export const CLUSTER_ROLE_POLICIES = [
    "AmazonEKSClusterPolicy",
    "AmazonEKSComputePolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingPolicy",
] as const;
/** The least-privilege node pair (not AmazonEKSWorkerNodePolicy / ECR ReadOnly). */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"] as const;
/** What the CloudWatch agent and its X-Ray receiver need. */
export const OBSERVABILITY_ROLE_POLICIES = ["CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"] as const;

export const INGRESS_CLASS_NAME = "alb";
/** Where the amazon-cloudwatch-observability add-on runs its agent, the one Pod Identity role's user. */
const CLOUDWATCH_AGENT = { namespace: "amazon-cloudwatch", serviceAccount: "cloudwatch-agent" };
/** API version of the Auto Mode CRDs (NodeClass, IngressClassParams); never karpenter.k8s.aws. */
const AUTO_MODE_API_VERSION = "eks.amazonaws.com/v1";
const NODE_POOL_API_VERSION = "karpenter.sh/v1";

/** A managed policy ARN in the current partition (aws, aws-cn, aws-us-gov). */
const managedPolicyArn = (partition: pulumi.Input<string>, policy: string) =>
    pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;

/** `<project>-<stack>-<name>`, as EKS allows (letters, digits, - and _, at most 100): unique per stack in an account. */
export function eksClusterName(name: string): string {
    return `${pulumi.getProject()}-${pulumi.getStack()}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 100);
}

/**
 * The cluster role's trust: EKS may assume it (with session tags, as Auto Mode does) for this cluster of
 * this account only, the aws:SourceArn and aws:SourceAccount conditions of EKS's confused-deputy guidance.
 */
export function clusterTrustPolicy(partition: string, region: string, accountId: string, clusterName: string) {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Service: "eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
                ArnLike: { "aws:SourceArn": `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}` },
                StringEquals: { "aws:SourceAccount": accountId },
            },
        }],
    };
}

/**
 * A Pod Identity role's trust, scoped by the session tags EKS Pod Identity sets: one service account
 * in one namespace of one cluster (aws:SourceAccount is not among the keys Pod Identity documents).
 */
export function podIdentityTrustPolicy(clusterName: string, namespace: string, serviceAccount: string) {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
                StringEquals: {
                    "aws:RequestTag/eks-cluster-name": clusterName,
                    "aws:RequestTag/kubernetes-namespace": namespace,
                    "aws:RequestTag/kubernetes-service-account": serviceAccount,
                },
            },
        }],
    };
}

export class AutoModeCluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    public readonly nodeRoleName: pulumi.Output<string>;
    /** kubeconfig authenticating through `aws eks get-token`; secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The provider every in-cluster resource (here and in ZonalService) is declared with. */
    public readonly provider: k8s.Provider;

    constructor(name: string, args: AutoModeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("crossaz:eks:AutoModeCluster", name, {}, opts);
        const parent = { parent: this };
        const tags = { ...args.tags };
        const partition = aws.getPartitionOutput({}, parent).partition;
        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        // The cluster's name is derived, not auto-named: its log group and its role's trust name it before it exists.
        const clusterName = eksClusterName(name);
        const kept = { parent: this, protect: args.protect };

        /** A role with AWS managed policies attached; `${name}-${suffix}` and `${name}-${suffix}-<policy>`. */
        const roleWithPolicies = (suffix: string, assumeRolePolicy: pulumi.Input<string>, description: string, policies: readonly string[]) => {
            const role = new aws.iam.Role(`${name}-${suffix}`, { assumeRolePolicy, description, tags }, parent);
            const attachments = policies.map(policy => new aws.iam.RolePolicyAttachment(`${name}-${suffix}-${policy}`, {
                role: role.name,
                policyArn: managedPolicyArn(partition, policy),
            }, parent));
            return { role, attachments };
        };

        const clusterTrust = pulumi.all([partition, region, account]).apply(([partitionName, regionName, accountId]) =>
            JSON.stringify(clusterTrustPolicy(partitionName, regionName, accountId, clusterName)));
        const { role: clusterRole, attachments: clusterRoleAttachments } = roleWithPolicies(
            "cluster", clusterTrust, "EKS Auto Mode cluster role", CLUSTER_ROLE_POLICIES);
        // The node trust policy AWS documents for Auto Mode: EC2 may assume it, with no session tags.
        const { role: nodeRole, attachments: nodeRoleAttachments } = roleWithPolicies("node", JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
        }), "EKS Auto Mode node role", NODE_ROLE_POLICIES);

        const secretsKey = args.secretsEncryption
            ? new aws.kms.Key(`${name}-secrets`, {
                description: `Envelope encryption of Kubernetes secrets in ${name}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags,
            }, kept)
            : undefined;

        // EKS writes control-plane logs to /aws/eks/<cluster>/cluster and, if that group does not
        // exist yet, creates it with no expiry and no key. Declaring it first bounds the retention
        // and encrypts it with a key of its own.
        const controlPlaneLogGroupName = `/aws/eks/${clusterName}/cluster`;
        const logsEncryptionKey = logsKey(`${name}-logs`, {
            description: `CloudWatch Logs encryption of the control-plane logs of ${clusterName}`,
            logGroupNames: [controlPlaneLogGroupName],
            protect: args.protect,
            tags,
        }, this);
        const controlPlaneLogs = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
            name: controlPlaneLogGroupName,
            retentionInDays: args.logRetentionDays,
            kmsKeyId: logsEncryptionKey.arn,
            tags,
        }, kept);

        // The three Auto Mode switches are literals, always known together: a mix of known and
        // unknown values here is a known way to fail preview.
        const cluster = new aws.eks.Cluster(name, {
            name: clusterName,
            version: args.version,
            upgradePolicy: { supportType: args.supportType },
            roleArn: clusterRole.arn,
            bootstrapSelfManagedAddons: false,
            accessConfig: {
                authenticationMode: "API",
                bootstrapClusterCreatorAdminPermissions: args.clusterCreatorAdmin,
            },
            computeConfig: {
                enabled: true,
                nodePools: ["general-purpose", "system"],
                nodeRoleArn: nodeRole.arn,
            },
            kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
            storageConfig: { blockStorage: { enabled: true } },
            vpcConfig: {
                subnetIds: args.privateSubnetIds,
                endpointPrivateAccess: true,
                endpointPublicAccess: args.endpointPublicAccessCidrs.length > 0,
                ...(args.endpointPublicAccessCidrs.length > 0 ? { publicAccessCidrs: args.endpointPublicAccessCidrs } : {}),
            },
            enabledClusterLogTypes: args.controlPlaneLogTypes,
            encryptionConfig: secretsKey ? { resources: ["secrets"], provider: { keyArn: secretsKey.arn } } : undefined,
            zonalShiftConfig: { enabled: args.zonalShift },
            deletionProtection: args.protect,
            tags,
        }, { ...kept, dependsOn: [...clusterRoleAttachments, ...nodeRoleAttachments, controlPlaneLogs] });

        const adminAccess: pulumi.Resource[] = [];
        if (args.adminPrincipalArn) {
            const entry = new aws.eks.AccessEntry(`${name}-admin`, {
                clusterName: cluster.name,
                principalArn: args.adminPrincipalArn,
                type: "STANDARD",
                tags,
            }, parent);
            adminAccess.push(entry, new aws.eks.AccessPolicyAssociation(`${name}-admin`, {
                clusterName: cluster.name,
                principalArn: args.adminPrincipalArn,
                policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                accessScope: { type: "cluster" },
            }, { parent: this, dependsOn: [entry] }));
        }

        if (args.addons.metricsServer) {
            new aws.eks.Addon(`${name}-metrics-server`, {
                clusterName: cluster.name,
                addonName: "metrics-server",
                resolveConflictsOnCreate: "OVERWRITE",
                tags,
            }, parent);
        }
        if (args.addons.cloudwatchObservability) {
            const { role: observabilityRole, attachments: observabilityAttachments } = roleWithPolicies("cloudwatch",
                JSON.stringify(podIdentityTrustPolicy(clusterName, CLOUDWATCH_AGENT.namespace, CLOUDWATCH_AGENT.serviceAccount)),
                "Pod Identity role of the amazon-cloudwatch-observability add-on", OBSERVABILITY_ROLE_POLICIES);
            new aws.eks.Addon(`${name}-cloudwatch-observability`, {
                clusterName: cluster.name,
                addonName: "amazon-cloudwatch-observability",
                resolveConflictsOnCreate: "OVERWRITE",
                podIdentityAssociations: [{ serviceAccount: CLOUDWATCH_AGENT.serviceAccount, roleArn: observabilityRole.arn }],
                tags,
            }, { parent: this, dependsOn: observabilityAttachments });
        }

        // When the creator is not an admin, the program must act as the admin principal (a role it assumes).
        const assumeAdminRole = !args.clusterCreatorAdmin && args.adminPrincipalArn?.includes(":role/")
            ? ["--role-arn", args.adminPrincipalArn] : [];
        this.kubeconfig = pulumi.secret(pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority, region])
            .apply(([clusterName, endpoint, certificateAuthority, regionName]) => kubeconfigFor({
                clusterName, endpoint, regionName, extraArgs: assumeAdminRole,
                certificateAuthorityData: certificateAuthority?.data ?? "",
            })));
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this, dependsOn: adminAccess });
        const inCluster = { parent: this, provider: this.provider };

        // No scheme here: each Ingress picks internet-facing or internal by annotation, and
        // IngressClassParams values would override it.
        const ingressClassParams = new k8s.apiextensions.CustomResource(`${name}-alb`, {
            apiVersion: AUTO_MODE_API_VERSION,
            kind: "IngressClassParams",
            metadata: { name: INGRESS_CLASS_NAME },
            spec: {},
        }, inCluster);
        new k8s.networking.v1.IngressClass(`${name}-alb`, {
            metadata: { name: INGRESS_CLASS_NAME },
            spec: {
                controller: "eks.amazonaws.com/alb",
                parameters: { apiGroup: "eks.amazonaws.com", kind: "IngressClassParams", name: INGRESS_CLASS_NAME },
            },
        }, { ...inCluster, dependsOn: [ingressClassParams] });

        new k8s.storage.v1.StorageClass(`${name}-gp3`, {
            metadata: { name: "auto-ebs-gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "ebs.csi.eks.amazonaws.com",
            volumeBindingMode: "WaitForFirstConsumer", // the volume is created in the zone the pod landed in
            allowVolumeExpansion: true,
            reclaimPolicy: args.volumeReclaimPolicy,
            parameters: { type: "gp3", encrypted: "true" },
        }, inCluster);

        // Auto Mode accepts NetworkPolicies but enforces them only once this ConfigMap turns its
        // network policy controller on; pods that no policy selects are unaffected.
        new k8s.core.v1.ConfigMap(`${name}-network-policy`, {
            metadata: { name: "amazon-vpc-cni", namespace: "kube-system" },
            data: { "enable-network-policy-controller": "true" },
        }, inCluster);

        const customPools = [
            ...(args.nodePools.graviton ? [gravitonPool] : []),
            ...(args.nodePools.spot ? [spotPool] : []),
        ];
        for (const pool of customPools) {
            // The node role already has the EC2 access entry EKS created with computeConfig, so
            // NodeClasses reusing it need no access entry of their own.
            const nodeClass = new k8s.apiextensions.CustomResource(`${name}-${pool.name}`, {
                apiVersion: AUTO_MODE_API_VERSION,
                kind: "NodeClass",
                metadata: { name: pool.name },
                spec: {
                    role: nodeRole.name,
                    subnetSelectorTerms: args.privateSubnetIds.map(id => ({ id })),
                    securityGroupSelectorTerms: [{ id: cluster.vpcConfig.clusterSecurityGroupId }],
                },
            }, inCluster);
            new k8s.apiextensions.CustomResource(`${name}-${pool.name}`, {
                apiVersion: NODE_POOL_API_VERSION,
                kind: "NodePool",
                metadata: { name: pool.name },
                spec: {
                    weight: pool.weight,
                    template: {
                        spec: {
                            nodeClassRef: { group: "eks.amazonaws.com", kind: "NodeClass", name: pool.name },
                            requirements: pool.requirements,
                            expireAfter: "336h",
                        },
                    },
                    disruption: {
                        consolidationPolicy: "WhenEmptyOrUnderutilized",
                        consolidateAfter: pool.consolidateAfter,
                        budgets: [{ nodes: pool.disruptionBudget }],
                    },
                },
            }, { ...inCluster, dependsOn: [nodeClass] });
        }

        this.clusterName = cluster.name;
        this.endpoint = cluster.endpoint;
        this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
        this.nodeRoleName = nodeRole.name;
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            nodeRoleName: this.nodeRoleName,
            kubeconfig: this.kubeconfig,
        });
    }
}

interface CustomPool {
    name: string;
    /** Higher weight is tried first; the built-in pools have none (0). */
    weight: number;
    requirements: { key: string; operator: string; values: string[] }[];
    consolidateAfter: string;
    disruptionBudget: string;
}

const CMR_FAMILIES = { key: "eks.amazonaws.com/instance-category", operator: "In", values: ["c", "m", "r"] };

const gravitonPool: CustomPool = {
    name: "graviton",
    weight: 10,
    requirements: [
        { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
        { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
        CMR_FAMILIES,
    ],
    consolidateAfter: "5m",
    disruptionBudget: "10%",
};

const spotPool: CustomPool = {
    name: "spot",
    weight: 80,
    requirements: [
        { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] },
        CMR_FAMILIES,
        { key: "eks.amazonaws.com/instance-generation", operator: "Gt", values: ["4"] }, // generation >= 5
        // amd64 only: the Spot pool is tried first, so arm64 here would land single-arch images on Graviton.
        { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
    ],
    consolidateAfter: "1m",
    disruptionBudget: "20%",
};

/** A kubeconfig for one cluster whose user runs `aws eks get-token` (no static credentials). */
export function kubeconfigFor(cluster: {
    clusterName: string; endpoint: string; certificateAuthorityData: string; regionName: string; extraArgs?: string[];
}): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: cluster.clusterName, cluster: { server: cluster.endpoint, "certificate-authority-data": cluster.certificateAuthorityData } }],
        contexts: [{ name: cluster.clusterName, context: { cluster: cluster.clusterName, user: cluster.clusterName } }],
        "current-context": cluster.clusterName,
        users: [{
            name: cluster.clusterName,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", cluster.clusterName, "--region", cluster.regionName, ...(cluster.extraArgs ?? [])],
                },
            },
        }],
    });
}
