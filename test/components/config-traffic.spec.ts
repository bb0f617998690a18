import assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config";
import { rejects } from "../helpers/config-errors";

describe("components/config: traffic", () => {
    it("is optional, and fills every volume it is not given with 0", () => {
        assert.equal(parseStackConfig({}).traffic, undefined);
        assert.deepEqual(parseStackConfig({ traffic: { awsServiceGbPerMonth: { ecr: 800 } } }).traffic, {
            eastWestGbPerMonth: 0,
            awsServiceGbPerMonth: { s3: 0, ecr: 800, logs: 0, sts: 0, dynamodb: 0 },
            internetEgressGbPerMonth: 0,
            northSouthGbPerMonth: 0,
        });
    });

    it("rejects negative or non-numeric volumes, naming key and value", () => {
        rejects({ traffic: { eastWestGbPerMonth: -5 } },
            "traffic.eastWestGbPerMonth must be a number of GB per month, 0 or more, got -5");
        rejects({ traffic: { northSouthGbPerMonth: "2TB" } },
            "traffic.northSouthGbPerMonth must be a number of GB per month, 0 or more, got \"2TB\"");
    });

    it("rejects unknown keys and services, listing the allowed ones", () => {
        rejects({ traffic: { eastWestGb: 1 } }, /cross-az-platform:traffic has unknown key eastWestGb \(allowed keys: eastWestGbPerMonth, awsServiceGbPerMonth, internetEgressGbPerMonth, northSouthGbPerMonth\)/);
        rejects({ traffic: { awsServiceGbPerMonth: { ec2: 1 } } }, /traffic\.awsServiceGbPerMonth has unknown key ec2 \(allowed keys: s3, ecr, logs, sts, dynamodb\)/);
    });

    it("is the stack's total east-west: the services' gbPerMonth figures must fit in it", () => {
        const eks = { enabled: true, adminPrincipalArn: "arn:aws:iam::111122223333:role/platform-admin" };
        const services = [
            { name: "frontend", image: "web:1.0.0", port: 80, gbPerMonth: 2000 },
            { name: "backend", image: "api:1.0.0", port: 8080, gbPerMonth: 8000 },
        ];
        assert.equal(parseStackConfig({ eks, services, traffic: { eastWestGbPerMonth: 10_000 } }).traffic!.eastWestGbPerMonth, 10_000);
        rejects({ eks, services, traffic: { eastWestGbPerMonth: 9000 } },
            "traffic.eastWestGbPerMonth must be the stack's total east-west GB/month, at least the 10000 GB the services' gbPerMonth figures add up to, got 9000");
        rejects({ eks, services },
            "traffic.eastWestGbPerMonth must be the stack's total east-west GB/month, at least the 10000 GB the services' gbPerMonth figures add up to, got nothing");
    });
});
