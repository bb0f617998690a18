/**
 * What an instance-mode target group's targets are, from what the program shows. Instance mode
 * costs an extra cross-zone hop only when the targets are Kubernetes nodes: the load balancer
 * reaches a NodePort on some node and kube-proxy forwards to a pod, in another zone (N-1)/N of
 * the time. ECS tasks, Lambda functions and plain EC2 instances have no such hop, and a target
 * group nothing forwards to carries no traffic at all.
 */
import { PolicyResource } from "@pulumi/policy";
import { isUnknown, rawProps } from "./unknowns";

/** The verdict, with the evidence a message can quote. */
export type TargetGroupTargets =
    | { kind: "kubernetes-nodes"; evidence: string }
    | { kind: "not-kubernetes"; evidence: string }
    | { kind: "unused" }
    | { kind: "undetermined" };

const NODE_PORT_RANGE = { first: 30000, last: 32767 };
const LISTENERS = /^aws:(lb|alb|elasticloadbalancingv2)\/(listener|listenerRule):(Listener|ListenerRule)$/;
const ATTACHMENTS = /^aws:(lb|alb|elasticloadbalancingv2)\/targetGroupAttachment:TargetGroupAttachment$/;
const ECS_SERVICE = "aws:ecs/service:Service";
const ASG = "aws:autoscaling/group:Group";
const ASG_ATTACHMENT = "aws:autoscaling/attachment:Attachment";
const LAMBDA = "aws:lambda/function:Function";
const INSTANCE = "aws:ec2/instance:Instance";
/** Resources that are, or make, EKS worker nodes. */
const EKS_NODES = new Set([
    "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "eks:index:Cluster", "eks:index:ManagedNodeGroup", "eks:index:NodeGroup", "eks:index:NodeGroupV2",
]);
const isTargetGroupBinding = (r: PolicyResource) => /^kubernetes:elbv2\.k8s\.aws\/[^:]+:TargetGroupBinding$/.test(r.type);

/** Whether a target group is instance-mode (its targetType, missing = instance); undefined while unknown. */
export function isInstanceMode(group: PolicyResource): boolean | undefined {
    const props = rawProps(group.props);
    if (isUnknown(props.targetType)) return undefined;
    return props.targetType === undefined || props.targetType === "instance";
}

/** Whether `holder.<property>` names the target group: "yes", "no", or "maybe" while a value it holds is unknown. */
function mentions(holder: PolicyResource, property: string, group: PolicyResource, value: unknown = rawProps(holder.props)[property]): "yes" | "no" | "maybe" {
    if ((holder.propertyDependencies?.[property] ?? []).includes(group)) return "yes";
    const groupProps = rawProps(group.props);
    const ids = [groupProps.arn, groupProps.id].filter(id => typeof id === "string" && !isUnknown(id));
    let unknown = false;
    const visit = (v: unknown): boolean => {
        if (isUnknown(v)) { unknown = true; return false; }
        if (typeof v === "string") return ids.includes(v);
        if (Array.isArray(v)) return v.some(visit);
        if (v !== null && typeof v === "object") return Object.values(v).some(visit);
        return false;
    };
    if (visit(value)) return "yes";
    // An unknown value that depends on other resources is theirs; one that depends on none (a stack
    // reference, a config value) might be this target group's ARN.
    return unknown && (holder.propertyDependencies?.[property] ?? []).length === 0 ? "maybe" : "no";
}

/** Auto Scaling groups of Kubernetes nodes carry the kubernetes.io/cluster/<name> tag (EKS node groups, kOps, cluster-autoscaler discovery). */
function isKubernetesNodeGroup(asg: PolicyResource): boolean | undefined {
    const props = rawProps(asg.props);
    const tags = [props.tags, props.tagSets].flat().filter(t => t !== undefined);
    if (tags.some(isUnknown)) return undefined;
    return tags.some(tag => typeof tag?.key === "string" && (tag.key.startsWith("kubernetes.io/cluster/") || tag.key.startsWith("k8s.io/cluster-autoscaler/")));
}

/** The resources that can tell what a target group's targets are, picked out of the stack once. */
export interface TargetGroupEvidence {
    bindings: PolicyResource[];
    autoScalingGroups: PolicyResource[];
    autoScalingAttachments: PolicyResource[];
    ecsServices: PolicyResource[];
    attachments: PolicyResource[];
    targets: PolicyResource[];
    listeners: PolicyResource[];
    eksNodes?: PolicyResource;
}

