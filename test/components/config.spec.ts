import * as assert from "node:assert/strict";
import { ConfigError, configKeys, loadStackConfig, parseConfigValues, parseStackConfig } from "../../components/config";
import { rejects } from "../helpers/config-errors";
import { declare } from "../helpers/mocks";

describe("stack config", () => {
    it("fills every network default", () => {
        assert.deepEqual(parseStackConfig({}).network, {
            cidr: "10.0.0.0/16",
            azCount: 3,
            natGateways: "perAz",
            endpoints: ["s3", "dynamodb", "ecr.api", "ecr.dkr", "sts", "logs"],
            endpointIngress: "vpc",
            flowLogs: { enabled: false, retentionDays: 30, maxAggregationInterval: 600 },
        });
    });

    it("keeps explicit values", () => {
        const network = {
            cidr: "10.20.0.0/20", azCount: 2, natGateways: "single", endpoints: ["s3"], endpointIngress: "private-subnets",
            flowLogs: { enabled: true, retentionDays: 7, maxAggregationInterval: 60 },
        };
        assert.deepEqual(parseStackConfig({ network }).network, network);
    });

    it("takes azCount from availabilityZones when only those are given", () => {
        assert.equal(parseStackConfig({ network: { availabilityZones: ["us-east-1b", "us-east-1c"] } }).network.azCount, 2);
    });

    describe("network errors name the key, the value and what is allowed", () => {
        it("azCount below 2", () => rejects({ network: { azCount: 1 } }, "network.azCount must be 2-6, got 1"));
        it("azCount above 6", () => rejects({ network: { azCount: 7 } }, "network.azCount must be 2-6, got 7"));
        it("azCount not a number", () => rejects({ network: { azCount: "3" } }, 'network.azCount must be a whole number 2-6, got "3"'));
        it("azCount not whole", () => rejects({ network: { azCount: 2.5 } }, "network.azCount must be a whole number 2-6, got 2.5"));
        it("cidr not IPv4", () => rejects({ network: { cidr: "10.0.0/16" } },
            'network.cidr must be an IPv4 CIDR block like 10.0.0.0/16, got "10.0.0/16"'));
        it("cidr too small to carve", () => rejects({ network: { cidr: "10.0.0.0/24" } },
            'network.cidr must be /16 to /22 to carve 3 private and 3 public subnets, got "10.0.0.0/24"'));
        it("cidr with host bits", () => rejects({ network: { cidr: "10.0.1.0/16" } },
            'network.cidr is not a network address: the /16 block starting there is 10.0.0.0/16, got "10.0.1.0/16"'));
        it("natGateways unknown", () => rejects({ network: { natGateways: "two" } },
            'network.natGateways must be one of perAz|single|none, got "two"'));
        it("endpoint unknown", () => rejects({ network: { endpoints: ["s3", "ecr"] } },
            'network.endpoints.1 must be one of s3|dynamodb|ecr.api|ecr.dkr|sts|logs|monitoring|ssm|ssmmessages|ec2messages|secretsmanager|kms|ecs|ecs-agent|ecs-telemetry|eks|eks-auth|elasticloadbalancing|sqs|sns|xray|ec2, got "ecr"'));
        it("endpoint listed twice", () => rejects({ network: { endpoints: ["s3", "sts", "s3"] } },
            'network.endpoints lists s3 more than once, got ["s3","sts","s3"]'));
        it("endpointIngress unknown", () => rejects({ network: { endpointIngress: "anywhere" } },
            'network.endpointIngress must be one of vpc|private-subnets, got "anywhere"'));
        it("availabilityZones malformed, Local and Wavelength Zones included", () => {
            for (const zone of ["east", "us-east-1-bos-1a", "us-east-1-wl1-bos-wlz-1", "us-east-1a ", "US-EAST-1A"]) {
                rejects({ network: { availabilityZones: ["us-east-1a", zone] } },
                    `network.availabilityZones.1 must be standard AZ names like us-east-1a (the region and a letter; Local and Wavelength Zones are not supported), got ${JSON.stringify(zone)}`);
            }
        });
        it("availabilityZones listing one twice", () => rejects({ network: { availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1a"] } },
            'network.availabilityZones lists us-east-1a more than once, got ["us-east-1a","us-east-1b","us-east-1a"]'));
        it("azCount contradicting availabilityZones", () => rejects({ network: { azCount: 3, availabilityZones: ["us-east-1a", "us-east-1b"] } },
            "network.azCount contradicts network.availabilityZones (2 AZs): set one of them, got 3"));
        it("unknown key (a typo)", () => rejects({ network: { natGateway: "single" } },
            "cross-az-platform:network has unknown key natGateway (allowed keys: cidr, azCount, availabilityZones, natGateways, endpoints, endpointIngress, flowLogs)"));
        it("unknown section", () => rejects({ netwrok: {} }, /^cross-az-platform has unknown key netwrok \(allowed keys: network/));
        it("a value of the wrong type, naming the type allowed", () => {
            rejects({ network: { cidr: 5 } }, "network.cidr must be an IPv4 CIDR block like 10.0.0.0/16, got 5");
            rejects({ network: { endpoints: "s3" } }, /^network\.endpoints must be auto or a list of s3\|dynamodb\|ecr\.api\|.*\|ec2, got "s3"$/);
            rejects({ network: { endpoints: 3 } }, /^network\.endpoints must be auto or a list of .*, got 3$/);
            rejects({ ecs: { services: { web: {} } } }, /^ecs\.services\.web\.image must be an image reference like .*, got nothing$/);
        });
    });

    it("shows YAML's .inf, -.inf and .nan as such, not as JSON's null", () => {
        rejects({ network: { azCount: Infinity } }, "network.azCount must be a whole number 2-6, got .inf");
        rejects({ traffic: { eastWestGbPerMonth: -Infinity } }, "traffic.eastWestGbPerMonth must be a number of GB per month, 0 or more, got -.inf");
        rejects({ measurement: { requests: NaN } }, "measurement.requests must be a whole number 1-100000, got .nan");
        rejects({ network: { endpoints: [Infinity] } }, /^network\.endpoints\.0 must be one of s3\|.*, got \.inf$/);
    });

    it("names what each key allows for a value of the wrong type, in its own words rather than the schema library's", () => {
        const base = () => ({
            eks: { enabled: true, clusterCreatorAdmin: true },
            services: [{ name: "web", image: "web:1.0.0", port: 8080 }],
            ecs: { services: { web: { image: "web:1.0.0", sidecars: [{ name: "log-router", image: "fluent-bit:3.0.0" }] } } },
        });
        // Every key and every section above a key, with values of each JSON type.
        const paths = new Set(configKeys().flatMap(key => key.split(".").map((_, i, parts) => parts.slice(0, i + 1).join("."))));
        const generic = /Invalid|expected|received|in record|must be (a string|a number|a list|a mapping)(, got| of names to values)/;
        for (const path of paths) {
            for (const value of [5, "x", true, [], {}, null, [5], { a: 1 }, { "not a name": "x" }]) {
                const raw: Record<string, any> = base();
                const steps = path.replace("<key>", "web").split(".").flatMap(step => step.endsWith("[]") ? [step.slice(0, -2), "0"] : [step]);
                const parent = steps.slice(0, -1).reduce((node, step) => (node[step] ??= {}), raw);
                parent[steps.at(-1)!] = value;
                let message = "";
                try {
                    parseStackConfig(raw);
                } catch (error) {
                    message = (error as Error).message;
                }
                assert.doesNotMatch(message, generic, `${path} = ${JSON.stringify(value)}`);
            }
        }
    });

    it("checks across keys only values that passed their own checks, so no message reasons from an invalid one", () => {
        rejects({ eks: { enabled: true, clusterCreatorAdmin: true }, services: [{ name: "web", image: "web:1.0.0", port: 8080, replicas: -1 }] },
            "services.0.replicas must be a whole number >= 1, got -1");
        rejects({ ecs: { services: { web: { image: "web:1.0.0", maxCount: -1 } } } }, "ecs.services.web.maxCount must be 1-1000, got -1");
    });

    it("reports every problem at once", () => {
        rejects({ network: { azCount: 9, natGateways: "x" } },
            'network.azCount must be 2-6, got 9; network.natGateways must be one of perAz|single|none, got "x"');
    });

    it("loadStackConfig reads cross-az-platform:* keys of the running stack, misspelt sections and namespaces included", async () => {
        await declare(() => undefined, { config: { "cross-az-platform:network": JSON.stringify({ azCount: 2 }) } });
        assert.equal(loadStackConfig().network.azCount, 2);
        await declare(() => undefined, { config: { "cross-az-platform:netwrk": "{}" } });
        assert.throws(() => loadStackConfig(), /cross-az-platform has unknown key netwrk/);
        await declare(() => undefined, { config: { "cross-az-platfrom:network": JSON.stringify({ azCount: 2 }) } });
        assert.throws(() => loadStackConfig(), /^ConfigError: cross-az-platfrom:network is under namespace cross-az-platfrom/);
    });

    describe("parseConfigValues: the stack's flat config, as the Pulumi runtime holds it", () => {
        it("reads this project's keys, JSON or plain strings, and leaves other namespaces alone", () => {
            const config = parseConfigValues({
                "aws:region": "eu-west-1", "kubernetes:context": "dev", "pulumi:tags": "{}", "crossaz:anything": "x",
                "cross-az-platform:network": JSON.stringify({ azCount: 2 }), "cross-az-platform:eks": JSON.stringify({ version: "1.35" }),
            });
            assert.equal(config.network.azCount, 2);
            assert.equal(config.eks.version, "1.35");
            rejects({ network: "x" }, /^network must be a mapping/); // what a plain-string section reads as
        });

        it("refuses keys under a namespace one or two letters away from the project's, naming the key meant", () => {
            for (const namespace of ["cross-az-platfrom", "cross-az-platorm", "crossaz-platform", "cross-az-platforms", "Cross-AZ-Platform", "cros-az-platfor"]) {
                assert.throws(() => parseConfigValues({ [`${namespace}:network`]: "{}" }), (e: Error) => e instanceof ConfigError && e.message
                    === `${namespace}:network is under namespace ${namespace}, which this program does not read: did you mean cross-az-platform:network?`);
            }
        });

        it("reports a misspelt namespace together with the project's own errors", () => {
            assert.throws(() => parseConfigValues({ "cross-az-platfrm:traffic": "{}", "cross-az-platform:network": JSON.stringify({ azCount: 1 }) }),
                (e: Error) => e.message === "cross-az-platfrm:traffic is under namespace cross-az-platfrm, which this program does not read: "
                    + "did you mean cross-az-platform:traffic?; network.azCount must be 2-6, got 1");
        });
    });
});
