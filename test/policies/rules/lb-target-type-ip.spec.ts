import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { lbTargetTypeIp } from "../../../policies/rules/lb-target-type-ip";
import { Fixture, runPolicies, UNKNOWN, UNKNOWN_OBJECT } from "../harness";

async function messages(fixture: Fixture) {
    const { diagnostics } = await runPolicies([lbTargetTypeIp], [fixture]);
    return diagnostics.map(d => d.message);
}

const targetGroup = (type: string, props: aws.lb.TargetGroupArgs | Record<string, unknown>): Fixture =>
    ({ type, name: "tg", props: { port: 8080, protocol: "HTTP", vpcId: UNKNOWN, ...props } });

const ingress = (annotations: Record<string, string>, spec: Record<string, unknown> = { ingressClassName: "alb" }): Fixture => {
    const props: k8s.networking.v1.IngressArgs = { metadata: { name: "web", namespace: "shop", annotations }, spec: { ...spec, rules: [] } };
    return { type: "kubernetes:networking.k8s.io/v1:Ingress", name: "web", props: props as Record<string, any> };
};

const lbService = (annotations: Record<string, string>, type = "LoadBalancer", loadBalancerClass?: string): Fixture => {
    const props: k8s.core.v1.ServiceArgs = {
        metadata: { name: "edge", annotations },
        spec: { type, ports: [{ port: 80 }], trafficDistribution: "PreferSameZone", ...(loadBalancerClass !== undefined ? { loadBalancerClass } : {}) },
    };
    return { type: "kubernetes:core/v1:Service", name: "edge", props: props as Record<string, any> };
};

