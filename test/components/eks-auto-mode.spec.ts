import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../../components/config";
import { AutoModeCluster, AutoModeClusterArgs } from "../../components/eks-auto-mode";
import { CLUSTER_SECURITY_GROUP_ID, declare, one, ofType, Registration, valueOf } from "../helpers/mocks";

const ADMIN = "arn:aws:iam::111122223333:role/platform-admin";
const SUBNETS = ["subnet-a", "subnet-b", "subnet-c"];

/** Cluster args as index.ts passes them, from parsed config (eks and protect sections), with overrides. */
function argsFrom(eks: Record<string, unknown>, protect: Record<string, unknown> = {}): AutoModeClusterArgs {
    const config = parseStackConfig({ eks: { enabled: true, adminPrincipalArn: ADMIN, ...eks }, protect });
    return { ...config.eks, privateSubnetIds: SUBNETS, protect: config.protect.deletion, volumeReclaimPolicy: config.protect.volumeReclaimPolicy };
}

async function build(eks: Record<string, unknown> = {}, protect: Record<string, unknown> = {}): Promise<{ registered: Registration[]; cluster: AutoModeCluster }> {
    const { result: cluster, resources: registered } = await declare(() => new AutoModeCluster("eks", argsFrom(eks, protect)), { preview: false });
    return { registered, cluster };
}

const KEY = "aws:kms/key:Key";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const CLUSTER_ARN = "arn:aws:eks:us-east-1:111122223333:cluster/cross-az-platform-test-eks";

