/**
 * FlowLogs: measures what crosses zones instead of modelling it. A flow log of every network
 * interface of the VPC, in the custom format of flow-log-queries.ts (az-id, flow-direction,
 * traffic-path, pkt-src/dst-aws-service, sublocation-*), goes to an S3 bucket as Parquet; a Glue
 * table reads it with partition projection (a partition per delivery day, nothing to crawl or
 * repair); an Athena workgroup holds the named queries, rendered with the VPC's subnet-to-AZ map.
 *
 * The bucket is encrypted (SSE-S3), never public, TLS only, owned by the bucket owner (no ACLs),
 * and expires every object after retentionDays. Log delivery may write only under its prefix, for
 * this account's flow logs (aws:SourceAccount, aws:SourceArn). Query results land in the same
 * bucket under their own prefix, encrypted, and expire the same way.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    DAY_COLUMN, FLOW_LOG_COLUMNS, FLOW_LOG_FORMAT, FLOW_LOG_QUERY_KEYS, FLOW_LOG_TABLE, FlowLogQueryKey, flowLogQueries, QUERY_DESCRIPTIONS,
} from "./flow-log-queries";

/** A subnet of the VPC: the queries find a peer address's subnet and AZ with these. */
export interface FlowLogsSubnet {
    id: pulumi.Input<string>;
    cidr: string;
    /** AZ id (use1-az1), as flow-log records name zones: the Subnet's availabilityZoneId. */
    availabilityZoneId: pulumi.Input<string>;
    tier: "public" | "private";
}

export interface FlowLogsArgs {
    /** The VPC whose every network interface is logged. */
    vpcId: pulumi.Input<string>;
    /** The VPC's IPv4 block. */
    vpcCidr: string;
    /** Every subnet of the VPC. */
    subnets: FlowLogsSubnet[];
    /** The NAT gateways' network interfaces (NatGateway.networkInterfaceId); empty without NAT. */
    natGatewayInterfaceIds: pulumi.Input<string>[];
    /** Days before a log file or a query result is deleted (network.flowLogs.retentionDays). */
    retentionDays: number;
    /** Seconds of traffic aggregated into one record, 60 or 600 (network.flowLogs.maxAggregationInterval). */
    maxAggregationInterval: 60 | 600;
    /** Extra tags on every resource that takes tags. */
    tags?: Record<string, string>;
}

/** Where log delivery writes (it adds AWSLogs/<account>/vpcflowlogs/<region>/yyyy/MM/dd/). */
const LOG_PREFIX = "flow-logs/";
const RESULTS_PREFIX = "athena-results/";
const LOG_DELIVERY = "delivery.logs.amazonaws.com";

