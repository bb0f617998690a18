import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { AccessLogBucket, accessLogBucketPolicy, ELB_LOG_DELIVERY_SERVICE } from "../../components/access-logs";
import { declare, one, Registration, valueOf } from "../helpers/mocks";

const T = {
    bucket: "aws:s3/bucket:Bucket",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
};

async function build(protect = true): Promise<{ registered: Registration[]; component: AccessLogBucket }> {
    const { result: component, resources: registered } = await declare(
        () => new AccessLogBucket("access-logs", { expirationDays: 365, protect }), { preview: false });
    return { registered, component };
}

describe("AccessLogBucket", () => {
    it("registers the component type token", async () => {
        assert.equal(one((await build()).registered, "crossaz:lb:AccessLogBucket").name, "access-logs");
    });

    it("encrypts with S3-managed keys (ELB cannot deliver to SSE-KMS buckets)", async () => {
        const { registered } = await build();
        const [bucket, encryption] = [one(registered, T.bucket), one(registered, T.encryption).inputs];
        assert.equal(encryption.bucket, bucket.id);
        assert.deepEqual(encryption.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    });

    it("blocks all public access and disables ACLs (bucket owner enforced)", async () => {
        const { registered } = await build();
        const block = one(registered, T.publicAccess).inputs;
        assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        assert.deepEqual(one(registered, T.ownership).inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    });

    it("expires log objects after expirationDays", async () => {
        const [rule] = one((await build()).registered, T.lifecycle).inputs.rules;
        assert.deepEqual([rule.status, rule.filter, rule.expiration], ["Enabled", {}, { days: 365 }]);
    });

    it("lets ELB log delivery write under AWSLogs/<account>/ only, and refuses plain HTTP to everyone", async () => {
        const { registered } = await build();
        const bucketArn = `arn:aws:mock:us-east-1:111122223333:${one(registered, T.bucket).id}`;
        const [deliver, deny] = JSON.parse(one(registered, T.policy).inputs.policy).Statement;
        // us-east-1 opened before August 2022: its regional ELB account delivers there too.
        assert.deepEqual(deliver, {
            Sid: "ElbDeliversAccessLogs", Effect: "Allow",
            Principal: { Service: ELB_LOG_DELIVERY_SERVICE, AWS: "arn:aws:iam::127311923021:root" },
            Action: "s3:PutObject", Resource: `${bucketArn}/*/AWSLogs/111122223333/*`,
        });
        assert.deepEqual(deny, {
            Sid: "DenyPlainHttp", Effect: "Deny", Principal: "*", Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
    });

    it("grants only the service principal in a Region opened since August 2022, and uses the partition's ARNs", () => {
        const newRegion = accessLogBucketPolicy("arn:aws:s3:::logs", "111122223333", "aws", "ap-southeast-5").Statement[0];
        assert.deepEqual(newRegion.Principal, { Service: ELB_LOG_DELIVERY_SERVICE });
        const china = accessLogBucketPolicy("arn:aws-cn:s3:::logs", "111122223333", "aws-cn", "cn-north-1").Statement[0];
        assert.equal((china.Principal as { AWS: string }).AWS, "arn:aws-cn:iam::638102146993:root");
    });

    it("hands out the bucket name through its policy, so a load balancer waits until ELB may write", async () => {
        const { registered, component } = await build();
        assert.equal(one(registered, T.policy).inputs.bucket, one(registered, T.bucket).id);
        assert.equal(await valueOf(component.bucketName), one(registered, T.bucket).id); // an S3 bucket's id is its name
        // What the engine records as the dependency of whatever takes bucketName as an input.
        const dependencies = [...(component.bucketName as unknown as { resources(): Set<unknown> }).resources()];
        assert.ok(dependencies.some(r => r instanceof aws.s3.BucketPolicy), "bucketName depends on the bucket policy");
    });

    it("protect: the bucket is protected and keeps its objects on delete; off, it can be destroyed with its logs", async () => {
        const kept = await build(true);
        assert.equal(one(kept.registered, T.bucket).protect, true);
        assert.equal(one(kept.registered, T.bucket).inputs.forceDestroy, false);
        const disposable = await build(false);
        assert.equal(one(disposable.registered, T.bucket).protect, false);
        assert.equal(one(disposable.registered, T.bucket).inputs.forceDestroy, true);
    });
});
