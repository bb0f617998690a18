/**
 * AccessLogBucket: the S3 bucket every ALB of the stack (ECS and Ingress) writes its access logs to.
 * ELB delivers only to buckets encrypted with S3-managed keys (SSE-S3, not SSE-KMS); the bucket
 * blocks public access, enforces bucket-owner ownership, refuses plain HTTP and expires logs.
 * Log delivery is granted to ELB's service principal and, in the Regions opened before August 2022
 * that still deliver from a regional ELB account, to that account as well.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AccessLogBucketArgs {
    /** Days before S3 deletes a log object. */
    expirationDays: number;
    /** Pulumi `protect` on the bucket and no forceDestroy: logs are evidence. false lets a stack be destroyed with its logs. */
    protect: boolean;
    tags?: Record<string, string>;
}

/** The ELB log-delivery service principal (all Regions; the only one in Regions opened since August 2022). */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Regional ELB accounts of the Regions opened before August 2022 (Elastic Load Balancing user guide, "Enable access logs"). */
export const ELB_ACCOUNTS: Record<string, string> = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
    "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-south-1": "718504428378", "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416",
    "eu-south-1": "635631232127", "eu-west-3": "009996457667", "eu-north-1": "897822967062", "me-south-1": "076674570225",
    "sa-east-1": "507241528517", "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
};

export class AccessLogBucket extends pulumi.ComponentResource {
    /** The bucket's name, read from its policy: whatever uses it waits until ELB may write there. */
    public readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("crossaz:lb:AccessLogBucket", name, {}, opts);
        const parent = { parent: this };
        const bucket = new aws.s3.Bucket(name, { forceDestroy: !args.protect, tags: args.tags }, { parent: this, protect: args.protect });
        new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
        const publicAccess = new aws.s3.BucketPublicAccessBlock(name, {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, parent);
        new aws.s3.BucketServerSideEncryptionConfiguration(name, {
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }], // SSE-S3: ELB cannot write to SSE-KMS buckets
        }, parent);
        new aws.s3.BucketLifecycleConfiguration(name, {
            bucket: bucket.id,
            rules: [{
                id: "expire-access-logs",
                status: "Enabled",
                filter: {},
                expiration: { days: args.expirationDays },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            }],
        }, parent);

        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const { partition } = aws.getPartitionOutput({}, parent);
        const region = aws.getRegionOutput({}, parent).region;
        const policy = new aws.s3.BucketPolicy(name, {
            bucket: bucket.id,
            policy: pulumi.all([bucket.arn, account, partition, region]).apply(([bucketArn, accountId, partitionName, regionName]) =>
                JSON.stringify(accessLogBucketPolicy(bucketArn, accountId, partitionName, regionName))),
        }, { parent: this, dependsOn: [publicAccess] }); // S3 can refuse a policy written while the public access block is being set

        this.bucketName = policy.bucket;
        this.registerOutputs({ bucketName: this.bucketName });
    }
}

/** ELB may put objects under <prefix>/AWSLogs/<account>/ only; nobody may use the bucket without TLS. */
export function accessLogBucketPolicy(bucketArn: string, accountId: string, partition: string, region: string) {
    const elbAccount = ELB_ACCOUNTS[region];
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ElbDeliversAccessLogs",
                Effect: "Allow",
                Principal: {
                    Service: ELB_LOG_DELIVERY_SERVICE,
                    ...(elbAccount ? { AWS: `arn:${partition}:iam::${elbAccount}:root` } : {}),
                },
                Action: "s3:PutObject",
                Resource: `${bucketArn}/*/AWSLogs/${accountId}/*`,
            },
            {
                Sid: "DenyPlainHttp",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}
