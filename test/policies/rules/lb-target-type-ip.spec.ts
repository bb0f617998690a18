import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { lbTargetTypeIp } from "../../../policies/rules/lb-target-type-ip";
import { Fixture, runPolicies, UNKNOWN, UNKNOWN_ARRAY, UNKNOWN_OBJECT } from "../harness";

async function messages(fixture: Fixture) {
    const { diagnostics } = await runPolicies([lbTargetTypeIp], [fixture]);
    return diagnostics.map(d => d.message);
}

/** Runs the policy over several resources: [resource name, message without the description line]. */
async function findings(fixtures: Fixture[]): Promise<[string, string][]> {
    const { diagnostics } = await runPolicies([lbTargetTypeIp], fixtures);
    return diagnostics.map(d => [d.urn?.split("::").pop() ?? "", d.message.slice(lbTargetTypeIp.description.length + 1)]);
}

/** A target group on a NodePort (30080): its targets are Kubernetes nodes. */
const targetGroup = (type: string, props: aws.lb.TargetGroupArgs | Record<string, unknown>): Fixture =>
    ({ type, name: "tg", props: { port: 30080, protocol: "HTTP", vpcId: UNKNOWN, ...props } });

const ingress = (annotations: Record<string, string>, spec: Record<string, unknown> = { ingressClassName: "alb" }): Fixture => {
    const props: k8s.networking.v1.IngressArgs = { metadata: { name: "web", namespace: "shop", annotations }, spec: { ...spec, rules: [] } };
    return { type: "kubernetes:networking.k8s.io/v1:Ingress", name: "web", props: props as Record<string, any> };
};

const targetTypeKey = "alb.ingress.kubernetes.io/target-type";

/** An Ingress in namespace shop routing / to Service `to` (and optionally a default backend). */
const routedIngress = (name: string, spec: Record<string, unknown>, annotations: Record<string, unknown> = {}, to: string[] = ["web"]): Fixture => ({
    type: "kubernetes:networking.k8s.io/v1:Ingress", name,
    props: {
        metadata: { name, namespace: "shop", annotations },
        spec: { ...spec, rules: [{ http: { paths: to.map(service => ({ path: `/${service}`, pathType: "Prefix", backend: { service: { name: service, port: { number: 80 } } } })) } }] },
    },
});

const ingressClass = (name: string, controller: unknown, extra: { annotations?: Record<string, unknown>; parameters?: unknown } = {}): Fixture => ({
    type: "kubernetes:networking.k8s.io/v1:IngressClass", name: `class-${name}`,
    props: { metadata: { name, ...(extra.annotations ? { annotations: extra.annotations } : {}) }, spec: { controller, ...(extra.parameters !== undefined ? { parameters: extra.parameters } : {}) } },
});

const classParams = (apiVersion: string, name: string, spec: unknown): Fixture => ({
    type: `kubernetes:${apiVersion}:IngressClassParams`, name: `params-${name}`,
    props: { apiVersion, kind: "IngressClassParams", metadata: { name }, spec },
});

