/**
 * What an instance-mode target group's targets are, from what the program shows. Instance mode
 * costs an extra cross-zone hop only when the targets are Kubernetes nodes: the load balancer
 * reaches a NodePort on some node and kube-proxy forwards to a pod, in another zone (N-1)/N of
 * the time. ECS tasks, Lambda functions and plain EC2 instances have no such hop, and a target
 * group nothing forwards to carries no traffic at all.
 */
import { PolicyResource } from "@pulumi/policy";
import { firstBy, groupBy } from "./collections";
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

/** What one holder's property says: the resources it depends on, the known strings in it, and whether it holds an unknown. */
interface Mention {
    holder: PolicyResource;
    dependsOn: PolicyResource[];
    strings: string[];
    /** An unknown that depends on other resources is theirs; one that depends on none (a stack reference, a config value) might be anything's id. */
    mightBeAny: boolean;
}

function mentionOf(holder: PolicyResource, property: string): Mention {
    const dependsOn = holder.propertyDependencies?.[property] ?? [];
    const strings: string[] = [];
    let unknown = false;
    const visit = (v: unknown): void => {
        if (isUnknown(v)) unknown = true;
        else if (typeof v === "string") strings.push(v);
        else if (Array.isArray(v)) v.forEach(visit);
        else if (v !== null && typeof v === "object") Object.values(v).forEach(visit);
    };
    visit(rawProps(holder.props)[property]);
    return { holder, dependsOn, strings, mightBeAny: unknown && dependsOn.length === 0 };
}

/** A resource's keys as a property can name it: the resource itself (a dependency), its known ARN and id. */
function keysOf(resource: PolicyResource): (PolicyResource | string)[] {
    const props = rawProps(resource.props);
    return [resource, ...[props.arn, props.id].filter(id => typeof id === "string" && !isUnknown(id))];
}

/**
 * One kind of evidence (holders and the property that names a target group in each), indexed once:
 * which holders surely name a given resource, through a dependency or its ARN or id among the
 * property's strings, and whether some other holder might (an unknown that depends on nothing).
 */
class Mentions {
    private readonly byKey: Map<PolicyResource | string, Mention[]>;
    private readonly order: Map<PolicyResource, number>;
    private readonly maybe: Set<PolicyResource>;

    constructor(holders: PolicyResource[], property: (holder: PolicyResource) => string) {
        const mentions = holders.map(holder => mentionOf(holder, property(holder)));
        this.byKey = groupBy(mentions, m => [...m.dependsOn, ...m.strings]);
        this.order = new Map(holders.map((h, i) => [h, i]));
        this.maybe = new Set(mentions.filter(m => m.mightBeAny).map(m => m.holder));
    }

    /** The holders that surely name `target`, in stack order, and whether another holder might. */
    of(target: PolicyResource): { sure: PolicyResource[]; mightBeOthers: boolean } {
        const sure = [...new Set(keysOf(target).flatMap(key => this.byKey.get(key) ?? []).map(m => m.holder))]
            .sort((a, b) => this.order.get(a)! - this.order.get(b)!);
        return { sure, mightBeOthers: sure.filter(h => this.maybe.has(h)).length < this.maybe.size };
    }
}

/** The first of `candidates` (in stack order) a holder's property surely names, through a dependency or an ARN, id or name among its strings. */
function namedBy(mention: Mention, candidates: Map<PolicyResource | string, PolicyResource>, order: Map<PolicyResource, number>): PolicyResource | undefined {
    const found = [...mention.dependsOn, ...mention.strings].map(key => candidates.get(key)).filter(c => c !== undefined);
    return found.sort((a, b) => order.get(a)! - order.get(b)!)[0];
}

/** Auto Scaling groups of Kubernetes nodes carry the kubernetes.io/cluster/<name> tag (EKS node groups, kOps, cluster-autoscaler discovery). */
function isKubernetesNodeGroup(asg: PolicyResource): boolean | undefined {
    const props = rawProps(asg.props);
    const tags = [props.tags, props.tagSets].flat().filter(t => t !== undefined);
    if (tags.some(isUnknown)) return undefined;
    return tags.some(tag => typeof tag?.key === "string" && (tag.key.startsWith("kubernetes.io/cluster/") || tag.key.startsWith("k8s.io/cluster-autoscaler/")));
}

/** The resources that can tell what a target group's targets are, indexed once per stack. */
export interface TargetGroupEvidence {
    bindings: Mentions;
    autoScalingGroups: Mentions;
    autoScalingAttachments: Mentions;
    ecsServices: Mentions;
    attachments: Mentions;
    listeners: Mentions;
    /** Auto Scaling groups and attachment targets (Lambda functions, EC2 instances) by resource, ARN, id (and name for groups). */
    autoScalingGroupsByKey: Map<PolicyResource | string, PolicyResource>;
    targetsByKey: Map<PolicyResource | string, PolicyResource>;
    order: Map<PolicyResource, number>;
    eksNodes?: PolicyResource;
}

