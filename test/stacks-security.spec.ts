/**
 * End to end, issue 19 ("Secure and recoverable by default"): index.ts run under mocks with the
 * shipped Pulumi.prod.yaml and Pulumi.dev.yaml, checked point by point against the list.
 * The pack verdict and the cost report of the same stacks are pinned by test/automation/offline-preview.spec.ts.
 */
import * as assert from "node:assert/strict";
import { ofType, one, Registration } from "./helpers/mocks";
import { runProgram } from "./helpers/stack-program";

const T = {
    alb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    cluster: "aws:eks/cluster:Cluster",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    key: "aws:kms/key:Key",
    role: "aws:iam/role:Role",
    bucket: "aws:s3/bucket:Bucket",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    deployment: "kubernetes:apps/v1:Deployment",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    namespace: "kubernetes:core/v1:Namespace",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};
const TLS13 = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const arnOf = (resource: Registration) => `arn:aws:mock:us-east-1:111122223333:${resource.id}`;
const annotationsOf = (registered: Registration[]) => one(registered, T.ingress).inputs.metadata.annotations as Record<string, string>;
const attributesOf = (registered: Registration[]) => annotationsOf(registered)["alb.ingress.kubernetes.io/load-balancer-attributes"].split(",");

describe("prod: secure and recoverable (issue 19)", function () {
    this.timeout(120_000);
    let registered: Registration[];
    before(async () => ({ registered } = await runProgram("prod")));

    describe("TLS on every internet-facing load balancer", () => {
        it("the ECS ALB serves HTTPS on 443 with the configured certificate and TLS 1.3; port 80 only redirects", () => {
            const https = one(registered, T.listener, "web-https").inputs;
            assert.deepEqual([https.protocol, https.port, https.sslPolicy], ["HTTPS", 443, TLS13]);
            assert.match(https.certificateArn, /^arn:aws:acm:us-east-1:111122223333:certificate\//);
            const http = one(registered, T.listener, "web-http").inputs;
            assert.deepEqual(http.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
            assert.equal(ofType(registered, T.listener).length, 2);
        });

        it("the frontend's Ingress ALB serves HTTPS with its certificate and TLS 1.3, redirecting 80", () => {
            const annotations = annotationsOf(registered);
            assert.equal(annotations["alb.ingress.kubernetes.io/scheme"], "internet-facing");
            assert.match(annotations["alb.ingress.kubernetes.io/certificate-arn"], /^arn:aws:acm:us-east-1:111122223333:certificate\//);
            assert.equal(annotations["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTP":80},{"HTTPS":443}]');
            assert.equal(annotations["alb.ingress.kubernetes.io/ssl-redirect"], "443");
            assert.equal(annotations["alb.ingress.kubernetes.io/ssl-policy"], TLS13);
        });
    });

    describe("load balancers", () => {
        it("log to one SSE-S3 bucket that ELB may write to and that expires logs after a year", () => {
            const bucket = one(registered, T.bucket, "access-logs");
            const alb = one(registered, T.alb, "web").inputs;
            assert.deepEqual(alb.accessLogs, { bucket: bucket.id, prefix: "ecs/web", enabled: true });
            assert.ok(attributesOf(registered).includes(`access_logs.s3.bucket=${bucket.id}`));
            const sse = one(registered, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "access-logs").inputs;
            assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
            const policy = JSON.parse(one(registered, "aws:s3/bucketPolicy:BucketPolicy", "access-logs").inputs.policy);
            assert.equal(policy.Statement[0].Principal.Service, "logdelivery.elasticloadbalancing.amazonaws.com");
            assert.deepEqual(one(registered, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "access-logs").inputs.rules[0].expiration, { days: 365 });
        });

        it("are deletion-protected and drop invalid header fields", () => {
            const alb = one(registered, T.alb, "web").inputs;
            assert.deepEqual([alb.enableDeletionProtection, alb.dropInvalidHeaderFields], [true, true]);
            const attributes = attributesOf(registered);
            assert.ok(attributes.includes("deletion_protection.enabled=true"));
            assert.ok(attributes.includes("routing.http.drop_invalid_header_fields.enabled=true"));
        });
    });

    describe("EKS", () => {
        it("sends all five control-plane log types to a KMS-encrypted log group", () => {
            const cluster = one(registered, T.cluster).inputs;
            assert.deepEqual(cluster.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            const logGroup = one(registered, T.logGroup, "eks-control-plane").inputs;
            assert.equal(logGroup.kmsKeyId, arnOf(one(registered, T.key, "eks-logs")));
        });

        it("scopes the cluster role and the ECS task role to this account with aws:SourceAccount / aws:SourceArn", () => {
            const clusterTrust = JSON.parse(one(registered, T.role, "eks-cluster").inputs.assumeRolePolicy).Statement[0];
            assert.equal(clusterTrust.Condition.StringEquals["aws:SourceAccount"], "111122223333");
            assert.match(clusterTrust.Condition.ArnLike["aws:SourceArn"], /^arn:aws:eks:us-east-1:111122223333:cluster\/cross-az-platform-test-eks$/);
            const taskTrust = JSON.parse(one(registered, T.role, "web-task").inputs.assumeRolePolicy).Statement[0];
            assert.deepEqual(taskTrust.Condition, {
                ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:111122223333:*" }, StringEquals: { "aws:SourceAccount": "111122223333" },
            });
        });
    });

    describe("workloads", () => {
        it("the shop's pods run restricted on an unprivileged image: non-root, read-only root with /tmp, no capabilities, RuntimeDefault, no token", () => {
            const deployments = ofType(registered, T.deployment).filter(d => d.inputs.metadata.namespace === "shop");
            assert.equal(deployments.length, 4); // frontend + backend in each of three zones
            for (const deployment of deployments) {
                const pod = deployment.inputs.spec.template.spec;
                const [container] = pod.containers;
                assert.match(container.image, /^public\.ecr\.aws\/nginx\/nginx-unprivileged:/);
                assert.equal(container.ports[0].containerPort, 8080);
                assert.deepEqual(pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
                assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
                assert.equal(pod.automountServiceAccountToken, false);
                assert.deepEqual(container.volumeMounts, [{ name: "writable-0", mountPath: "/tmp" }]);
            }
        });

        it("the ECS app container runs as a non-root user on a read-only root", () => {
            const [app] = JSON.parse(one(registered, T.taskDefinition, "web").inputs.containerDefinitions);
            assert.equal(app.user, "1000:1000");
            assert.equal(app.readonlyRootFilesystem, true);
        });
    });

    describe("network", () => {
        it("the VPC's default security group has no rules", () => {
            const group = one(registered, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs;
            assert.deepEqual([group.ingress, group.egress], [undefined, undefined]);
        });

        it("the project's namespaces enforce the restricted Pod Security Standard", () => {
            for (const namespace of ofType(registered, T.namespace)) {
                assert.equal(namespace.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted", namespace.inputs.metadata.name);
            }
            assert.deepEqual(ofType(registered, T.namespace).map(n => n.inputs.metadata.name).sort(), ["crossaz-measurement", "shop"]);
        });

        it("shop denies all traffic but DNS and same-namespace calls; the frontend admits its ALB from the public subnets on 8080", () => {
            const policies = ofType(registered, T.networkPolicy).filter(p => p.inputs.metadata.namespace === "shop");
            assert.deepEqual(policies.map(p => p.inputs.metadata.name).sort(), ["allow-dns", "allow-same-namespace", "default-deny", "frontend"]);
            const frontend = policies.find(p => p.inputs.metadata.name === "frontend")!.inputs.spec;
            const publicCidrs = ofType(registered, "aws:ec2/subnet:Subnet").filter(s => s.name.includes("-public-")).map(s => s.inputs.cidrBlock);
            assert.deepEqual(frontend.ingress, [{ from: publicCidrs.map(cidr => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 8080 }] }]);
            assert.equal(one(registered, "kubernetes:core/v1:ConfigMap", "eks-network-policy").inputs.data["enable-network-policy-controller"], "true");
        });
    });

    describe("recoverable", () => {
        it("protects the VPC, the cluster, its KMS keys, every log group and the access-log bucket; EKS deletion protection on", () => {
            const kept = registered.filter(r => r.protect).map(r => `${r.type} ${r.name}`).sort();
            assert.deepEqual(kept, [
                "aws:cloudwatch/logGroup:LogGroup eks-control-plane",
                "aws:cloudwatch/logGroup:LogGroup web",
                "aws:ec2/vpc:Vpc network",
                "aws:eks/cluster:Cluster eks",
                "aws:kms/key:Key eks-logs",
                "aws:kms/key:Key eks-secrets",
                "aws:kms/key:Key web-logs",
                "aws:s3/bucket:Bucket access-logs",
            ]);
            assert.equal(one(registered, T.cluster).inputs.deletionProtection, true);
            assert.equal(one(registered, T.bucket, "access-logs").inputs.forceDestroy, false);
        });

        it("the default StorageClass keeps the volumes of deleted claims", () => {
            assert.equal(one(registered, "kubernetes:storage.k8s.io/v1:StorageClass").inputs.reclaimPolicy, "Retain");
        });
    });

    describe("zonal resilience", () => {
        it("the cluster and both ALBs can be zonally shifted away from an impaired AZ", () => {
            assert.deepEqual(one(registered, T.cluster).inputs.zonalShiftConfig, { enabled: true });
            assert.equal(one(registered, T.alb, "web").inputs.enableZonalShift, true);
            assert.ok(attributesOf(registered).includes("zonal_shift.config.enabled=true"));
        });
    });
});

describe("dev: safe, and still torn down in one destroy (issue 19)", function () {
    this.timeout(120_000);
    let registered: Registration[];
    before(async () => ({ registered } = await runProgram("dev")));

    it("protects nothing: no Pulumi protect, no ALB deletion protection, a bucket destroyed with its logs", () => {
        assert.deepEqual(registered.filter(r => r.protect).map(r => r.name), []);
        assert.equal(one(registered, T.alb, "web").inputs.enableDeletionProtection, false);
        assert.equal(one(registered, T.bucket, "access-logs").inputs.forceDestroy, true);
    });

    it("keeps the safe defaults that cost nothing: access logs, encrypted logs, a non-root user, a rule-less default security group, zonal shift", () => {
        const alb = one(registered, T.alb, "web").inputs;
        assert.deepEqual([alb.accessLogs.enabled, alb.enableZonalShift, alb.dropInvalidHeaderFields], [true, true, true]);
        assert.equal(one(registered, T.logGroup, "web").inputs.kmsKeyId, arnOf(one(registered, T.key, "web-logs")));
        assert.equal(JSON.parse(one(registered, T.taskDefinition, "web").inputs.containerDefinitions)[0].user, "1000:1000");
        one(registered, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
    });

    it("stays on plain HTTP (no certificate), which the pack reports as advisory (offline-preview.spec.ts)", () => {
        const listeners = ofType(registered, T.listener);
        assert.deepEqual(listeners.map(l => [l.name, l.inputs.protocol, l.inputs.defaultActions[0].type]), [["web-http", "HTTP", "forward"]]);
    });
});
