import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseStackConfig } from "../../components/config";
import { rejects } from "../helpers/config-errors";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
const PARAMETER_ARN = "arn:aws:ssm:us-east-1:111122223333:parameter/web/api-key";
const web = (extra: Record<string, unknown> = {}, ecs: Record<string, unknown> = {}) =>
    ({ ecs: { ...ecs, services: { web: { image: "app:1", ...extra } } } });

function stackSections(stack: string): Record<string, unknown> {
    const config = parse(readFileSync(join(__dirname, "..", "..", `Pulumi.${stack}.yaml`), "utf8")).config as Record<string, unknown>;
    return Object.fromEntries(Object.entries(config)
        .filter(([key]) => key.startsWith("cross-az-platform:"))
        .map(([key, value]) => [key.slice("cross-az-platform:".length), value]));
}

describe("config: ecs section", () => {
    it("is optional: no ecs key, no Fargate services", () => {
        assert.equal(parseStackConfig({}).ecs, undefined);
    });

    it("fills the documented defaults", () => {
        const ecs = parseStackConfig(web()).ecs!;
        assert.equal(ecs.containerInsights, "enhanced");
        assert.equal(ecs.serviceConnectNamespace, undefined);
        assert.deepEqual(ecs.services.web, {
            image: "app:1", containerPort: 8080, cpu: 256, memory: 512, architecture: "ARM64",
            desiredCount: 3, minCount: 3, maxCount: 6, cpuTargetPercent: 60, spot: true,
            capacity: { fargateBase: 2, fargateWeight: 1, spotWeight: 4 },
            healthCheckPath: "/healthz", healthCheckCommand: ["CMD-SHELL", "curl -fsS http://localhost:8080/healthz || exit 1"],
            environment: {}, secrets: {}, sidecars: [], logRetentionDays: 30,
            loadBalancer: { internal: false, crossZone: false },
            deployment: { minimumHealthyPercent: 100, maximumPercent: 200 },
            execEnabled: false, serviceConnect: false, taskRolePolicyArns: [],
        });
    });

    it("rejects environment names that look like secrets, in the app and in sidecars", () => {
        for (const name of ["DB_PASSWORD", "API_KEY", "STRIPE_SECRET", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "PRIVATE_KEY", "CREDENTIALS"]) {
            rejects(web({ environment: { LOG_LEVEL: "info", [name]: "hunter2" } }),
                `ecs.services.web.environment must not hold secret-looking names: put them in secrets as a Secrets Manager or SSM parameter ARN, got "${name}"`);
        }
        rejects(web({ sidecars: [{ name: "agent", image: "agent:1", environment: { AGENT_TOKEN: "x" } }] }),
            `ecs.services.web.sidecars.0.environment must not hold secret-looking names: put them in secrets as a Secrets Manager or SSM parameter ARN, got "AGENT_TOKEN"`);
    });

    it("keeps ordinary environment names", () => {
        const environment = { LOG_LEVEL: "info", TOKENIZER_MODE: "fast", KEYSPACE: "a" };
        assert.deepEqual(parseStackConfig(web({ environment })).ecs!.services.web.environment, environment);
    });

    it("accepts Secrets Manager and SSM parameter ARNs as secrets and nothing else", () => {
        const secrets = { DB_PASSWORD: SECRET_ARN, API_KEY: PARAMETER_ARN };
        assert.deepEqual(parseStackConfig(web({ secrets })).ecs!.services.web.secrets, secrets);
        rejects(web({ secrets: { DB_PASSWORD: "hunter2" } }),
            `ecs.services.web.secrets.DB_PASSWORD must be a Secrets Manager secret or SSM parameter ARN, got "hunter2"`);
        rejects(web({ secrets: { DB_PASSWORD: "arn:aws:s3:::bucket/key" } }),
            `ecs.services.web.secrets.DB_PASSWORD must be a Secrets Manager secret or SSM parameter ARN, got "arn:aws:s3:::bucket/key"`);
    });

    it("requires the cluster namespace for Service Connect", () => {
        rejects(web({ serviceConnect: true }), "ecs.services.web.serviceConnect needs ecs.serviceConnectNamespace, got true");
        assert.equal(parseStackConfig(web({ serviceConnect: true }, { serviceConnectNamespace: "prod.internal" })).ecs!.services.web.serviceConnect, true);
    });

    it("keeps desiredCount between minCount and maxCount", () => {
        rejects(web({ minCount: 4, maxCount: 2, desiredCount: 3 }),
            "ecs.services.web.minCount must be at most maxCount (2), got 4; ecs.services.web.desiredCount must be between minCount and maxCount (4-2), got 3");
        rejects(web({ desiredCount: 9 }), "ecs.services.web.desiredCount must be between minCount and maxCount (3-6), got 9");
    });

    it("rejects rolling bounds that can never replace a task", () => {
        rejects(web({ deployment: { minimumHealthyPercent: 100, maximumPercent: 100 } }),
            "ecs.services.web.deployment.maximumPercent must be above 100 when minimumHealthyPercent is 100, or no task can ever be replaced, got 100");
    });

    it("rejects a Spot strategy with no weight", () => {
        rejects(web({ capacity: { fargateWeight: 0, spotWeight: 0 } }),
            `ecs.services.web.capacity needs fargateWeight or spotWeight above 0, got {"fargateBase":2,"fargateWeight":0,"spotWeight":0}`);
    });

    it("names the allowed values for enums, retention and keys", () => {
        rejects(web({ architecture: "arm" }), `ecs.services.web.architecture must be one of ARM64|X86_64, got "arm"`);
        rejects(web({}, { containerInsights: "on" }), `ecs.containerInsights must be one of enhanced|enabled|disabled, got "on"`);
        rejects(web({ logRetentionDays: 10 }), /ecs\.services\.web\.logRetentionDays must be one of 1\|3\|5\|7\|14\|30\|.*\|3653, got 10/);
        rejects({ ecs: { services: { Web_1: { image: "app:1" } } } } as Record<string, unknown>,
            `ecs.services must have keys of 1-20 lowercase letters, digits and hyphens, not starting with internal- (they name the ALB and the ECS service), got "Web_1"`);
        rejects({ ecs: { services: { "internal-api": { image: "app:1" } } } },
            `ecs.services must have keys of 1-20 lowercase letters, digits and hyphens, not starting with internal- (they name the ALB and the ECS service), got "internal-api"`);
        rejects(web({ loadBalancer: { crosszone: true } }), /cross-az-platform:ecs\.services\.web\.loadBalancer has unknown key crosszone \(allowed keys: internal, certificateArn, crossZone\)/);
        rejects(web({ loadBalancer: { certificateArn: "my-cert" } }), `ecs.services.web.loadBalancer.certificateArn must be an ACM certificate ARN like arn:aws:acm:us-east-1:111122223333:certificate/<id>, got "my-cert"`);
        rejects(web({ sidecars: [{ name: "app", image: "x" }] }), `ecs.services.web.sidecars must have names unique in the task (app is the main container), got "app"`);
    });

    it("prod declares at least one Fargate service and dev a smaller one; both parse", () => {
        const prod = parseStackConfig(stackSections("prod")).ecs!;
        const dev = parseStackConfig(stackSections("dev")).ecs!;
        assert.ok(Object.keys(prod.services).length >= 1);
        assert.ok(Object.keys(dev.services).length >= 1);
        const tasks = (ecs: typeof prod) => Object.values(ecs.services).reduce((sum, s) => sum + s.maxCount * s.cpu, 0);
        assert.ok(tasks(dev) < tasks(prod), "dev runs less Fargate capacity than prod");
    });
});