const policyArnsOf = (registered: Registration[], roleResourcePrefix: string) =>
    ofType(registered, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter(r => r.name.startsWith(`${roleResourcePrefix}-`))
        .map(r => r.inputs.policyArn)
        .sort();

describe("AutoModeCluster", () => {
    it("registers the component type token", async () => {
        const { registered } = await build();
        assert.equal(one(registered, "crossaz:eks:AutoModeCluster").name, "eks");
    });

    it("turns on all three Auto Mode switches together, with both built-in pools and the node role", async () => {
        const { registered } = await build();
        const cluster = one(registered, "aws:eks/cluster:Cluster").inputs;
        const nodeRole = one(registered, "aws:iam/role:Role", "eks-node");
        assert.deepEqual(cluster.computeConfig, {
            enabled: true,
            nodePools: ["general-purpose", "system"],
            nodeRoleArn: `arn:aws:mock:us-east-1:111122223333:${nodeRole.id}`,
        });
        assert.deepEqual(cluster.kubernetesNetworkConfig, { elasticLoadBalancing: { enabled: true } });
        assert.deepEqual(cluster.storageConfig, { blockStorage: { enabled: true } });
        assert.equal(cluster.bootstrapSelfManagedAddons, false);
        assert.equal(cluster.accessConfig.authenticationMode, "API");
        assert.equal(cluster.version, "1.35");
    });

    it("keeps the Auto Mode switches known during a first preview, when the node role ARN is not", async () => {
        const { resources: registered } = await declare(() => new AutoModeCluster("eks", argsFrom({})), { withoutIds: true });
        const cluster = one(registered, "aws:eks/cluster:Cluster").inputs;
        assert.notEqual(typeof cluster.computeConfig.nodeRoleArn, "string", "the node role ARN should be unknown in this preview");
        assert.equal(cluster.computeConfig.enabled, true);
        assert.equal(cluster.kubernetesNetworkConfig.elasticLoadBalancing.enabled, true);
        assert.equal(cluster.storageConfig.blockStorage.enabled, true);
    });

    it("gives the cluster role the five Auto Mode policies and a trust for eks.amazonaws.com, for this cluster of this account only", async () => {
        const { registered } = await build();
        assert.deepEqual(policyArnsOf(registered, "eks-cluster"), [
            "arn:aws:iam::aws:policy/AmazonEKSBlockStoragePolicy",
            "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            "arn:aws:iam::aws:policy/AmazonEKSComputePolicy",
            "arn:aws:iam::aws:policy/AmazonEKSLoadBalancingPolicy",
            "arn:aws:iam::aws:policy/AmazonEKSNetworkingPolicy",
        ]);
        const trust = JSON.parse(one(registered, "aws:iam/role:Role", "eks-cluster").inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement, [{
            Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { ArnLike: { "aws:SourceArn": CLUSTER_ARN }, StringEquals: { "aws:SourceAccount": "111122223333" } },
        }]);
    });

    it("gives the node role only the least-privilege pair", async () => {
        const { registered } = await build();
        assert.deepEqual(policyArnsOf(registered, "eks-node"), [
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy",
        ]);
    });

    it("places the cluster in the private subnets with the private endpoint and the three control-plane logs", async () => {
        const { registered } = await build();
        const cluster = one(registered, "aws:eks/cluster:Cluster").inputs;
        assert.deepEqual(cluster.vpcConfig.subnetIds, SUBNETS);
        assert.equal(cluster.vpcConfig.endpointPrivateAccess, true);
        assert.deepEqual(cluster.enabledClusterLogTypes, ["api", "audit", "authenticator"]);
    });

    it("sends every control-plane log type that controlPlaneLogTypes lists", async () => {
        const all = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
        const { registered } = await build({ controlPlaneLogTypes: all });
        assert.deepEqual(one(registered, "aws:eks/cluster:Cluster").inputs.enabledClusterLogTypes, all);
    });

    it("encrypts the control-plane log group with a rotating key only CloudWatch Logs may use, for that log group only", async () => {
        const { registered } = await build();
        const key = one(registered, KEY, "eks-logs");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(one(registered, LOG_GROUP).inputs.kmsKeyId, `arn:aws:mock:us-east-1:111122223333:${key.id}`);
        const [admin, logs] = JSON.parse(key.inputs.policy).Statement;
        assert.deepEqual(admin.Principal, { AWS: "arn:aws:iam::111122223333:root" }, "the account keeps control of its key");
        assert.deepEqual(logs.Principal, { Service: "logs.us-east-1.amazonaws.com" });
        assert.deepEqual(logs.Condition, { ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": ["arn:aws:logs:us-east-1:111122223333:log-group:/aws/eks/cross-az-platform-test-eks/cluster"],
        } });
    });

    it("enables ARC zonal shift for the cluster unless zonalShift is false", async () => {
        assert.deepEqual(one((await build()).registered, "aws:eks/cluster:Cluster").inputs.zonalShiftConfig, { enabled: true });
        assert.deepEqual(one((await build({ zonalShift: false })).registered, "aws:eks/cluster:Cluster").inputs.zonalShiftConfig, { enabled: false });
    });

    it("protect: EKS deletion protection, and Pulumi protect on the cluster, its keys and its log group", async () => {
        const { registered } = await build({ secretsEncryption: true }, { deletion: true });
        assert.equal(one(registered, "aws:eks/cluster:Cluster").inputs.deletionProtection, true);
        const kept = registered.filter(r => r.protect).map(r => `${r.type} ${r.name}`).sort();
        assert.deepEqual(kept, [
            "aws:cloudwatch/logGroup:LogGroup eks-control-plane", "aws:eks/cluster:Cluster eks",
            "aws:kms/key:Key eks-logs", "aws:kms/key:Key eks-secrets",
        ]);
    });

    it("protect off (dev): nothing protected, no deletion protection, so the stack can be destroyed", async () => {
        const { registered } = await build({ secretsEncryption: true }, { deletion: false });
        assert.equal(one(registered, "aws:eks/cluster:Cluster").inputs.deletionProtection, false);
        assert.deepEqual(registered.filter(r => r.protect).map(r => r.name), []);
    });

    it("keeps the endpoint private-only when no public CIDR is configured", async () => {
        const { registered } = await build({ endpointPublicAccessCidrs: [] });
        const vpcConfig = one(registered, "aws:eks/cluster:Cluster").inputs.vpcConfig;
        assert.equal(vpcConfig.endpointPublicAccess, false);
        assert.equal(vpcConfig.publicAccessCidrs, undefined);
    });

    it("opens the public endpoint only to the configured CIDRs", async () => {
        const { registered } = await build({ endpointPublicAccessCidrs: ["203.0.113.0/24"] });
        const vpcConfig = one(registered, "aws:eks/cluster:Cluster").inputs.vpcConfig;
        assert.equal(vpcConfig.endpointPublicAccess, true);
        assert.deepEqual(vpcConfig.publicAccessCidrs, ["203.0.113.0/24"]);
    });

    it("envelope-encrypts secrets with a rotating KMS key when secretsEncryption is on", async () => {
        const { registered } = await build({ secretsEncryption: true });
        assert.equal(one(registered, KEY, "eks-secrets").inputs.enableKeyRotation, true);
        assert.deepEqual(one(registered, "aws:eks/cluster:Cluster").inputs.encryptionConfig, {
            resources: ["secrets"], provider: { keyArn: `arn:aws:mock:us-east-1:111122223333:${one(registered, KEY, "eks-secrets").id}` },
        });
    });

    it("declares no secrets key and no encryption config when secretsEncryption is off", async () => {
        const { registered } = await build({ secretsEncryption: false });
        assert.deepEqual(ofType(registered, KEY).map(k => k.name), ["eks-logs"]);
        assert.equal(one(registered, "aws:eks/cluster:Cluster").inputs.encryptionConfig, undefined);
    });

    it("grants the admin principal AmazonEKSClusterAdminPolicy cluster-wide and no blanket creator admin", async () => {
        const { registered } = await build({ clusterCreatorAdmin: false });
        assert.equal(one(registered, "aws:eks/cluster:Cluster").inputs.accessConfig.bootstrapClusterCreatorAdminPermissions, false);
        assert.equal(one(registered, "aws:eks/accessEntry:AccessEntry").inputs.principalArn, ADMIN);
        const association = one(registered, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").inputs;
        assert.equal(association.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
        assert.equal(association.principalArn, ADMIN);
        assert.deepEqual(association.accessScope, { type: "cluster" });
    });

    it("declares metrics-server and CloudWatch observability with a Pod Identity role trusting pods.eks.amazonaws.com", async () => {
        const { registered } = await build();
        const addons = ofType(registered, "aws:eks/addon:Addon").map(r => r.inputs.addonName).sort();
        assert.deepEqual(addons, ["amazon-cloudwatch-observability", "metrics-server"]);
        const observability = ofType(registered, "aws:eks/addon:Addon").find(r => r.inputs.addonName === "amazon-cloudwatch-observability")!;
        const role = one(registered, "aws:iam/role:Role", "eks-cloudwatch");
        assert.deepEqual(observability.inputs.podIdentityAssociations, [{
            serviceAccount: "cloudwatch-agent", roleArn: `arn:aws:mock:us-east-1:111122223333:${role.id}`,
        }]);
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [{
            Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            // Only the add-on's agent on this cluster: the session tags Pod Identity sets.
            Condition: { StringEquals: {
                "aws:RequestTag/eks-cluster-name": "cross-az-platform-test-eks",
                "aws:RequestTag/kubernetes-namespace": "amazon-cloudwatch",
                "aws:RequestTag/kubernetes-service-account": "cloudwatch-agent",
            } },
        }]);
        assert.deepEqual(policyArnsOf(registered, "eks-cloudwatch"), [
            "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
            "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
        ]);
        assert.ok(!addons.includes("eks-pod-identity-agent"), "Auto Mode runs the Pod Identity agent itself");
    });

    it("leaves the add-ons out when they are turned off", async () => {
        const { registered } = await build({ addons: { metricsServer: false, cloudwatchObservability: false } });
        assert.equal(ofType(registered, "aws:eks/addon:Addon").length, 0);
        assert.equal(ofType(registered, "aws:iam/role:Role").length, 2);
    });

    it("builds a secret kubeconfig that authenticates with aws eks get-token, assuming the admin role", async () => {
        const { cluster } = await build({ clusterCreatorAdmin: false });
        assert.equal(await pulumi.isSecret(cluster.kubeconfig), true);
        const kubeconfig = JSON.parse(await valueOf(cluster.kubeconfig));
        assert.equal(kubeconfig.clusters[0].cluster.server, "https://ABCDEF.gr7.us-east-1.eks.amazonaws.com");
        assert.equal(kubeconfig.clusters[0].cluster["certificate-authority-data"], "Q0EtREFUQQ==");
        const exec = kubeconfig.users[0].user.exec;
        assert.equal(exec.command, "aws");
        assert.deepEqual(exec.args, ["eks", "get-token", "--cluster-name", "cross-az-platform-test-eks", "--region", "us-east-1", "--role-arn", ADMIN]);
    });

    it("names the cluster <project>-<stack>-<name>, stays on standard support, and declares its control-plane log group with a retention", async () => {
        const { registered } = await build({ logRetentionDays: 90 });
        const cluster = one(registered, "aws:eks/cluster:Cluster");
        assert.equal(cluster.inputs.name, "cross-az-platform-test-eks");
        assert.deepEqual(cluster.inputs.upgradePolicy, { supportType: "STANDARD" }, "no extended support unless asked");
        assert.deepEqual(cluster.inputs.enabledClusterLogTypes, ["api", "audit", "authenticator"]);
        const logGroup = one(registered, LOG_GROUP);
        assert.deepEqual([logGroup.inputs.name, logGroup.inputs.retentionInDays], ["/aws/eks/cross-az-platform-test-eks/cluster", 90]);
        assert.equal(one((await build()).registered, LOG_GROUP).inputs.retentionInDays, 30, "default 30 days");
    });

    it("declares every in-cluster resource with the cluster's Kubernetes provider", async () => {
        const { registered } = await build({ nodePools: { graviton: true, spot: true } });
        const provider = one(registered, "pulumi:providers:kubernetes");
        const inCluster = registered.filter(r => r.type.startsWith("kubernetes:"));
        assert.equal(inCluster.length, 8); // IngressClassParams, IngressClass, StorageClass, network-policy ConfigMap, 2 NodeClasses, 2 NodePools
        for (const resource of inCluster) {
            assert.match(resource.provider ?? "", new RegExp(`::${provider.name}::${provider.id}$`), `${resource.type} ${resource.name}`);
        }
    });

    it("declares the alb IngressClass on the Auto Mode controller with its IngressClassParams", async () => {
        const { registered } = await build();
        const params = one(registered, "kubernetes:eks.amazonaws.com/v1:IngressClassParams").inputs;
        assert.equal(params.metadata.name, "alb");
        const ingressClass = one(registered, "kubernetes:networking.k8s.io/v1:IngressClass").inputs;
        assert.equal(ingressClass.metadata.name, "alb");
        assert.deepEqual(ingressClass.spec, {
            controller: "eks.amazonaws.com/alb",
            parameters: { apiGroup: "eks.amazonaws.com", kind: "IngressClassParams", name: "alb" },
        });
    });

    it("declares an encrypted default StorageClass on the Auto Mode EBS provisioner", async () => {
        const { registered } = await build();
        const storageClass = one(registered, "kubernetes:storage.k8s.io/v1:StorageClass").inputs;
        assert.equal(storageClass.provisioner, "ebs.csi.eks.amazonaws.com");
        assert.equal(storageClass.parameters.encrypted, "true");
        assert.equal(storageClass.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
    });

    it("keeps the EBS volumes of deleted claims by default (reclaimPolicy Retain), and deletes them when configured", async () => {
        const reclaimPolicy = async (protect: Record<string, unknown>) =>
            one((await build({}, protect)).registered, "kubernetes:storage.k8s.io/v1:StorageClass").inputs.reclaimPolicy;
        assert.equal(await reclaimPolicy({}), "Retain");
        assert.equal(await reclaimPolicy({ volumeReclaimPolicy: "Delete" }), "Delete");
    });

    it("turns on NetworkPolicy enforcement (Auto Mode ignores NetworkPolicies until the amazon-vpc-cni ConfigMap enables them)", async () => {
        const { registered } = await build();
        const configMap = one(registered, "kubernetes:core/v1:ConfigMap").inputs;
        assert.deepEqual(configMap.metadata, { name: "amazon-vpc-cni", namespace: "kube-system" });
        assert.deepEqual(configMap.data, { "enable-network-policy-controller": "true" });
    });

    it("declares no custom pools unless configured", async () => {
        const { registered } = await build();
        assert.equal(ofType(registered, "kubernetes:eks.amazonaws.com/v1:NodeClass").length, 0);
        assert.equal(ofType(registered, "kubernetes:karpenter.sh/v1:NodePool").length, 0);
    });

    it("declares Graviton and Spot NodeClasses in eks.amazonaws.com/v1 with the node role, private subnets and cluster security group", async () => {
        const { registered } = await build({ nodePools: { graviton: true, spot: true } });
        const nodeRole = one(registered, "aws:iam/role:Role", "eks-node");
        const nodeClasses = ofType(registered, "kubernetes:eks.amazonaws.com/v1:NodeClass");
        assert.deepEqual(nodeClasses.map(n => n.inputs.metadata.name).sort(), ["graviton", "spot"]);
        for (const nodeClass of nodeClasses) {
            assert.equal(nodeClass.inputs.apiVersion, "eks.amazonaws.com/v1");
            assert.equal(nodeClass.inputs.spec.role, `${nodeRole.name}-1234567`);
            assert.deepEqual(nodeClass.inputs.spec.subnetSelectorTerms, SUBNETS.map(id => ({ id })));
            assert.deepEqual(nodeClass.inputs.spec.securityGroupSelectorTerms, [{ id: CLUSTER_SECURITY_GROUP_ID }]);
        }
    });

    it("declares a Spot NodePool in karpenter.sh/v1: spot, c/m/r, generation >= 5, weight 80, 20% budget, consolidateAfter, 336h expiry", async () => {
        const { registered } = await build({ nodePools: { graviton: false, spot: true } });
        const pool = one(registered, "kubernetes:karpenter.sh/v1:NodePool").inputs;
        assert.equal(pool.apiVersion, "karpenter.sh/v1");
        assert.equal(pool.spec.weight, 80);
        assert.deepEqual(pool.spec.template.spec.nodeClassRef, { group: "eks.amazonaws.com", kind: "NodeClass", name: "spot" });
        const requirement = (key: string) => pool.spec.template.spec.requirements.find((r: any) => r.key === key);
        assert.deepEqual(requirement("karpenter.sh/capacity-type").values, ["spot"]);
        assert.deepEqual(requirement("eks.amazonaws.com/instance-category").values, ["c", "m", "r"]);
        assert.deepEqual(requirement("eks.amazonaws.com/instance-generation"), { key: "eks.amazonaws.com/instance-generation", operator: "Gt", values: ["4"] });
        assert.deepEqual(pool.spec.disruption.budgets, [{ nodes: "20%" }]);
        assert.ok(pool.spec.disruption.consolidateAfter);
        assert.equal(pool.spec.template.spec.expireAfter, "336h");
    });

    it("declares a Graviton NodePool: arm64, weight 10, referencing its NodeClass", async () => {
        const { registered } = await build({ nodePools: { graviton: true, spot: false } });
        const pool = one(registered, "kubernetes:karpenter.sh/v1:NodePool").inputs;
        assert.equal(pool.spec.weight, 10);
        assert.deepEqual(pool.spec.template.spec.nodeClassRef, { group: "eks.amazonaws.com", kind: "NodeClass", name: "graviton" });
        const arch = pool.spec.template.spec.requirements.find((r: any) => r.key === "kubernetes.io/arch");
        assert.deepEqual(arch.values, ["arm64"]);
        assert.ok(pool.spec.disruption.consolidateAfter);
    });
});
