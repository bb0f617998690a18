import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

const LOAD_BALANCER = /^aws:(lb|alb|elasticloadbalancingv2)\/loadBalancer:LoadBalancer$/;
const LISTENER = /^aws:(lb|alb|elasticloadbalancingv2)\/listener:Listener$/;
const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Internet-facing (internal false or unset) and able to speak HTTP (an ALB); undefined while unknown. */
function isPublicAlb(loadBalancer: PolicyResource): boolean | undefined {
    const props = rawProps(loadBalancer.props);
    if (isUnknown(props.internal) || isUnknown(props.loadBalancerType)) return undefined;
    return props.internal !== true && (props.loadBalancerType ?? "application") === "application";
}

/** Whether the listener's loadBalancerArn names this load balancer, by dependency or by value. */
function listensOn(listener: PolicyResource, loadBalancer: PolicyResource): boolean {
    if ((listener.propertyDependencies?.loadBalancerArn ?? []).includes(loadBalancer)) return true;
    const arn = rawProps(listener.props).loadBalancerArn;
    const own = rawProps(loadBalancer.props);
    return typeof arn === "string" && !isUnknown(arn) && (arn === own.arn || arn === own.id);
}

/**
 * What a plain-HTTP listener does by default other than redirecting to HTTPS: its action types, or
 * undefined when it serves HTTPS, redirects to it, or cannot be judged (something unknown).
 */
function plainHttpActions(listener: PolicyResource): string[] | undefined {
    const props = rawProps(listener.props);
    // An ALB listener without a protocol is HTTP.
    if (isUnknown(props.protocol) || (props.protocol ?? "HTTP") !== "HTTP") return undefined;
    const actions: unknown = props.defaultActions;
    if (!Array.isArray(actions) || actions.some((_, i) => isUnknownAt(actions, i, "type") || isUnknownAt(actions, i, "redirect", "protocol"))) return undefined;
    const redirectsToHttps = actions.some(action => action?.type === "redirect" && action.redirect?.protocol === "HTTPS");
    return redirectsToHttps ? undefined : actions.map(action => String(action?.type));
}

/** Internet-facing ALBs answer plain HTTP only with a redirect to HTTPS. */
export const lbPublicHttps: StackValidationPolicy = {
    name: "lb-public-https",
    description: "Internet-facing load balancers serve HTTP only as a redirect to HTTPS.",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        const publicAlbs = args.resources.filter(r => LOAD_BALANCER.test(r.type) && isPublicAlb(r) === true);
        for (const listener of args.resources.filter(r => LISTENER.test(r.type))) {
            const loadBalancer = publicAlbs.find(alb => listensOn(listener, alb));
            const actions = loadBalancer && plainHttpActions(listener);
            if (!actions) continue;
            const port = rawProps(listener.props).port;
            reportViolation(
                `Listener '${listener.name}' of internet-facing load balancer '${loadBalancer!.name}' serves plain HTTP` +
                `${typeof port === "number" ? ` on port ${port}` : ""} (default action: ${actions.join(", ") || "none"}): ` +
                "requests, credentials and session cookies cross the internet unencrypted and can be read or changed on the way. " +
                `Fix: add an HTTPS listener on 443 with an ACM certificate and a TLS 1.3 policy (${SSL_POLICY}), ` +
                "and make this listener's default action a redirect to it: " +
                "{ type: \"redirect\", redirect: { protocol: \"HTTPS\", port: \"443\", statusCode: \"HTTP_301\" } }.",
                listener.urn);
        }
    },
};