export function targetGroupEvidence(resources: PolicyResource[]): TargetGroupEvidence {
    return {
        bindings: resources.filter(isTargetGroupBinding),
        autoScalingGroups: resources.filter(r => r.type === ASG),
        autoScalingAttachments: resources.filter(r => r.type === ASG_ATTACHMENT),
        ecsServices: resources.filter(r => r.type === ECS_SERVICE),
        attachments: resources.filter(r => ATTACHMENTS.test(r.type)),
        targets: resources.filter(r => r.type === LAMBDA || r.type === INSTANCE),
        listeners: resources.filter(r => LISTENERS.test(r.type)),
        eksNodes: resources.find(r => EKS_NODES.has(r.type)),
    };
}

export function targetGroupTargets(group: PolicyResource, evidence: TargetGroupEvidence): TargetGroupTargets {
    const props = rawProps(group.props);
    if (typeof props.port === "number" && props.port >= NODE_PORT_RANGE.first && props.port <= NODE_PORT_RANGE.last) {
        return { kind: "kubernetes-nodes", evidence: `its port ${props.port} is in the NodePort range` };
    }
    let undetermined = false;
    const seen = (verdict: "yes" | "no" | "maybe") => { if (verdict === "maybe") undetermined = true; return verdict === "yes"; };

    for (const binding of evidence.bindings) {
        if (seen(mentions(binding, "spec", group))) return { kind: "kubernetes-nodes", evidence: `TargetGroupBinding '${binding.name}' registers Kubernetes targets in it` };
    }
    const asgs = evidence.autoScalingGroups;
    const nodeGroupVerdict = (asg: PolicyResource | undefined, via: string): TargetGroupTargets | undefined => {
        const nodes = asg ? isKubernetesNodeGroup(asg) : undefined;
        if (nodes === true) return { kind: "kubernetes-nodes", evidence: `Auto Scaling group '${asg!.name}' of Kubernetes nodes is attached to it${via}` };
        if (nodes === undefined) { undetermined = true; return undefined; }
        return { kind: "not-kubernetes", evidence: `its targets are the instances of Auto Scaling group '${asg!.name}'` };
    };
    for (const asg of asgs) {
        if (seen(mentions(asg, "targetGroupArns", group))) {
            const verdict = nodeGroupVerdict(asg, "");
            if (verdict) return verdict;
        }
    }
    for (const attachment of evidence.autoScalingAttachments) {
        if (!seen(mentions(attachment, "lbTargetGroupArn", group))) continue;
        const asg = asgs.find(a => mentions(attachment, "autoscalingGroupName", a) === "yes" || rawProps(attachment.props).autoscalingGroupName === rawProps(a.props).name);
        const verdict = nodeGroupVerdict(asg, ` by '${attachment.name}'`);
        if (verdict) return verdict;
    }

    for (const service of evidence.ecsServices) {
        if (seen(mentions(service, "loadBalancers", group))) return { kind: "not-kubernetes", evidence: `its targets are the tasks of ECS service '${service.name}'` };
    }
    let attached = false;
    for (const attachment of evidence.attachments) {
        if (!seen(mentions(attachment, "targetGroupArn", group))) continue;
        attached = true;
        const target = evidence.targets.find(r => mentions(attachment, "targetId", r) === "yes");
        if (target) return { kind: "not-kubernetes", evidence: `its target is ${target.type === LAMBDA ? "Lambda function" : "EC2 instance"} '${target.name}'` };
    }
    const forwarded = evidence.listeners.some(listener => seen(mentions(listener, listener.type.endsWith("Rule") ? "actions" : "defaultActions", group)));
    const nodes = evidence.eksNodes;
    if ((forwarded || attached) && nodes) {
        return { kind: "kubernetes-nodes", evidence: `the stack's Kubernetes nodes (${nodes.type.split(":").pop()} '${nodes.name}') are the instances it can target` };
    }
    if (undetermined) return { kind: "undetermined" };
    return forwarded || attached ? { kind: "not-kubernetes", evidence: "nothing in the stack makes its targets Kubernetes nodes" } : { kind: "unused" };
}
