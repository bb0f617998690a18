import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config";
import { FLOW_LOG_COLUMNS, FLOW_LOG_FORMAT, FLOW_LOG_QUERY_KEYS, flowLogQueries, FlowLogLayout } from "../../components/flow-log-queries";
import { Network, NetworkArgs } from "../../components/network";
import { declare, ofType, one, Registration, TEST_AZS, valueOf } from "../helpers/mocks";

const AZS = TEST_AZS.slice(0, 3);
const FLOW_LOGS = { enabled: true, retentionDays: 14, maxAggregationInterval: 60 } as const;
const baseArgs: NetworkArgs = {
    cidr: "10.0.0.0/16",
    availabilityZones: AZS,
    natGateways: "perAz",
    endpoints: ["s3", "dynamodb"],
    endpointIngress: "vpc", protect: false,
    flowLogs: FLOW_LOGS,
};
const declareNetwork = (args: Partial<NetworkArgs> = {}) => declare(() => new Network("net", { ...baseArgs, ...args }));

const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_ARN = "arn:aws:mock:us-east-1:111122223333:Bucket/net-flow-logs";
const ACCOUNT = "111122223333";
const bucketOf = (resources: Registration[], type: string) => {
    const resource = one(resources, type);
    assert.equal(resource.inputs.bucket, one(resources, BUCKET).id, `${type} applies to the flow-log bucket`);
    return resource;
};
const statements = (resources: Registration[]) => JSON.parse(one(resources, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy).Statement as any[];

/** The layout the queries must be rendered with: each subnet's mock id, CIDR (subnet-layout.ts) and AZ id, the NAT gateways' interfaces. */
function expectedLayout(natAzs: string[]): FlowLogLayout {
    const privateCidrs = ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"];
    const publicCidrs = ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"];
    return {
        vpcCidr: "10.0.0.0/16",
        subnets: [
            ...AZS.map((az, i) => ({ id: `Subnet/net-private-${az}`, cidr: privateCidrs[i], azId: `use1-az${i + 1}`, tier: "private" as const })),
            ...AZS.map((az, i) => ({ id: `Subnet/net-public-${az}`, cidr: publicCidrs[i], azId: `use1-az${i + 1}`, tier: "public" as const })),
        ],
        natGatewayInterfaceIds: natAzs.map(az => `eni-net-nat-${az}`),
    };
}

describe("FlowLogs (network.flowLogs)", () => {
    it("is not declared unless enabled: the default config, or no flowLogs at all", async () => {
        for (const flowLogs of [parseStackConfig({}).network.flowLogs, undefined]) {
            const { result, resources } = await declareNetwork({ flowLogs });
            assert.equal(result.flowLogs, undefined);
            assert.deepEqual(resources.filter(r => r.type === "crossaz:network:FlowLogs" || r.type.startsWith("aws:s3/") || r.type.startsWith("aws:athena/")
                || r.type.startsWith("aws:glue/") || r.type === "aws:ec2/flowLog:FlowLog"), []);
        }
    });

    it("registers as crossaz:network:FlowLogs inside the Network", async () => {
        const { result, resources } = await declareNetwork();
        assert.equal(one(resources, "crossaz:network:FlowLogs").name, "net-flow-logs");
        assert.ok(result.flowLogs);
    });

    it("logs every interface of the VPC, all traffic, in the custom version 5 format, as Parquet to the bucket's flow-logs/ prefix", async () => {
        const { resources } = await declareNetwork();
        const flowLog = one(resources, "aws:ec2/flowLog:FlowLog");
        assert.equal(flowLog.inputs.vpcId, one(resources, "aws:ec2/vpc:Vpc").id);
        assert.equal(flowLog.inputs.trafficType, "ALL");
        assert.equal(flowLog.inputs.logDestinationType, "s3");
        assert.equal(flowLog.inputs.logDestination, `${BUCKET_ARN}/flow-logs/`);
        assert.equal(flowLog.inputs.maxAggregationInterval, 60);
        assert.deepEqual(flowLog.inputs.destinationOptions, { fileFormat: "parquet", hiveCompatiblePartitions: false, perHourPartition: false });
        assert.equal(flowLog.inputs.logFormat, FLOW_LOG_FORMAT);
        for (const field of ["az-id", "flow-direction", "traffic-path", "pkt-src-aws-service", "pkt-dst-aws-service", "sublocation-type", "sublocation-id", "subnet-id", "interface-id", "bytes"]) {
            assert.ok(flowLog.inputs.logFormat.split(" ").includes(`\${${field}}`), field);
        }
    });

    it("keeps the bucket encrypted, owner-only, never public, and expires every object after retentionDays", async () => {
        const { resources } = await declareNetwork();
        assert.equal(ofType(resources, BUCKET).length, 1);
        assert.deepEqual(bucketOf(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules,
            [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        const publicAccess = bucketOf(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        for (const setting of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(publicAccess[setting], true, setting);
        assert.deepEqual(bucketOf(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
        const [rule] = bucketOf(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
        assert.equal(rule.status, "Enabled");
        assert.deepEqual(rule.filter, {});
        assert.deepEqual(rule.expiration, { days: 14 });
        assert.deepEqual(rule.abortIncompleteMultipartUpload, { daysAfterInitiation: 1 });
    });

    it("lets log delivery write only its prefix for this account's flow logs, and refuses plain HTTP", async () => {
        const { resources } = await declareNetwork();
        bucketOf(resources, "aws:s3/bucketPolicy:BucketPolicy");
        const [write, aclCheck, tls] = statements(resources);
        const fromThisAccount = { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:logs:us-east-1:${ACCOUNT}:*` } };
        assert.deepEqual(write, {
            Sid: "AWSLogDeliveryWrite", Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "s3:PutObject",
            Resource: `${BUCKET_ARN}/flow-logs/AWSLogs/${ACCOUNT}/*`,
            Condition: { ...fromThisAccount, StringEquals: { "aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control" } },
        });
        assert.deepEqual(aclCheck, {
            Sid: "AWSLogDeliveryAclCheck", Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "s3:GetBucketAcl",
            Resource: BUCKET_ARN, Condition: fromThisAccount,
        });
        assert.deepEqual(tls, {
            Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
        assert.ok(statements(resources).every(s => s.Effect === "Deny" || s.Principal !== "*"), "nothing is allowed to everyone");
    });

    it("reads the logs with a Glue table over the delivery prefix: Parquet, a day partition projected over the retention window", async () => {
        const { resources } = await declareNetwork();
        const database = one(resources, "aws:glue/catalogDatabase:CatalogDatabase");
        assert.equal(database.inputs.name, "net_flow_logs_test");
        const table = one(resources, "aws:glue/catalogTable:CatalogTable").inputs;
        assert.equal(table.databaseName, "net_flow_logs_test");
        assert.equal(table.name, "vpc_flow_logs");
        assert.equal(table.tableType, "EXTERNAL_TABLE");
        const location = `s3://Bucket/net-flow-logs/flow-logs/AWSLogs/${ACCOUNT}/vpcflowlogs/us-east-1/`;
        assert.deepEqual(table.parameters, {
            "EXTERNAL": "TRUE",
            "classification": "parquet",
            "projection.enabled": "true",
            "projection.day.type": "date",
            "projection.day.format": "yyyy/MM/dd",
            "projection.day.range": "NOW-14DAYS,NOW",
            "projection.day.interval": "1",
            "projection.day.interval.unit": "DAYS",
            "storage.location.template": `${location}\${day}`,
        });
        assert.deepEqual(table.partitionKeys, [{ name: "day", type: "string", comment: "delivery day, yyyy/MM/dd" }]);
        assert.equal(table.storageDescriptor.location, location);
        assert.equal(table.storageDescriptor.serDeInfo.serializationLibrary, "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
        assert.equal(table.storageDescriptor.inputFormat, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
        assert.deepEqual(table.storageDescriptor.columns, FLOW_LOG_COLUMNS);
        assert.deepEqual(table.storageDescriptor.columns.map((c: { name: string }) => c.name).filter((n: string) => n.includes("az") || n.includes("aws_service")),
            ["az_id", "pkt_src_aws_service", "pkt_dst_aws_service"]);
    });

    it("runs the queries in a workgroup that enforces encrypted results in the bucket", async () => {
        const { result, resources } = await declareNetwork();
        const workgroup = one(resources, "aws:athena/workgroup:Workgroup").inputs;
        assert.equal(workgroup.configuration.enforceWorkgroupConfiguration, true);
        assert.deepEqual(workgroup.configuration.resultConfiguration, {
            outputLocation: "s3://Bucket/net-flow-logs/athena-results/",
            encryptionConfiguration: { encryptionOption: "SSE_S3" },
        });
        assert.equal(await valueOf(result.flowLogs!.workgroupName), "net-flow-logs-1234567");
    });

    for (const [natGateways, natAzs] of [["perAz", AZS], ["single", AZS.slice(0, 1)], ["none", []]] as const) {
        it(`saves each named query rendered with the VPC's subnet-to-AZ map and NAT interfaces (natGateways ${natGateways})`, async () => {
            const { result, resources } = await declareNetwork({ natGateways });
            const queries = ofType(resources, "aws:athena/namedQuery:NamedQuery");
            assert.deepEqual(queries.map(q => q.inputs.name), FLOW_LOG_QUERY_KEYS.map(key => `net-flow-logs-${key}`));
            const expected = flowLogQueries(expectedLayout([...natAzs]));
            for (const [i, key] of FLOW_LOG_QUERY_KEYS.entries()) {
                assert.equal(queries[i].inputs.query, expected[key], key);
                assert.equal(queries[i].inputs.database, "net_flow_logs_test");
                assert.equal(queries[i].inputs.workgroup, "net-flow-logs-1234567");
                assert.ok(queries[i].inputs.description.length > 20);
            }
            assert.deepEqual(Object.keys(result.flowLogs!.namedQueryIds), [...FLOW_LOG_QUERY_KEYS]);
        });
    }
});
