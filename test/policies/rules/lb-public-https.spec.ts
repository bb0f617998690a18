import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { lbPublicHttps } from "../../../policies/rules/lb-public-https";
import { declare } from "../../helpers/mocks";
import { Fixture, runPolicies, UNKNOWN, UNKNOWN_ARRAY } from "../harness";

const ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/front-end/50dc6c495c0c9188";
const TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/front-end/73e2d6bc24d8a067";
const CERTIFICATE_ARN = "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d";

/** [listener name, message without the description line] per finding. */
async function findings(fixtures: Fixture[]): Promise<[string, string][]> {
    const { diagnostics } = await runPolicies([lbPublicHttps], fixtures);
    return diagnostics.map(d => [d.urn?.split("::").pop() ?? "", d.message.slice(lbPublicHttps.description.length + 1)]);
}
const flagged = async (fixtures: Fixture[]) => (await findings(fixtures)).map(([name]) => name);

/** A load balancer as the engine sends it once it exists: its inputs plus its arn. */
const loadBalancer = (props: aws.lb.LoadBalancerArgs | Record<string, unknown> = {}, name = "front-end", type = "aws:lb/loadBalancer:LoadBalancer"): Fixture =>
    ({ type, name, props: { loadBalancerType: "application", subnets: ["subnet-a", "subnet-b"], arn: ALB_ARN, ...props } });
const listener = (props: aws.lb.ListenerArgs | Record<string, unknown>, name = "front-end", type = "aws:lb/listener:Listener"): Fixture =>
    ({ type, name, props: { loadBalancerArn: ALB_ARN, ...props } });
const forward = [{ type: "forward", targetGroupArn: TARGET_GROUP_ARN }];
const redirectToHttps = [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }];