export class FlowLogs extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    /** The Glue database the queries run in. */
    public readonly databaseName: pulumi.Output<string>;
    public readonly tableName: pulumi.Output<string>;
    /** The Athena workgroup to run the named queries in (results encrypted in the bucket). */
    public readonly workgroupName: pulumi.Output<string>;
    /** Athena named query ids by query. */
    public readonly namedQueryIds: Record<FlowLogQueryKey, pulumi.Output<string>>;

    constructor(name: string, args: FlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("crossaz:network:FlowLogs", name, {}, opts);
        const parent = { parent: this };
        const tags = { ...args.tags, Name: name };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const region = aws.getRegionOutput({}, parent).region;
        const partition = aws.getPartitionOutput({}, parent).partition;

        // forceDestroy: the bucket holds only expiring logs and query results; destroying the stack removes them.
        const bucket = new aws.s3.Bucket(name, { forceDestroy: true, tags }, parent);
        const ownership = new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
        const publicAccess = new aws.s3.BucketPublicAccessBlock(name, {
            bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, parent);
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(name, {
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, parent);
        new aws.s3.BucketLifecycleConfiguration(name, {
            bucket: bucket.id,
            rules: [{
                id: "expire",
                status: "Enabled",
                filter: {}, // every object: logs and query results
                expiration: { days: args.retentionDays },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            }],
        }, parent);

        const fromThisAccountsLogs = {
            StringEquals: { "aws:SourceAccount": account },
            ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:logs:${region}:${account}:*` },
        };
        const policy = new aws.s3.BucketPolicy(name, {
            bucket: bucket.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AWSLogDeliveryWrite",
                        Effect: "Allow",
                        Principal: { Service: LOG_DELIVERY },
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${bucket.arn}/${LOG_PREFIX}AWSLogs/${account}/*`,
                        Condition: {
                            ...fromThisAccountsLogs,
                            StringEquals: { ...fromThisAccountsLogs.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" },
                        },
                    },
                    {
                        Sid: "AWSLogDeliveryAclCheck",
                        Effect: "Allow",
                        Principal: { Service: LOG_DELIVERY },
                        Action: "s3:GetBucketAcl",
                        Resource: bucket.arn,
                        Condition: fromThisAccountsLogs,
                    },
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            }),
        }, { parent: this, dependsOn: [publicAccess, ownership] });

        // With its bucket policy in place, so log delivery does not try to write one of its own.
        new aws.ec2.FlowLog(name, {
            vpcId: args.vpcId,
            trafficType: "ALL", // a rejected packet has crossed the zone before it is dropped
            logDestinationType: "s3",
            logDestination: pulumi.interpolate`${bucket.arn}/${LOG_PREFIX}`,
            logFormat: FLOW_LOG_FORMAT,
            maxAggregationInterval: args.maxAggregationInterval,
            // Parquet: Athena reads only the columns a query needs. Daily plain prefixes: the date projection below finds them.
            destinationOptions: { fileFormat: "parquet", hiveCompatiblePartitions: false, perHourPartition: false },
            tags,
        }, { parent: this, dependsOn: [policy, encryption] });

        const database = new aws.glue.CatalogDatabase(name, {
            // Athena names: lowercase letters, digits and underscores; the stack keeps dev and prod apart in one account.
            name: athenaName(`${name}_${pulumi.getStack()}`),
            description: `VPC flow logs of ${args.vpcCidr}`,
            tags,
        }, parent);
        const location = pulumi.interpolate`s3://${bucket.id}/${LOG_PREFIX}AWSLogs/${account}/vpcflowlogs/${region}/`;
        const table = new aws.glue.CatalogTable(name, {
            databaseName: database.name,
            name: FLOW_LOG_TABLE,
            tableType: "EXTERNAL_TABLE",
            parameters: {
                "EXTERNAL": "TRUE",
                "classification": "parquet",
                "projection.enabled": "true",
                [`projection.${DAY_COLUMN}.type`]: "date",
                [`projection.${DAY_COLUMN}.format`]: "yyyy/MM/dd",
                [`projection.${DAY_COLUMN}.range`]: `NOW-${args.retentionDays}DAYS,NOW`, // older files have expired
                [`projection.${DAY_COLUMN}.interval`]: "1",
                [`projection.${DAY_COLUMN}.interval.unit`]: "DAYS",
                "storage.location.template": pulumi.interpolate`${location}\${${DAY_COLUMN}}`,
            },
            partitionKeys: [{ name: DAY_COLUMN, type: "string", comment: "delivery day, yyyy/MM/dd" }],
            storageDescriptor: {
                location,
                inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", parameters: { "serialization.format": "1" } },
                columns: FLOW_LOG_COLUMNS,
            },
        }, parent);

        const workgroup = new aws.athena.Workgroup(name, {
            description: `Cross-AZ, NAT and AWS-service bytes from the VPC flow logs of ${args.vpcCidr}`,
            forceDestroy: true, // the named queries go with it
            configuration: {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                resultConfiguration: {
                    outputLocation: pulumi.interpolate`s3://${bucket.id}/${RESULTS_PREFIX}`,
                    encryptionConfiguration: { encryptionOption: "SSE_S3" },
                },
            },
            tags,
        }, parent);

        const layout = pulumi.all([
            pulumi.all(args.subnets.map(s => pulumi.all([s.id, s.availabilityZoneId]))),
            pulumi.all(args.natGatewayInterfaceIds),
        ]).apply(([subnetIds, natGatewayInterfaceIds]) => ({
            vpcCidr: args.vpcCidr,
            subnets: args.subnets.map((s, i) => ({ id: subnetIds[i][0], cidr: s.cidr, azId: subnetIds[i][1], tier: s.tier })),
            natGatewayInterfaceIds,
        }));
        const queries = layout.apply(flowLogQueries);
        this.namedQueryIds = Object.fromEntries(FLOW_LOG_QUERY_KEYS.map(key => [key, new aws.athena.NamedQuery(`${name}-${key}`, {
            name: `${name}-${key}`,
            description: QUERY_DESCRIPTIONS[key],
            database: database.name,
            workgroup: workgroup.name,
            query: queries.apply(q => q[key]),
        }, parent).id])) as Record<FlowLogQueryKey, pulumi.Output<string>>;

        this.bucketName = bucket.id; // a bucket's id is its name
        this.databaseName = database.name;
        this.tableName = table.name;
        this.workgroupName = workgroup.name;
        this.registerOutputs({
            bucketName: this.bucketName,
            databaseName: this.databaseName,
            tableName: this.tableName,
            workgroupName: this.workgroupName,
            namedQueryIds: this.namedQueryIds,
        });
    }
}

/** "network-flow-logs_prod" -> "network_flow_logs_prod": a name Athena takes unquoted. */
const athenaName = (text: string) => text.toLowerCase().replace(/[^a-z0-9_]/g, "_");