const backendService = (name: string, annotations: unknown = {}, namespace = "shop"): Fixture => ({
    type: "kubernetes:core/v1:Service", name: `svc-${name}-${namespace}`,
    props: { metadata: { name, namespace, annotations }, spec: { selector: { app: name }, ports: [{ port: 80 }], trafficDistribution: "PreferSameZone" } },
});

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
                assert.match(message, /Target group 'tg' has targetType unset \(instance\) and its port 30080 is in the NodePort range: .*\(N-1\)\/N chance to cross zones at \$0\.02\/GB round trip\. Fix: set targetType: "ip"\./);
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

    describe("Ingress class resolution (IngressClass resources in the stack)", () => {
        const unset = /Ingress shop\/custom \(class alb-internal\) has alb\.ingress\.kubernetes\.io\/target-type unset \(instance\).*Fix: annotate alb\.ingress\.kubernetes\.io\/target-type: ip\./;
        it("flags a custom class whose IngressClass controller is EKS Auto Mode's or the AWS Load Balancer Controller's", async () => {
            for (const controller of ["eks.amazonaws.com/alb", "ingress.k8s.aws/alb"]) {
                const found = await findings([ingressClass("alb-internal", controller), routedIngress("custom", { ingressClassName: "alb-internal" })]);
                assert.equal(found.length, 1, controller);
                assert.equal(found[0][0], "custom");
                assert.match(found[0][1], unset);
                assert.deepEqual(await findings([ingressClass("alb-internal", controller), routedIngress("custom", { ingressClassName: "alb-internal" }, { [targetTypeKey]: "ip" })]), []);
            }
        });
        it("passes a class named alb whose IngressClass belongs to another controller", async () => {
            assert.deepEqual(await findings([ingressClass("alb", "k8s.io/ingress-nginx"), routedIngress("custom", { ingressClassName: "alb" })]), []);
        });
        it("is silent when the class's controller or the IngressClass's name is unknown", async () => {
            assert.deepEqual(await findings([ingressClass("alb-internal", UNKNOWN), routedIngress("custom", { ingressClassName: "alb-internal" })]), []);
            const unnamed = ingressClass("alb-internal", "eks.amazonaws.com/alb");
            unnamed.props.metadata = UNKNOWN_OBJECT;
            assert.deepEqual(await findings([unnamed, routedIngress("custom", { ingressClassName: "alb" })]), []);
        });
        it("flags an Ingress without a class when the default IngressClass is an ALB class", async () => {
            const isDefault = { "ingressclass.kubernetes.io/is-default-class": "true" };
            const found = await findings([ingressClass("alb", "ingress.k8s.aws/alb", { annotations: isDefault }), routedIngress("classless", {})]);
            assert.deepEqual(found.map(f => f[0]), ["classless"]);
            assert.match(found[0][1], /Ingress shop\/classless \(default class alb\) has alb\.ingress\.kubernetes\.io\/target-type unset \(instance\)/);
            assert.deepEqual(await findings([ingressClass("alb", "ingress.k8s.aws/alb"), routedIngress("classless", {})]), [], "not the default");
            assert.deepEqual(await findings([ingressClass("nginx", "k8s.io/ingress-nginx", { annotations: isDefault }), routedIngress("classless", {})]), [], "default is nginx");
            assert.deepEqual(await findings([ingressClass("alb", "ingress.k8s.aws/alb", { annotations: { "ingressclass.kubernetes.io/is-default-class": UNKNOWN } }), routedIngress("classless", {})]), [], "unknown default");
            assert.deepEqual(await findings([ingressClass("alb", UNKNOWN, { annotations: isDefault }), routedIngress("classless", {})]), [], "unknown controller");
        });
    });

    describe("target-type on the backend Services (a Service's annotation overrides the Ingress's)", () => {
        const ip = { [targetTypeKey]: "ip" };
        it("passes an Ingress whose every backend Service (rules and defaultBackend) carries target-type ip", async () => {
            const withDefault = routedIngress("site", { ingressClassName: "alb", defaultBackend: { service: { name: "fallback", port: { number: 80 } } } }, {}, ["web", "api"]);
            assert.deepEqual(await findings([backendService("web", ip), backendService("api", ip), backendService("fallback", ip), withDefault]), []);
        });
        it("flags it when some backend Service lacks it and the Ingress lacks it", async () => {
            const withDefault = routedIngress("site", { ingressClassName: "alb", defaultBackend: { service: { name: "fallback", port: { number: 80 } } } }, {}, ["web", "api"]);
            const found = await findings([backendService("web", ip), backendService("api", ip), backendService("fallback"), withDefault]);
            assert.deepEqual(found.map(f => f[0]), ["site"]);
            assert.match(found[0][1], /Ingress shop\/site \(class alb\) has alb\.ingress\.kubernetes\.io\/target-type unset \(instance\)/);
        });
        it("matches backend Services in the Ingress's namespace only", async () => {
            const found = await findings([backendService("web", ip, "other"), routedIngress("site", { ingressClassName: "alb" })]);
            assert.deepEqual(found.map(f => f[0]), ["site"]);
        });
        it("takes either side's namespace from its Kubernetes provider when metadata has none", async () => {
            const inShop = { type: "pulumi:providers:kubernetes", name: "shop", props: { namespace: "shop" } };
            const service = backendService("web", ip);
            delete service.props.metadata.namespace;
            const site = routedIngress("site", { ingressClassName: "alb" });
            assert.deepEqual((await findings([service, site])).map(f => f[0]), ["site"], "the Service is in default, not shop");
            service.provider = inShop;
            assert.deepEqual(await findings([service, site]), []);
            service.provider = { ...inShop, props: { namespace: UNKNOWN } };
            assert.deepEqual(await findings([service, site]), [], "unknown provider namespace: silent");
        });
        it("flags a backend Service whose own target-type instance overrides the Ingress's ip", async () => {
            const found = await findings([backendService("web", { [targetTypeKey]: "instance" }), routedIngress("site", { ingressClassName: "alb" }, ip)]);
            assert.deepEqual(found.map(f => f[0]), ["site"]);
            assert.match(found[0][1], /Ingress shop\/site \(class alb\) routes to Service shop\/web whose alb\.ingress\.kubernetes\.io\/target-type 'instance' overrides the Ingress's: .*Fix: annotate Service shop\/web with alb\.ingress\.kubernetes\.io\/target-type: ip\./);
        });
        it("reports an overriding backend Service when the Ingress's own annotation is unknown, and shows odd values as values", async () => {
            const found = await findings([backendService("web", { [targetTypeKey]: "instance" }), routedIngress("site", { ingressClassName: "alb" }, { [targetTypeKey]: UNKNOWN })]);
            assert.match(found[0][1], /routes to Service shop\/web whose alb\.ingress\.kubernetes\.io\/target-type 'instance' overrides the Ingress's/);
            const odd = await findings([backendService("web", { [targetTypeKey]: ["ip"] }), backendService("api"), routedIngress("site", { ingressClassName: "alb" }, { [targetTypeKey]: { mode: "ip" } }, ["web", "api"])]);
            assert.match(odd[0][1], /has alb\.ingress\.kubernetes\.io\/target-type an object, and routes to Service shop\/web whose alb\.ingress\.kubernetes\.io\/target-type a list overrides/);
        });
        it("is silent when a backend Service's annotations, metadata or name are unknown", async () => {
            for (const annotations of [UNKNOWN_OBJECT, { [targetTypeKey]: UNKNOWN }]) {
                assert.deepEqual(await findings([backendService("web", annotations), routedIngress("site", { ingressClassName: "alb" })]), [], JSON.stringify(annotations));
            }
            const unnamed = backendService("web", ip);
            unnamed.props.metadata = UNKNOWN;
            assert.deepEqual(await findings([unnamed, routedIngress("site", { ingressClassName: "alb" })]), []);
            const unknownBackend = routedIngress("site", { ingressClassName: "alb" });
            unknownBackend.props.spec.rules[0].http.paths[0].backend.service.name = UNKNOWN;
            assert.deepEqual(await findings([unknownBackend]), []);
            const unknownRules = routedIngress("site", { ingressClassName: "alb" });
            unknownRules.props.spec.rules = UNKNOWN_ARRAY;
            assert.deepEqual(await findings([unknownRules]), []);
        });
    });

    describe("IngressClassParams spec.targetType", () => {
        const lbcClass = ingressClass("alb-ip", "ingress.k8s.aws/alb", { parameters: { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: "alb-ip" } });
        it("passes every Ingress of a class whose elbv2.k8s.aws IngressClassParams sets targetType ip", async () => {
            assert.deepEqual(await findings([classParams("elbv2.k8s.aws/v1beta1", "alb-ip", { targetType: "ip" }), lbcClassClone(), routedIngress("p", { ingressClassName: "alb-ip" })]), []);
        });
        it("flags targetType instance in the params even when the Ingress says ip (the LBC then ignores the annotation)", async () => {
            const found = await findings([classParams("elbv2.k8s.aws/v1beta1", "alb-ip", { targetType: "instance" }), lbcClassClone(), routedIngress("p", { ingressClassName: "alb-ip" }, { [targetTypeKey]: "ip" })]);
            assert.deepEqual(found.map(f => f[0]), ["p"]);
            assert.match(found[0][1], /Ingress shop\/p \(class alb-ip\) gets targetType 'instance' from IngressClassParams alb-ip.*Fix: set spec\.targetType: ip on IngressClassParams alb-ip\./);
        });
        it("falls back to the annotations when the params have no targetType or are not in the stack", async () => {
            assert.equal((await findings([classParams("elbv2.k8s.aws/v1beta1", "alb-ip", { scheme: "internal" }), lbcClassClone(), routedIngress("p", { ingressClassName: "alb-ip" })])).length, 1);
            assert.equal((await findings([lbcClassClone(), routedIngress("p", { ingressClassName: "alb-ip" })])).length, 1);
        });
        it("is silent when the params' targetType, spec, name or the class's parameters are unknown", async () => {
            assert.deepEqual(await findings([classParams("elbv2.k8s.aws/v1beta1", "alb-ip", { targetType: UNKNOWN }), lbcClassClone(), routedIngress("p", { ingressClassName: "alb-ip" })]), []);
            assert.deepEqual(await findings([classParams("elbv2.k8s.aws/v1beta1", "alb-ip", UNKNOWN_OBJECT), lbcClassClone(), routedIngress("p", { ingressClassName: "alb-ip" })]), []);
            const unnamed = classParams("elbv2.k8s.aws/v1beta1", "alb-ip", { targetType: "ip" });
            unnamed.props.metadata = UNKNOWN_OBJECT;
            assert.deepEqual(await findings([unnamed, lbcClassClone(), routedIngress("p", { ingressClassName: "alb-ip" })]), []);
            const unknownParameters = ingressClass("alb-ip", "ingress.k8s.aws/alb", { parameters: UNKNOWN_OBJECT });
            assert.deepEqual(await findings([unknownParameters, routedIngress("p", { ingressClassName: "alb-ip" })]), []);
        });
        it("does not read eks.amazonaws.com/v1 IngressClassParams targetType (not documented for EKS Auto Mode)", async () => {
            const autoClass = ingressClass("auto", "eks.amazonaws.com/alb", { parameters: { apiGroup: "eks.amazonaws.com", kind: "IngressClassParams", name: "auto" } });
            const found = await findings([classParams("eks.amazonaws.com/v1", "auto", { targetType: "ip" }), autoClass, routedIngress("p", { ingressClassName: "auto" })]);
            assert.deepEqual(found.map(f => f[0]), ["p"]);
        });
        function lbcClassClone(): Fixture { return structuredClone(lbcClass); }
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

    describe("instance-mode target groups: only Kubernetes nodes pay the kube-proxy hop", () => {
        const TG = "aws:lb/targetGroup:TargetGroup";
        /** An instance-mode group on port 80, referenced as the engine sends it during preview (`refs`: property -> fixtures it depends on). */
        const group = (name = "web"): Fixture => ({ type: TG, name, props: { port: 80, protocol: "HTTP", vpcId: UNKNOWN } });
        const using = (type: string, name: string, props: Record<string, unknown>, refs: Record<string, string[]>): Fixture =>
            ({ type, name, props, propertyDependencies: refs });
        const listener = (to: string) => using("aws:lb/listener:Listener", "http", { port: 80, defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, { defaultActions: [to] });
        const weighted = (to: string) => using("aws:lb/listenerRule:ListenerRule", "api", { actions: [{ type: "forward", forward: { targetGroups: [{ arn: UNKNOWN, weight: 100 }] } }] }, { actions: [to] });
        const eks = using("aws:eks/cluster:Cluster", "cluster", { roleArn: UNKNOWN, vpcConfig: { subnetIds: UNKNOWN } }, {});

        it("reports a group a listener forwards to in a stack with EKS nodes, naming them", async () => {
            for (const forward of [listener, weighted]) {
                const found = await findings([group(), forward("web"), eks]);
                assert.equal(found.length, 1, JSON.stringify(found));
                assert.match(found[0][1], /^Target group 'web' has targetType unset \(instance\) and the stack's Kubernetes nodes \(Cluster 'cluster'\) are the instances it can target: instance targets add a kube-proxy\/NodePort hop/);
            }
        });

        it("reports a group a TargetGroupBinding or an EKS node Auto Scaling group uses", async () => {
            const binding = using("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "web-binding",
                { spec: { targetGroupARN: UNKNOWN, serviceRef: { name: "web", port: 80 } } }, { spec: ["web"] });
            assert.match((await findings([group(), binding]))[0][1], /TargetGroupBinding 'web-binding' registers Kubernetes targets in it/);
            const nodes = using("aws:autoscaling/group:Group", "nodes", { maxSize: 3, minSize: 3, targetGroupArns: [UNKNOWN], tags: [{ key: "kubernetes.io/cluster/prod", value: "owned", propagateAtLaunch: true }] }, { targetGroupArns: ["web"] });
            assert.match((await findings([group(), nodes]))[0][1], /Auto Scaling group 'nodes' of Kubernetes nodes is attached to it/);
        });

        it("follows an Auto Scaling attachment to the group it names, and to none when it names none", async () => {
            const nodes = using("aws:autoscaling/group:Group", "nodes", { maxSize: 3, minSize: 3, tags: [{ key: "kubernetes.io/cluster/prod", value: "owned", propagateAtLaunch: true }] }, {});
            const attach = (props: Record<string, unknown>, refs: Record<string, string[]>) => using("aws:autoscaling/attachment:Attachment", "attach", { lbTargetGroupArn: UNKNOWN, ...props }, { lbTargetGroupArn: ["web"], ...refs });
            assert.match((await findings([group(), nodes, attach({ autoscalingGroupName: UNKNOWN }, { autoscalingGroupName: ["nodes"] })]))[0][1], /Auto Scaling group 'nodes' of Kubernetes nodes is attached to it by 'attach'/);
            assert.deepEqual(await findings([group(), nodes, attach({}, {})]), [], "no autoscalingGroupName: no group, not the unnamed one");
        });

        it("leaves alone a placeholder nothing forwards to, even beside an EKS cluster", async () => {
            assert.deepEqual(await findings([group(), eks]), []);
            const fixedResponse = using("aws:lb/listener:Listener", "http", { port: 80, defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }] }, {});
            assert.deepEqual(await findings([group(), fixedResponse, eks]), []);
        });

        it("leaves alone ECS tasks, Lambda functions and plain EC2 instances", async () => {
            const ecs = using("aws:ecs/service:Service", "app", { loadBalancers: [{ targetGroupArn: UNKNOWN, containerName: "app", containerPort: 80 }] }, { loadBalancers: ["web"] });
            assert.deepEqual(await findings([group(), listener("web"), ecs]), []);
            const instance = using("aws:ec2/instance:Instance", "box", { ami: "ami-0123456789abcdef0", instanceType: "t3.micro" }, {});
            const attachment = using("aws:lb/targetGroupAttachment:TargetGroupAttachment", "box", { targetGroupArn: UNKNOWN, targetId: UNKNOWN, port: 80 }, { targetGroupArn: ["web"], targetId: ["box"] });
            assert.deepEqual(await findings([group(), listener("web"), instance, attachment]), []);
            const plainAsg = using("aws:autoscaling/group:Group", "web-asg", { maxSize: 2, minSize: 2, targetGroupArns: [UNKNOWN] }, { targetGroupArns: ["web"] });
            assert.deepEqual(await findings([group(), listener("web"), plainAsg]), []);
            assert.deepEqual(await findings([group(), listener("web")]), [], "forwarded to, no Kubernetes in the stack");
        });

        it("is silent while a forward's target group cannot be told and would decide it", async () => {
            const fromConfig = using("aws:lb/listenerRule:ListenerRule", "api", { actions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, {});
            const binding = using("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "b", { spec: UNKNOWN }, {});
            assert.deepEqual(await findings([group(), binding, eks]), []);
            assert.deepEqual(await findings([group(), fromConfig]), [], "no Kubernetes evidence either way");
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
