import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config";
import { configErrorOf } from "../helpers/config-errors";

const CLUSTER = { enabled: true, clusterCreatorAdmin: true };
const SERVICE = { name: "backend", image: "public.ecr.aws/nginx/nginx:1.27", port: 8080 };


describe("config: eks", () => {
    it("defaults to no cluster, Kubernetes 1.35, private endpoint, no creator admin, add-ons on, no custom pools", () => {
        assert.deepEqual(parseStackConfig({}).eks, {
            enabled: false,
            version: "1.35",
            endpointPublicAccessCidrs: [],
            clusterCreatorAdmin: false,
            secretsEncryption: false,
            supportType: "STANDARD",
            logRetentionDays: 30,
            controlPlaneLogTypes: ["api", "audit", "authenticator"],
            zonalShift: true,
            nodePools: { graviton: false, spot: false },
            addons: { metricsServer: true, cloudwatchObservability: true },
        });
        assert.deepEqual(parseStackConfig({}).services, []);
    });

    it("rejects a version that is not a minor version string", () => {
        assert.equal(configErrorOf({ eks: { ...CLUSTER, version: "1.35.2" } }), 'eks.version must be a Kubernetes minor version like "1.35", got "1.35.2"');
        assert.equal(configErrorOf({ eks: { ...CLUSTER, version: 1.35 } }), 'eks.version must be a Kubernetes minor version like "1.35", got 1.35');
        assert.equal(configErrorOf({ eks: { ...CLUSTER, supportType: "extended" } }), 'eks.supportType must be one of STANDARD|EXTENDED, got "extended"');
    });

    it("rejects versions before 1.35", () => {
        assert.equal(configErrorOf({ eks: { ...CLUSTER, version: "1.34" } }),
            'eks.version must be 1.35 or later (PreferSameNode and pod topology labels need it), got "1.34"');
    });

    it("accepts the versions EKS supports from 1.35 on, and rejects newer ones", () => {
        assert.equal(parseStackConfig({ eks: { ...CLUSTER, version: "1.36" } }).eks.version, "1.36");
        for (const version of ["1.37", "1.99"]) {
            assert.equal(configErrorOf({ eks: { ...CLUSTER, version } }), `eks.version must be at most 1.36, the newest version EKS supports, got "${version}"`);
        }
        assert.equal(configErrorOf({ eks: { ...CLUSTER, version: "latest" } }), 'eks.version must be a Kubernetes minor version like "1.35", got "latest"');
    });

    it("rejects a public endpoint open to the whole internet, by one CIDR or several together", () => {
        for (const cidrs of [["0.0.0.0/0"], ["0.0.0.0/1", "128.0.0.0/1"], ["203.0.113.0/24", "128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"]]) {
            assert.equal(configErrorOf({ eks: { ...CLUSTER, endpointPublicAccessCidrs: cidrs } }),
                "eks.endpointPublicAccessCidrs must not open the API endpoint to the whole internet: together they cover every IPv4 address "
                + `(leave the list empty for private-only), got ${JSON.stringify(cidrs)}`);
        }
        const halves = ["0.0.0.0/1", "128.0.0.0/2"];
        assert.deepEqual(parseStackConfig({ eks: { ...CLUSTER, endpointPublicAccessCidrs: halves } }).eks.endpointPublicAccessCidrs, halves);
    });

    it("rejects malformed CIDRs and CIDRs with host bits set", () => {
        assert.equal(configErrorOf({ eks: { ...CLUSTER, endpointPublicAccessCidrs: ["203.0.113.0"] } }),
            'eks.endpointPublicAccessCidrs.0 must be IPv4 CIDRs like 203.0.113.0/24, got "203.0.113.0"');
        assert.equal(configErrorOf({ eks: { ...CLUSTER, endpointPublicAccessCidrs: ["198.51.100.0/24", "203.0.113.7/24"] } }),
            'eks.endpointPublicAccessCidrs.1 must be a network address: the /24 block holding 203.0.113.7 is 203.0.113.0/24, got "203.0.113.7/24"');
    });

    it("requires an admin principal when the cluster creator is not admin", () => {
        assert.equal(configErrorOf({ eks: { enabled: true } }),
            "eks.adminPrincipalArn is required when eks.clusterCreatorAdmin is false (nobody, this program included, could administer the cluster), got nothing");
        assert.equal(configErrorOf({ eks: { enabled: true, adminPrincipalArn: "platform-admin" } }),
            'eks.adminPrincipalArn must be an IAM role or user ARN like arn:aws:iam::111122223333:role/platform-admin, got "platform-admin"');
    });

    it("rejects unknown keys in eks and its node pools", () => {
        assert.equal(configErrorOf({ eks: { ...CLUSTER, nodePools: { gpu: true } } }),
            "cross-az-platform:eks.nodePools has unknown key gpu (allowed keys: graviton, spot)");
    });
});

