/** The config keys of issue 19 ("Secure and recoverable by default"): defaults, and one line per bad value. */
import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config";
import { rejects } from "../helpers/config-errors";

const CLUSTER = { enabled: true, clusterCreatorAdmin: true };
const SERVICE = { name: "frontend", image: "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine", port: 8080 };
const CERTIFICATE_ARN = "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d";
const service = (extra: Record<string, unknown>) => ({ eks: CLUSTER, services: [{ ...SERVICE, ...extra }] });
const web = (extra: Record<string, unknown>) => ({ ecs: { services: { web: { image: "app:1", ...extra } } } });

describe("config: protect", () => {
    it("protects by default: deletion protection on, volumes retained (a stack that must be torn down says so)", () => {
        assert.deepEqual(parseStackConfig({}).protect, { deletion: true, volumeReclaimPolicy: "Retain" });
        assert.deepEqual(parseStackConfig({ protect: { deletion: false, volumeReclaimPolicy: "Delete" } }).protect,
            { deletion: false, volumeReclaimPolicy: "Delete" });
    });

    it("names the key, the value and what is allowed", () => {
        rejects({ protect: { deletion: "yes" } }, 'protect.deletion must be true or false, got "yes"');
        rejects({ protect: { volumeReclaimPolicy: "Recycle" } }, 'protect.volumeReclaimPolicy must be one of Retain|Delete, got "Recycle"');
        rejects({ protect: { cluster: true } }, "cross-az-platform:protect has unknown key cluster (allowed keys: deletion, volumeReclaimPolicy)");
    });
});

describe("config: accessLogs", () => {
    it("logs every ALB by default, expiring logs after 90 days", () => {
        assert.deepEqual(parseStackConfig({}).accessLogs, { enabled: true, expirationDays: 90 });
    });

    it("rejects an expiry outside 1-3650 days", () => {
        rejects({ accessLogs: { expirationDays: 0 } }, "accessLogs.expirationDays must be 1-3650, got 0");
        rejects({ accessLogs: { expirationDays: 7.5 } }, "accessLogs.expirationDays must be a whole number 1-3650, got 7.5");
    });
});

describe("config: eks logs and zonal shift", () => {
    it("accepts all five control-plane log types", () => {
        const all = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
        assert.deepEqual(parseStackConfig({ eks: { ...CLUSTER, controlPlaneLogTypes: all } }).eks.controlPlaneLogTypes, all);
    });

    it("rejects an unknown or repeated log type and a non-boolean zonalShift", () => {
        rejects({ eks: { ...CLUSTER, controlPlaneLogTypes: ["api", "kubelet"] } },
            'eks.controlPlaneLogTypes.1 must be one of api|audit|authenticator|controllerManager|scheduler, got "kubelet"');
        rejects({ eks: { ...CLUSTER, controlPlaneLogTypes: ["audit", "audit"] } }, 'eks.controlPlaneLogTypes must not list a log type twice, got ["audit","audit"]');
        rejects({ eks: { ...CLUSTER, zonalShift: "on" } }, 'eks.zonalShift must be true or false, got "on"');
    });
});

describe("config: service hardening", () => {
    it("takes an ACM certificate for the Ingress and rejects anything else", () => {
        assert.equal(parseStackConfig(service({ ingress: { certificateArn: CERTIFICATE_ARN } })).services[0].ingress?.certificateArn, CERTIFICATE_ARN);
        rejects(service({ ingress: { certificateArn: "arn:aws:iam::111122223333:server-certificate/shop" } }),
            'services.0.ingress.certificateArn must be an ACM certificate ARN like arn:aws:acm:us-east-1:111122223333:certificate/<id>, got "arn:aws:iam::111122223333:server-certificate/shop"');
    });

    it("accepts the per-service opt-outs", () => {
        const [parsed] = parseStackConfig(service({
            podSecurity: "baseline", readOnlyRootFilesystem: false, writablePaths: ["/var/cache/nginx"], serviceAccountToken: true, egressCidrs: ["0.0.0.0/0"],
        })).services;
        assert.deepEqual([parsed.podSecurity, parsed.readOnlyRootFilesystem, parsed.writablePaths, parsed.serviceAccountToken, parsed.egressCidrs],
            ["baseline", false, ["/var/cache/nginx"], true, ["0.0.0.0/0"]]);
    });

    it("names the key, the value and what is allowed", () => {
        rejects(service({ podSecurity: "privileged" }), 'services.0.podSecurity must be one of restricted|baseline, got "privileged"');
        rejects(service({ writablePaths: ["tmp"] }), 'services.0.writablePaths.0 must be absolute paths below / like /tmp, got "tmp"');
        rejects(service({ writablePaths: ["/"] }), 'services.0.writablePaths.0 must be absolute paths below / like /tmp, got "/"');
        rejects(service({ writablePaths: ["/tmp", "/tmp"] }), 'services.0.writablePaths must not list a path twice, got ["/tmp","/tmp"]');
        rejects(service({ egressCidrs: ["10.0.0.0"] }), 'services.0.egressCidrs.0 must be IPv4 CIDRs like 10.0.0.0/16, got "10.0.0.0"');
        rejects(service({ serviceAccountToken: "no" }), 'services.0.serviceAccountToken must be true or false, got "no"');
    });
});

describe("config: ECS container user", () => {
    it("is the image's own unless set; takes uid[:gid] or name[:group]", () => {
        assert.equal(parseStackConfig(web({})).ecs!.services.web.user, undefined);
        for (const user of ["1000", "1000:1000", "app", "app:staff", "nginx:101"]) {
            assert.equal(parseStackConfig(web({ user })).ecs!.services.web.user, user);
        }
    });

    it("refuses root by name or id, alone or with a group", () => {
        for (const user of ["0", "root", "0:0", "root:root", "0:1000"]) {
            rejects(web({ user }), `ecs.services.web.user must be a non-root user like 1000 or 1000:1000 (uid[:gid] or name[:group], not 0 or root), got "${user}"`);
        }
        rejects(web({ user: "app user" }), /^ecs\.services\.web\.user must be a non-root user/);
    });
});