describe("policy lb-public-https", () => {
    it("passes the documented pattern: HTTPS on 443 with a certificate, HTTP on 80 redirecting to it", async () => {
        assert.deepEqual(await findings([
            loadBalancer({ internal: false }),
            listener({ port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: CERTIFICATE_ARN, defaultActions: forward }, "front-end-https"),
            listener({ port: 80, protocol: "HTTP", defaultActions: redirectToHttps }, "front-end-http"),
        ]), []);
    });

    it("flags an internet-facing ALB forwarding plain HTTP, naming listener, load balancer, port, action and the fix", async () => {
        const found = await findings([loadBalancer({ internal: false }), listener({ port: 80, protocol: "HTTP", defaultActions: forward })]);
        assert.equal(found.length, 1);
        const [name, message] = found[0];
        assert.equal(name, "front-end");
        assert.match(message, /^Listener 'front-end' of internet-facing load balancer 'front-end' serves plain HTTP on port 80 \(default action: forward\): /);
        assert.match(message, /Fix: add an HTTPS listener on 443 with an ACM certificate and a TLS 1\.3 policy \(ELBSecurityPolicy-TLS13-1-2-2021-06\)/);
        assert.match(message, /redirect: \{ protocol: "HTTPS", port: "443", statusCode: "HTTP_301" \}/);
    });

    it("treats a load balancer without internal, and a listener without protocol, as internet-facing and HTTP (the AWS defaults)", async () => {
        const fixedResponse = [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "not found", statusCode: "404" } }];
        const [[, message]] = await findings([loadBalancer(), listener({ port: 80, defaultActions: fixedResponse })]);
        assert.match(message, /serves plain HTTP on port 80 \(default action: fixed-response\)/);
    });

    it("flags a redirect that stays on HTTP", async () => {
        const sameProtocol = [{ type: "redirect", redirect: { port: "8080", protocol: "#{protocol}", statusCode: "HTTP_302" } }];
        assert.deepEqual(await flagged([loadBalancer(), listener({ port: 80, protocol: "HTTP", defaultActions: sameProtocol })]), ["front-end"]);
    });

    it("leaves internal ALBs, Network Load Balancers and HTTPS listeners alone", async () => {
        assert.deepEqual(await flagged([loadBalancer({ internal: true }), listener({ port: 80, protocol: "HTTP", defaultActions: forward })]), []);
        assert.deepEqual(await flagged([loadBalancer({ loadBalancerType: "network" }), listener({ port: 80, protocol: "TCP", defaultActions: forward })]), []);
        assert.deepEqual(await flagged([loadBalancer(), listener({ port: 443, protocol: "HTTPS", certificateArn: CERTIFICATE_ARN, defaultActions: forward })]), []);
    });

    it("checks the aws.alb tokens and every listener of every load balancer", async () => {
        const otherArn = ALB_ARN.replace("front-end", "admin");
        assert.deepEqual(await flagged([
            loadBalancer({}, "front-end", "aws:alb/loadBalancer:LoadBalancer"),
            loadBalancer({ arn: otherArn }, "admin"),
            listener({ port: 80, defaultActions: forward }, "front-end-http", "aws:alb/listener:Listener"),
            listener({ port: 8080, defaultActions: forward }, "front-end-alt"),
            listener({ loadBalancerArn: otherArn, port: 80, defaultActions: redirectToHttps }, "admin-http"),
        ]), ["front-end-http", "front-end-alt"]);
    });

    it("ignores listeners of load balancers the stack does not declare", async () => {
        assert.deepEqual(await flagged([listener({ loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/shared/1", port: 80, defaultActions: forward })]), []);
    });

    describe("unknown values during preview", () => {
        it("follows loadBalancerArn by dependency when it is unknown (a first preview)", async () => {
            const alb = { ...loadBalancer(), props: { ...loadBalancer().props, arn: UNKNOWN } };
            const plain = { ...listener({ loadBalancerArn: UNKNOWN, port: 80, defaultActions: forward }, "front-end-http"), propertyDependencies: { loadBalancerArn: ["front-end"] } };
            assert.deepEqual(await flagged([alb, plain]), ["front-end-http"]);
        });

        it("stays silent when it cannot tell", async () => {
            const silent: Fixture[][] = [
                [loadBalancer({ internal: UNKNOWN }), listener({ defaultActions: forward })],
                [loadBalancer({ loadBalancerType: UNKNOWN }), listener({ defaultActions: forward })],
                [loadBalancer(), listener({ protocol: UNKNOWN, defaultActions: forward })],
                [loadBalancer(), listener({ defaultActions: UNKNOWN_ARRAY })],
                [loadBalancer(), listener({ defaultActions: [UNKNOWN] })],
                [loadBalancer(), listener({ defaultActions: [{ type: UNKNOWN }] })],
                [loadBalancer(), listener({ defaultActions: [{ type: "redirect", redirect: { protocol: UNKNOWN } }] })],
                [loadBalancer(), listener({ loadBalancerArn: UNKNOWN, defaultActions: forward })], // no dependency recorded: whose?
            ];
            for (const fixtures of silent) assert.deepEqual(await findings(fixtures), [], JSON.stringify(fixtures.map(f => f.props)));
        });

        it("never throws on empty or null shapes", async () => {
            const odd: Fixture[] = [
                { type: "aws:lb/loadBalancer:LoadBalancer", name: "a", props: {} },
                { type: "aws:lb/listener:Listener", name: "b", props: { defaultActions: [null] } },
                { type: "aws:lb/listener:Listener", name: "c", props: { defaultActions: null } },
            ];
            assert.deepEqual(await findings(odd), []);
        });
    });

    it("judges a program written the plain way, run under mocks: the HTTP listener forwarding, not the redirecting one", async () => {
        const { resources } = await declare(() => {
            const alb = new aws.lb.LoadBalancer("web", { loadBalancerType: "application", subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-web"] });
            const group = new aws.lb.TargetGroup("web", { port: 8080, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" });
            new aws.lb.Listener("web-http", { loadBalancerArn: alb.arn, port: 80, defaultActions: [{ type: "forward", targetGroupArn: group.arn }] });
            const internal = new aws.lb.LoadBalancer("admin", { internal: true, loadBalancerType: "application", subnets: ["subnet-c", "subnet-d"] });
            new aws.lb.Listener("admin-http", { loadBalancerArn: internal.arn, port: 80, defaultActions: [{ type: "forward", targetGroupArn: group.arn }] });
        }, { preview: false });
        // As the engine sends them once created: inputs plus the arn and id the mocks gave.
        const fixtures: Fixture[] = resources.map(r => ({ type: r.type, name: r.name, props: { ...r.inputs, id: r.id, arn: `arn:aws:mock:us-east-1:111122223333:${r.id}` } }));
        assert.deepEqual(await flagged(fixtures), ["web-http"]);
    });
});
