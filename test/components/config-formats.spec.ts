/** Value formats shared by several sections (components/config-formats.ts): each key that takes one is checked by the same rule. */
import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config";
import { rejects } from "../helpers/config-errors";

const CLUSTER = { enabled: true, clusterCreatorAdmin: true };
const SERVICE = { name: "backend", image: "public.ecr.aws/nginx/nginx:1.27", port: 8080 };

/** Every image key, as [its path in messages, a config that sets it to image]. */
const IMAGE_KEYS: [string, (image: string) => Record<string, unknown>][] = [
    ["services.0.image", image => ({ eks: CLUSTER, services: [{ ...SERVICE, image }] })],
    ["ecs.services.web.image", image => ({ ecs: { services: { web: { image } } } })],
    ["ecs.services.web.sidecars.0.image", image => ({ ecs: { services: { web: { image: "web:1.0.0", sidecars: [{ name: "agent", image }] } } } })],
    ["measurement.image", image => ({ measurement: { image } })],
];
const IMAGE_ALLOWED = "must be an image reference like public.ecr.aws/nginx/nginx:1.27 "
    + "(lowercase repository path, optional :tag and @digest, no spaces, name at most 255 characters)";

describe("config: formats shared by several keys", () => {
    describe("image references follow the distribution grammar in every image key", () => {
        const invalid = ["", " ", "nginx:1.27 ", "my app:1.0.0", "MyApp:1.0.0", "example.com/Team/app:1.0.0", "app:", "app:1.0.0@sha256:abc",
            `example.com/${"a".repeat(250)}:1.0.0`];
        for (const [key, config] of IMAGE_KEYS) {
            it(key, () => {
                for (const image of invalid) rejects(config(image), `${key} ${IMAGE_ALLOWED}, got ${JSON.stringify(image)}`);
                rejects(config(5 as never), `${key} ${IMAGE_ALLOWED}, got 5`);
            });
        }

        it("accepts registries with ports, nested paths, tags and digests", () => {
            const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
            for (const image of ["nginx:1.27.0", "111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:1.0.0", "localhost:5000/a__b/c-d:2.0.0",
                `public.ecr.aws/docker/library/node@${digest}`, `node:24.21.0-alpine@${digest}`, "Registry.Example.com/app:1.0.0"]) {
                assert.equal(parseStackConfig({ ecs: { services: { web: { image } } } }).ecs!.services.web.image, image);
            }
        });
    });

    describe("DNS names keep to RFC 1123 lengths: labels of at most 63 characters, names of at most 253", () => {
        const label63 = "a".repeat(63);
        const longName = [label63, label63, label63, "a".repeat(61)].join("."); // 253 characters
        const NAMESPACE = "must be a Kubernetes namespace name: lowercase letters, digits and '-', at most 63 characters";
        const DNS_RULE = "labels of lowercase letters, digits and '-' up to 63 characters, at most 253 in all";

        it("Kubernetes namespaces (services[].namespace, measurement.namespace) are DNS labels", () => {
            assert.equal(parseStackConfig({ eks: CLUSTER, services: [{ ...SERVICE, namespace: label63 }] }).services[0].namespace, label63);
            rejects({ eks: CLUSTER, services: [{ ...SERVICE, namespace: `${label63}a` }] }, `services.0.namespace ${NAMESPACE}, got "${label63}a"`);
            rejects({ measurement: { namespace: `${label63}a` } }, `measurement.namespace ${NAMESPACE}, got "${label63}a"`);
        });

        it("service names are DNS labels starting with a letter", () => {
            rejects({ eks: CLUSTER, services: [{ ...SERVICE, name: `${label63}a` }] },
                `services.0.name must be a DNS label like "frontend" (lowercase letters, digits and '-', starting with a letter, at most 63 characters), got "${label63}a"`);
        });

        it("ingress hosts and the Service Connect namespace are DNS names", () => {
            const host = (value: string) => ({ eks: CLUSTER, services: [{ ...SERVICE, ingress: { host: value } }] });
            assert.equal(parseStackConfig(host(longName)).services[0].ingress!.host, longName);
            assert.equal(parseStackConfig(host("*.example.com")).services[0].ingress!.host, "*.example.com");
            for (const bad of [`${longName}a`, `${label63}a.example.com`, "shop..example.com", "shop.example.com "]) {
                rejects(host(bad), `services.0.ingress.host must be a DNS name like shop.example.com (${DNS_RULE}), got "${bad}"`);
            }
            const namespace = (value: string) => ({ ecs: { serviceConnectNamespace: value, services: { web: { image: "web:1.0.0" } } } });
            assert.equal(parseStackConfig(namespace("prod.internal")).ecs!.serviceConnectNamespace, "prod.internal");
            for (const bad of [`${label63}a.internal`, `${longName}a`]) {
                rejects(namespace(bad), `ecs.serviceConnectNamespace must be a DNS name like internal.local (${DNS_RULE}), got "${bad}"`);
            }
        });
    });

    it("HTTP paths (probePath, ingress.path, healthCheckPath) are absolute and without spaces", () => {
        rejects({ eks: CLUSTER, services: [{ ...SERVICE, probePath: "/health check" }] },
            'services.0.probePath must be an absolute path without spaces like /healthz, got "/health check"');
        rejects({ eks: CLUSTER, services: [{ ...SERVICE, ingress: { path: "/shop " } }] },
            'services.0.ingress.path must be an absolute path without spaces like /, got "/shop "');
        rejects({ ecs: { services: { web: { image: "web:1.0.0", healthCheckPath: "healthz" } } } },
            'ecs.services.web.healthCheckPath must be an absolute path without spaces like /healthz, got "healthz"');
    });

    it("ARNs carry no spaces, trailing ones included", () => {
        const web = (extra: Record<string, unknown>) => ({ ecs: { services: { web: { image: "web:1.0.0", ...extra } } } });
        const secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf ";
        rejects(web({ secrets: { DB_PASSWORD: secret } }),
            `ecs.services.web.secrets.DB_PASSWORD must be a Secrets Manager secret or SSM parameter ARN, got ${JSON.stringify(secret)}`);
        const certificate = "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d ";
        rejects(web({ loadBalancer: { certificateArn: certificate } }),
            `ecs.services.web.loadBalancer.certificateArn must be an ACM certificate ARN like arn:aws:acm:us-east-1:111122223333:certificate/<id>, got ${JSON.stringify(certificate)}`);
        const policy = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess ";
        rejects(web({ taskRolePolicyArns: [policy] }),
            `ecs.services.web.taskRolePolicyArns.0 must be IAM policy ARNs like arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess, got ${JSON.stringify(policy)}`);
        const principal = "arn:aws:iam::111122223333:role/platform-admin ";
        rejects({ eks: { enabled: true, adminPrincipalArn: principal } },
            `eks.adminPrincipalArn must be an IAM role or user ARN like arn:aws:iam::111122223333:role/platform-admin, got ${JSON.stringify(principal)}`);
    });

    it("environment names that look like secrets are refused by one rule in services[].env and the ECS environments", () => {
        for (const name of ["DB_PASSWORD", "API_KEY", "STRIPE_SECRET", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "PRIVATE_KEY", "CREDENTIALS"]) {
            rejects({ eks: CLUSTER, services: [{ ...SERVICE, env: { LOG_LEVEL: "info", [name]: "hunter2" } }] },
                `services.0.env must not hold secret-looking names: env values are plain text in the Deployment and in the stack config, got "${name}"`);
        }
        const env = { LOG_LEVEL: "info", TOKENIZER_MODE: "fast", KEYSPACE: "a" };
        assert.deepEqual(parseStackConfig({ eks: CLUSTER, services: [{ ...SERVICE, env }] }).services[0].env, env);
        rejects({ eks: CLUSTER, services: [{ ...SERVICE, env: { "LOG-LEVEL": "info" } }] },
            'services.0.env.LOG-LEVEL must be environment variable names like LOG_LEVEL, got "LOG-LEVEL"');
        rejects({ ecs: { services: { web: { image: "web:1.0.0", environment: { WORKERS: 4 } } } } },
            "ecs.services.web.environment.WORKERS must be string values (quote numbers and booleans), got 4");
    });
});