describe("config: services", () => {
    it("fills in the service defaults", () => {
        const [service] = parseStackConfig({ eks: CLUSTER, services: [SERVICE] }).services;
        assert.deepEqual(service, {
            ...SERVICE, namespace: "default", replicas: 3, cpu: "250m", memory: "256Mi", routing: "PreferSameZone",
            perZone: false, pdb: { minAvailable: 1 }, hpa: { cpuUtilization: 70, memoryUtilization: 80 }, env: {},
            podSecurity: "restricted", readOnlyRootFilesystem: true, writablePaths: ["/tmp"], serviceAccountToken: false, egressCidrs: [],
        });
    });

    it("rejects services without the cluster, naming both keys", () => {
        assert.equal(configErrorOf({ services: [SERVICE] }),
            "eks.enabled must be true when services are declared (ZonalService runs on the EKS Auto Mode cluster), got false");
    });

    it("rejects services when metrics-server is off (their HPAs need it)", () => {
        assert.equal(configErrorOf({ eks: { ...CLUSTER, addons: { metricsServer: false } }, services: [SERVICE] }),
            "eks.addons.metricsServer must be true when services are declared (their HPAs read metrics-server), got false");
    });

    it("rejects an unknown routing value, including the deprecated PreferClose", () => {
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, routing: "PreferClose" }] }),
            'services.0.routing must be one of PreferSameZone|PreferSameNode, got "PreferClose"');
    });

    it("rejects minDomains larger than the AZ count of the network", () => {
        assert.equal(configErrorOf({ network: { azCount: 2 }, eks: CLUSTER, services: [{ ...SERVICE, minDomains: 3 }] }),
            "services.0.minDomains must be at most the AZ count (2): more domains than zones leaves pods Pending, got 3");
    });

    it("rejects minDomains together with perZone", () => {
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, perZone: true, minDomains: 2 }] }),
            "services.0.minDomains contradicts perZone: true (each per-zone Deployment is pinned to one zone): set one of them, got 2");
    });

    it("rejects a PDB that would block every drain, counting per-zone replicas", () => {
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, replicas: 2, pdb: { minAvailable: 2 } }] }),
            "services.0.pdb.minAvailable must be less than the minimum pod count (2), or no node could ever be drained, got 2");
        assert.doesNotThrow(() => parseStackConfig({ eks: CLUSTER, services: [{ ...SERVICE, replicas: 1, perZone: true, pdb: { minAvailable: 2 } }] }));
        for (const [minAvailable, replicas] of [["100%", 3], ["90%", 3], ["51%", 1]] as const) {
            assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, replicas, pdb: { minAvailable } }] }),
                `services.0.pdb.minAvailable must round to less than the minimum pod count (${replicas}), or no node could ever be drained `
                + `(Kubernetes rounds ${minAvailable} of ${replicas} up to ${replicas}), got "${minAvailable}"`);
        }
        assert.doesNotThrow(() => parseStackConfig({ eks: CLUSTER, services: [{ ...SERVICE, replicas: 3, pdb: { minAvailable: "66%" } }] }));
        assert.doesNotThrow(() => parseStackConfig({ eks: CLUSTER, services: [{ ...SERVICE, replicas: 1, perZone: true, pdb: { minAvailable: "66%" } }] }));
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, pdb: { minAvailable: "50" } }] }),
            'services.0.pdb.minAvailable must be a whole number >= 0 or a percentage like "50%", got "50"');
    });

    it("rejects an HPA maximum below replicas", () => {
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, replicas: 4, hpa: { maxReplicas: 2 } }] }),
            "services.0.hpa.maxReplicas must be at least replicas (4), got 2");
    });

    it("rejects an unknown ingress scheme", () => {
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, ingress: { scheme: "public" } }] }),
            'services.0.ingress.scheme must be one of internet-facing|internal, got "public"');
    });

    it("accepts gbPerMonth as a non-negative number and rejects anything else", () => {
        assert.equal(parseStackConfig({ eks: CLUSTER, services: [{ ...SERVICE, gbPerMonth: 0 }] }).services[0].gbPerMonth, 0);
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, gbPerMonth: -5 }] }), "services.0.gbPerMonth must be a number >= 0, got -5");
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, gbPerMonth: "10TB" }] }), 'services.0.gbPerMonth must be a number >= 0, got "10TB"');
    });

    it("rejects the same service twice in one namespace", () => {
        assert.equal(configErrorOf({ eks: CLUSTER, services: [SERVICE, SERVICE] }),
            'services.1.name must be unique per namespace (default/backend is declared twice), got "backend"');
    });

    it("rejects env keys the downward API sets", () => {
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, env: { ZONE: "x" } }] }),
            'services.0.env must not set ZONE, NODE_NAME (set from the downward API), got ["ZONE"]');
    });

    it("rejects a name that is not a DNS label and bad resource quantities", () => {
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, name: "Backend_1" }] }),
            `services.0.name must be a DNS label like "frontend" (lowercase letters, digits and '-', starting with a letter, at most 63 characters), got "Backend_1"`);
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, cpu: "half" }] }),
            'services.0.cpu must be a CPU quantity like "250m" or "1" (quoted), got "half"');
    });

    it("asks for quantities as strings when given a bare number", () => {
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, cpu: 1 }] }), 'services.0.cpu must be a CPU quantity like "250m" or "1" (quoted), got 1');
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, cpuLimit: 2 }] }), 'services.0.cpuLimit must be a CPU quantity like "500m" or "1" (quoted), got 2');
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, memory: 256 }] }), 'services.0.memory must be a memory quantity like "256Mi" (quoted), got 256');
        assert.equal(configErrorOf({ eks: CLUSTER, services: [{ ...SERVICE, memoryLimit: 512 }] }), 'services.0.memoryLimit must be a memory quantity like "512Mi" (quoted), got 512');
    });
});
