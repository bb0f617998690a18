import * as assert from "node:assert/strict";
import { ConfigError, loadStackConfig, parseConfigValues, parseStackConfig } from "../../components/config";
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
        });
    });

    it("keeps explicit values", () => {
        const network = { cidr: "10.20.0.0/20", azCount: 2, natGateways: "single", endpoints: ["s3"], endpointIngress: "private-subnets" };
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
            "cross-az-platform:network has unknown key natGateway (allowed keys: cidr, azCount, availabilityZones, natGateways, endpoints, endpointIngress)"));
        it("unknown section", () => rejects({ netwrok: {} }, /^cross-az-platform has unknown key netwrok \(allowed keys: network/));
        it("a value of the wrong type, naming the type allowed", () => {
            rejects({ network: { cidr: 5 } }, "network.cidr must be a string, got 5");
            rejects({ network: { endpoints: "s3" } }, /^network\.endpoints must be auto or a list of s3\|dynamodb\|ecr\.api\|.*\|ec2, got "s3"$/);
            rejects({ network: { endpoints: 3 } }, /^network\.endpoints must be auto or a list of .*, got 3$/);
            rejects({ ecs: { services: { web: {} } } }, /^ecs\.services\.web\.image must be an image reference like .*, got nothing$/);
        });
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
