import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config";
import { rejects } from "../helpers/config-errors";

describe("stack config: measurement", () => {
    it("is off by default, 1000 requests per variant, in crossaz-measurement on a pinned Node image", () => {
        assert.deepEqual(parseStackConfig({}).measurement, {
            enabled: false, requests: 1000, namespace: "crossaz-measurement", image: "node:24.21.0-alpine",
        });
    });

    it("keeps explicit values, digests included", () => {
        const image = `public.ecr.aws/docker/library/node@sha256:${"a".repeat(64)}`;
        const measurement = { enabled: true, requests: 100_000, namespace: "measure-b", image };
        const eks = { enabled: true, adminPrincipalArn: "arn:aws:iam::111122223333:role/platform-admin" };
        assert.deepEqual(parseStackConfig({ eks, measurement }).measurement, measurement);
        assert.equal(parseStackConfig({ measurement: { image: "registry.local:5000/node:22.12.0-alpine3.21" } }).measurement.image,
            "registry.local:5000/node:22.12.0-alpine3.21");
    });

    describe("errors name the key, the value and what is allowed", () => {
        it("enabled not a boolean", () => rejects({ measurement: { enabled: "yes" } }, 'measurement.enabled must be true or false, got "yes"'));
        it("requests below 1", () => rejects({ measurement: { requests: 0 } }, "measurement.requests must be 1-100000, got 0"));
        it("requests above 100000", () => rejects({ measurement: { requests: 100_001 } }, "measurement.requests must be 1-100000, got 100001"));
        it("requests not whole", () => rejects({ measurement: { requests: 10.5 } }, "measurement.requests must be a whole number 1-100000, got 10.5"));
        it("namespace not a DNS label", () => rejects({ measurement: { namespace: "Cross_AZ" } },
            `measurement.namespace must be a Kubernetes namespace name: lowercase letters, digits and '-', at most 63 characters, got "Cross_AZ"`));
        for (const floating of ["node:24-alpine", "node:latest", "node"]) {
            it(`image with a floating tag (${floating})`, () => rejects({ measurement: { image: floating } },
                `measurement.image must be pinned: a tag with a full version like node:24.21.0-alpine, or an @sha256 digest, got "${floating}"`));
        }
        it("enabled without the cluster it runs in", () => rejects({ measurement: { enabled: true } },
            "eks.enabled must be true when measurement.enabled is true (the measurement runs in the EKS Auto Mode cluster), got false"));
        it("unknown key", () => rejects({ measurement: { enable: true } },
            "cross-az-platform:measurement has unknown key enable (allowed keys: enabled, requests, namespace, image)"));
    });
});
