/**
 * A customer-managed KMS key for CloudWatch Logs. A log group can only use a key whose policy lets
 * the regional Logs service (logs.<region>.amazonaws.com) use it; the grant here is scoped by the
 * encryption context Logs sends, the ARN of the log group, so the key serves only the groups named.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface LogsKeyArgs {
    /** What the key is for, e.g. "EKS control-plane logs of eks". */
    description: string;
    /** Log group names (a trailing * matches a prefix) that may be encrypted with the key. */
    logGroupNames: string[];
    /** Pulumi `protect`: a deleted key makes its log groups unreadable once its deletion window ends. */
    protect: boolean;
    tags?: Record<string, string>;
}

/** The key (rotation on, 30-day deletion window); declare the log groups with `kmsKeyId: key.arn`. */
export function logsKey(name: string, args: LogsKeyArgs, parent: pulumi.Resource): aws.kms.Key {
    const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
    const region = aws.getRegionOutput({}, { parent }).region;
    const { partition, dnsSuffix } = aws.getPartitionOutput({}, { parent });
    const policy = pulumi.all([account, region, partition, dnsSuffix]).apply(([accountId, regionName, partitionName, suffix]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                // The account's IAM policies decide who administers the key; without this statement nobody could.
                Sid: "AccountAdministersTheKey",
                Effect: "Allow",
                Principal: { AWS: `arn:${partitionName}:iam::${accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchLogsEncryptsTheseLogGroups",
                Effect: "Allow",
                Principal: { Service: `logs.${regionName}.${suffix}` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: {
                    ArnLike: {
                        "kms:EncryptionContext:aws:logs:arn": args.logGroupNames.map(group =>
                            `arn:${partitionName}:logs:${regionName}:${accountId}:log-group:${group}`),
                    },
                },
            },
        ],
    }));
    return new aws.kms.Key(name, {
        description: args.description,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy,
        tags: args.tags,
    }, { parent, protect: args.protect });
}