describe("policies/rules/lb-target-type-ip", () => {
    for (const type of ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup", "aws:elasticloadbalancingv2/targetGroup:TargetGroup"]) {
        describe(type, () => {
            it("passes ip, lambda and alb; is silent on an unknown targetType", async () => {
                for (const targetType of ["ip", "lambda", "alb", UNKNOWN]) assert.deepEqual(await messages(targetGroup(type, { targetType })), []);
            });
            it("rejects a missing targetType (instance)", async () => {
                const [message, ...rest] = await messages(targetGroup(type, {}));
                assert.equal(rest.length, 0);
                assert.match(message, /Target group 'tg' has targetType unset \(instance\).*\(N-1\)\/N chance to cross zones at \$0\.02\/GB round trip\. Fix: set targetType: "ip"\./);
            });
            it("rejects targetType instance", async () => {
                assert.match((await messages(targetGroup(type, { targetType: "instance" })))[0], /targetType 'instance'/);
            });
            it("does not apply to GENEVE (Gateway Load Balancer appliance) target groups; is silent on an unknown protocol", async () => {
                assert.deepEqual(await messages(targetGroup(type, { protocol: "GENEVE", port: 6081, targetType: "instance" })), []);
                assert.deepEqual(await messages(targetGroup(type, { protocol: "GENEVE", port: 6081 })), []);
                assert.deepEqual(await messages(targetGroup(type, { protocol: UNKNOWN, targetType: "instance" })), []);
            });
        });
    }

    describe("Ingress", () => {
        it("passes an alb Ingress annotated target-type ip, and Ingresses of other classes", async () => {
            assert.deepEqual(await messages(ingress({ "alb.ingress.kubernetes.io/target-type": "ip" })), []);
            assert.deepEqual(await messages(ingress({}, { ingressClassName: "nginx" })), []);
        });
        it("rejects an alb Ingress (ingressClassName) without the annotation", async () => {
            assert.match((await messages(ingress({})))[0], /Ingress shop\/web \(class alb\) has alb\.ingress\.kubernetes\.io\/target-type unset \(instance\).*Fix: annotate alb\.ingress\.kubernetes\.io\/target-type: ip\./);
        });
        it("rejects an alb Ingress (legacy class annotation) with target-type instance", async () => {
            const found = await messages(ingress({ "kubernetes.io/ingress.class": "alb", "alb.ingress.kubernetes.io/target-type": "instance" }, {}));
            assert.match(found[0], /target-type 'instance'/);
        });
        it("is silent when the class or annotations are unknown", async () => {
            assert.deepEqual(await messages(ingress({}, { ingressClassName: UNKNOWN })), []);
            const f = ingress({});
            f.props.metadata.annotations = UNKNOWN_OBJECT;
            assert.deepEqual(await messages(f), []);
        });
        it("is silent when the whole metadata is unknown (built in an apply), even with class alb in spec", async () => {
            for (const unknown of [UNKNOWN, UNKNOWN_OBJECT]) {
                const f = ingress({});
                f.props.metadata = unknown;
                assert.deepEqual(await messages(f), [], unknown);
            }
        });
    });

    describe("LoadBalancer Service (typed and as from YAML)", () => {
        it("passes nlb-target-type ip and ignores ClusterIP Services", async () => {
            assert.deepEqual(await messages(lbService({ "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip" })), []);
            assert.deepEqual(await messages(lbService({}, "ClusterIP")), []);
        });
        it("rejects a LoadBalancer Service without the NLB target type annotation", async () => {
            assert.match((await messages(lbService({})))[0], /LoadBalancer Service default\/edge has service\.beta\.kubernetes\.io\/aws-load-balancer-nlb-target-type unset \(instance\).*Fix: annotate/);
        });
        it("rejects the same Service as a kubernetes:yaml:ConfigFile child (apiVersion/kind in props)", async () => {
            const f = lbService({ "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "instance" });
            f.props = { apiVersion: "v1", kind: "Service", ...f.props };
            f.name = "edge-yaml";
            assert.match((await messages(f))[0], /nlb-target-type 'instance'/);
        });
        it("flags the AWS load balancer classes (service.k8s.aws/nlb, eks.amazonaws.com/nlb) like an unset class", async () => {
            for (const loadBalancerClass of ["service.k8s.aws/nlb", "eks.amazonaws.com/nlb"]) {
                const found = await messages(lbService({}, "LoadBalancer", loadBalancerClass));
                assert.equal(found.length, 1, loadBalancerClass);
                assert.match(found[0], /LoadBalancer Service default\/edge has service\.beta\.kubernetes\.io\/aws-load-balancer-nlb-target-type unset \(instance\)/);
                assert.deepEqual(await messages(lbService({ "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip" }, "LoadBalancer", loadBalancerClass)), []);
            }
        });
        it("ignores other load balancer classes (not an AWS load balancer) and is silent on an unknown class", async () => {
            assert.deepEqual(await messages(lbService({}, "LoadBalancer", "tailscale")), []);
            assert.deepEqual(await messages(lbService({}, "LoadBalancer", UNKNOWN)), []);
        });
        it("passes the legacy aws-load-balancer-type nlb-ip (IP targets); is silent when that type is unknown", async () => {
            assert.deepEqual(await messages(lbService({ "service.beta.kubernetes.io/aws-load-balancer-type": "nlb-ip" })), []);
            assert.deepEqual(await messages(lbService({ "service.beta.kubernetes.io/aws-load-balancer-type": "nlb-ip", "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "instance" })), []);
            assert.deepEqual(await messages(lbService({ "service.beta.kubernetes.io/aws-load-balancer-type": UNKNOWN })), []);
            assert.match((await messages(lbService({ "service.beta.kubernetes.io/aws-load-balancer-type": "external" })))[0], /nlb-target-type unset \(instance\)/);
        });
        it("is silent when the whole metadata or the annotations are unknown", async () => {
            for (const unknown of [UNKNOWN, UNKNOWN_OBJECT]) {
                const whole = lbService({});
                whole.props.metadata = unknown;
                assert.deepEqual(await messages(whole), [], unknown);
                const annotations = lbService({});
                annotations.props.metadata.annotations = unknown;
                assert.deepEqual(await messages(annotations), [], unknown);
            }
        });
    });

    describe("with the stack's traffic in its config", () => {
        it("prices the extra hop at the stack's north-south volume over zoneCount AZs (default 3)", async () => {
            const run = async (options: Record<string, unknown>) => (await runPolicies([lbTargetTypeIp], [targetGroup("aws:lb/targetGroup:TargetGroup", {})],
                { config: { "lb-target-type-ip": { enforcementLevel: "mandatory", ...options } } })).diagnostics[0].message;
            assert.match(await run({ traffic: { northSouthGbPerMonth: 2000 } }),
                /Fix: set targetType: "ip"\. If the stack's 2,000 GB\/month of load-balancer traffic reaches instance targets, the extra kube-proxy hop crosses AZs 67% of the time over 3 AZs: \$26\.67\/month/);
            assert.match(await run({ traffic: { northSouthGbPerMonth: 2000 }, zoneCount: 2 }), /50% of the time over 2 AZs: \$20\.00\/month/);
            assert.doesNotMatch(await run({ traffic: { eastWestGbPerMonth: 2000 } }), /\/month/);
        });
    });
});