export function targetGroupEvidence(resources: PolicyResource[]): TargetGroupEvidence {
    const asgs = resources.filter(r => r.type === ASG);
    const named = (r: PolicyResource) => { const name = rawProps(r.props).name; return typeof name === "string" && !isUnknown(name) ? [name] : []; };
    return {
        bindings: new Mentions(resources.filter(isTargetGroupBinding), () => "spec"),
        autoScalingGroups: new Mentions(asgs, () => "targetGroupArns"),
        autoScalingAttachments: new Mentions(resources.filter(r => r.type === ASG_ATTACHMENT), () => "lbTargetGroupArn"),
        ecsServices: new Mentions(resources.filter(r => r.type === ECS_SERVICE), () => "loadBalancers"),
        attachments: new Mentions(resources.filter(r => ATTACHMENTS.test(r.type)), () => "targetGroupArn"),
        listeners: new Mentions(resources.filter(r => LISTENERS.test(r.type)), listener => listener.type.endsWith("Rule") ? "actions" : "defaultActions"),
        autoScalingGroupsByKey: firstBy(asgs, asg => [...keysOf(asg), ...named(asg)]),
        targetsByKey: firstBy(resources.filter(r => r.type === LAMBDA || r.type === INSTANCE), keysOf),
        order: new Map(resources.map((r, i) => [r, i])),
        eksNodes: resources.find(r => EKS_NODES.has(r.type)),
    };
}

export function targetGroupTargets(group: PolicyResource, evidence: TargetGroupEvidence): TargetGroupTargets {
    const props = rawProps(group.props);
    if (typeof props.port === "number" && props.port >= NODE_PORT_RANGE.first && props.port <= NODE_PORT_RANGE.last) {
        return { kind: "kubernetes-nodes", evidence: `its port ${props.port} is in the NodePort range` };
    }
    let undetermined = false;
    /** The holders of one kind of evidence that surely name this group; one that might (an unknown) leaves the verdict undetermined. */
    const naming = (mentions: Mentions) => {
        const { sure, mightBeOthers } = mentions.of(group);
        if (mightBeOthers) undetermined = true;
        return sure;
    };

    const [binding] = naming(evidence.bindings);
    if (binding) return { kind: "kubernetes-nodes", evidence: `TargetGroupBinding '${binding.name}' registers Kubernetes targets in it` };
    const nodeGroupVerdict = (asg: PolicyResource | undefined, via: string): TargetGroupTargets | undefined => {
        const nodes = asg ? isKubernetesNodeGroup(asg) : undefined;
        if (nodes === true) return { kind: "kubernetes-nodes", evidence: `Auto Scaling group '${asg!.name}' of Kubernetes nodes is attached to it${via}` };
        if (nodes === undefined) { undetermined = true; return undefined; }
        return { kind: "not-kubernetes", evidence: `its targets are the instances of Auto Scaling group '${asg!.name}'` };
    };
    for (const asg of naming(evidence.autoScalingGroups)) {
        const verdict = nodeGroupVerdict(asg, "");
        if (verdict) return verdict;
    }
    for (const attachment of naming(evidence.autoScalingAttachments)) {
        const asg = namedBy(mentionOf(attachment, "autoscalingGroupName"), evidence.autoScalingGroupsByKey, evidence.order);
        const verdict = nodeGroupVerdict(asg, ` by '${attachment.name}'`);
        if (verdict) return verdict;
    }

    const [service] = naming(evidence.ecsServices);
    if (service) return { kind: "not-kubernetes", evidence: `its targets are the tasks of ECS service '${service.name}'` };
    const attachments = naming(evidence.attachments);
    for (const attachment of attachments) {
        const target = namedBy(mentionOf(attachment, "targetId"), evidence.targetsByKey, evidence.order);
        if (target) return { kind: "not-kubernetes", evidence: `its target is ${target.type === LAMBDA ? "Lambda function" : "EC2 instance"} '${target.name}'` };
    }
    const attached = attachments.length > 0;
    const forwarded = naming(evidence.listeners).length > 0;
    const nodes = evidence.eksNodes;
    if ((forwarded || attached) && nodes) {
        return { kind: "kubernetes-nodes", evidence: `the stack's Kubernetes nodes (${nodes.type.split(":").pop()} '${nodes.name}') are the instances it can target` };
    }
    if (undetermined) return { kind: "undetermined" };
    return forwarded || attached ? { kind: "not-kubernetes", evidence: "nothing in the stack makes its targets Kubernetes nodes" } : { kind: "unused" };
}
