import { PolicyResource } from "@pulumi/policy";
import { groupBy } from "./collections";
import { isKind, namespaceOf } from "./kubernetes";
import { at, isUnknownAt, rawProps } from "./unknowns";

/**
 * Which Ingresses an AWS ALB controller handles, and what their IngressClass(Params) say, read
 * from the stack's resources. Pure; never throws. Every answer can be UNRESOLVED: some value on
 * the way is unknown during preview (a name, a controller, an annotation), so callers stay silent.
 */
export const UNRESOLVED: unique symbol = Symbol("unresolved");
export type Unresolved = typeof UNRESOLVED;

/** IngressClass spec.controller values of the AWS Load Balancer Controller and EKS Auto Mode. */
export const albControllers = new Set(["ingress.k8s.aws/alb", "eks.amazonaws.com/alb"]);
/** The class name the LBC answers to in kubernetes.io/ingress.class, and the conventional IngressClass name. */
export const conventionalAlbClass = "alb";
export const defaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";
const legacyClassAnnotation = "kubernetes.io/ingress.class";
/** The only IngressClassParams API whose spec.targetType is documented (LBC; "ignores the target-type annotation"). */
export const lbcParamsGroup = "elbv2.k8s.aws";

const isIngressClass = (r: PolicyResource) => isKind(r.type, "networking.k8s.io", "IngressClass");
const isLbcParams = (r: PolicyResource) => isKind(r.type, lbcParamsGroup, "IngressClassParams");

/** "yes"/"no" when a resource's metadata.name (and namespace, for namespaced lookups) is known; "maybe" when unknown. */
function matches(resource: PolicyResource, name: string, namespace?: string | Unresolved): "yes" | "no" | "maybe" {
    const props = rawProps(resource.props);
    if (isUnknownAt(props, "metadata", "name")) return "maybe";
    if (at(props, "metadata", "name") !== name) return "no";
    if (namespace === undefined) return "yes";
    const own = namespaceOf(props, resource.provider);
    if (namespace === UNRESOLVED || own === undefined) return "maybe";
    return own === namespace ? "yes" : "no";
}

/**
 * The resource named `name` (in `namespace` when given) among `candidates`; undefined when none is;
 * UNRESOLVED when none matches for sure but one with an unknown name or namespace might.
 */
export function findByName(candidates: PolicyResource[], name: string, namespace?: string | Unresolved): PolicyResource | undefined | Unresolved {
    const verdicts = candidates.map(c => [c, matches(c, name, namespace)] as const);
    const sure = verdicts.find(([, v]) => v === "yes");
    if (sure) return sure[0];
    return verdicts.some(([, v]) => v === "maybe") ? UNRESOLVED : undefined;
}

/** findByName over resources indexed once by metadata.name: a lookup weighs only those of that name and those whose name is unknown. */
export type ByName = (name: string, namespace?: string | Unresolved) => PolicyResource | undefined | Unresolved;

export function byName(candidates: PolicyResource[]): ByName {
    const named = groupBy(candidates, c => {
        const props = rawProps(c.props);
        const name = at(props, "metadata", "name");
        return [isUnknownAt(props, "metadata", "name") ? UNRESOLVED : typeof name === "string" ? name : undefined];
    });
    return (name, namespace) => findByName([...named.get(name) ?? [], ...named.get(UNRESOLVED) ?? []], name, namespace);
}

/** The stack's IngressClasses and elbv2.k8s.aws IngressClassParams, read once for all its Ingresses. */
export interface IngressClasses {
    classes: ByName;
    params: ByName;
    /** The class of an Ingress that names none: the default IngressClass's, if an ALB controller's. */
    defaultClass: AlbClass | undefined | Unresolved;
}

export function ingressClasses(resources: PolicyResource[]): IngressClasses {
    const classes = resources.filter(isIngressClass);
    return { classes: byName(classes), params: byName(resources.filter(isLbcParams)), defaultClass: defaultAlbClass(classes) };
}

/** An Ingress an ALB controller handles: the class name to show, and the IngressClass resource when the stack has it. */
export interface AlbClass {
    className: string;
    isDefault: boolean;
    ingressClass?: PolicyResource;
}

/** True/false for an IngressClass's controller being an ALB controller; UNRESOLVED when unknown. */
function isAlbClass(ingressClass: PolicyResource): boolean | Unresolved {
    const props = rawProps(ingressClass.props);
    if (isUnknownAt(props, "spec", "controller")) return UNRESOLVED;
    return albControllers.has(at(props, "spec", "controller") as string);
}

/**
 * The ALB class an Ingress (raw props) belongs to, or undefined when no ALB controller handles it.
 * spec.ingressClassName names an IngressClass (its controller decides; a name with no IngressClass
 * in the stack counts as ALB only when it is `alb`); else the legacy kubernetes.io/ingress.class
 * annotation (`alb`); else the IngressClass annotated is-default-class "true".
 */
export function resolveAlbClass(ingress: Record<string, any>, classes: IngressClasses): AlbClass | undefined | Unresolved {
    if (isUnknownAt(ingress, "spec", "ingressClassName")) return UNRESOLVED;
    const className = at(ingress, "spec", "ingressClassName");
    if (typeof className === "string") {
        const found = classes.classes(className);
        if (found === UNRESOLVED) return UNRESOLVED;
        if (found === undefined) return className === conventionalAlbClass ? { className, isDefault: false } : undefined;
        const alb = isAlbClass(found);
        if (alb === UNRESOLVED) return UNRESOLVED;
        return alb ? { className, isDefault: false, ingressClass: found } : undefined;
    }
    if (isUnknownAt(ingress, "metadata", "annotations", legacyClassAnnotation)) return UNRESOLVED;
    const legacy = at(ingress, "metadata", "annotations", legacyClassAnnotation);
    if (legacy !== undefined) return legacy === conventionalAlbClass ? { className: conventionalAlbClass, isDefault: false } : undefined;
    return classes.defaultClass;
}

/** The IngressClass annotated is-default-class "true", when an ALB controller's; UNRESOLVED while that cannot be told. */
function defaultAlbClass(classes: PolicyResource[]): AlbClass | undefined | Unresolved {
    const defaults: PolicyResource[] = [];
    for (const c of classes) {
        const props = rawProps(c.props);
        if (isUnknownAt(props, "metadata", "annotations", defaultClassAnnotation)) return UNRESOLVED;
        if (at(props, "metadata", "annotations", defaultClassAnnotation) === "true") defaults.push(c);
    }
    if (defaults.length === 0) return undefined;
    const verdicts = defaults.map(isAlbClass);
    if (verdicts.includes(UNRESOLVED)) return UNRESOLVED;
    if (verdicts.every(v => v === true)) {
        const name = at(rawProps(defaults[0].props), "metadata", "name");
        return { className: typeof name === "string" ? name : defaults[0].name, isDefault: true, ingressClass: defaults[0] };
    }
    // Several defaults of different controllers: which one admission picked cannot be told here.
    return verdicts.some(v => v === true) ? UNRESOLVED : undefined;
}

/** The target type an ALB class's elbv2.k8s.aws IngressClassParams enforces, with the params' name. */
export interface ParamsTargetType {
    paramsName: string;
    targetType: string;
}

/**
 * spec.targetType of the elbv2.k8s.aws IngressClassParams an IngressClass references, which the LBC
 * applies to all the class's Ingresses in place of the target-type annotation. Undefined when there
 * is no class resource, no such params (or not in the stack), or it sets no targetType. Params of
 * other API groups (EKS Auto Mode's eks.amazonaws.com) are not read: targetType is not documented there.
 */
export function classParamsTargetType(ingressClass: PolicyResource | undefined, classes: IngressClasses): ParamsTargetType | undefined | Unresolved {
    if (!ingressClass) return undefined;
    const props = rawProps(ingressClass.props);
    for (const key of ["apiGroup", "kind", "name"]) {
        if (isUnknownAt(props, "spec", "parameters", key)) return UNRESOLVED;
    }
    const parameters = at(props, "spec", "parameters") as Record<string, unknown> | undefined;
    if (!parameters || parameters.apiGroup !== lbcParamsGroup || parameters.kind !== "IngressClassParams" || typeof parameters.name !== "string") return undefined;
    const params = classes.params(parameters.name);
    if (params === UNRESOLVED) return UNRESOLVED;
    if (params === undefined) return undefined;
    const paramsProps = rawProps(params.props);
    if (isUnknownAt(paramsProps, "spec", "targetType")) return UNRESOLVED;
    const targetType = at(paramsProps, "spec", "targetType");
    return typeof targetType === "string" ? { paramsName: parameters.name, targetType } : undefined;
}

/**
 * Names of the Services an Ingress (raw props) routes to: spec.rules[].http.paths[].backend and
 * spec.defaultBackend (networking.k8s.io/v1 `service.name`; v1beta1 `serviceName` and spec.backend).
 * A backend whose name cannot be known is UNRESOLVED; resource backends are left out.
 */
export function backendServiceNames(ingress: Record<string, any>): (string | Unresolved)[] {
    const names: (string | Unresolved)[] = [];
    const backend = (holder: unknown, key: string) => {
        if (isUnknownAt(holder, key, "service", "name") || isUnknownAt(holder, key, "serviceName")) { names.push(UNRESOLVED); return; }
        const name = at(holder, key, "service", "name") ?? at(holder, key, "serviceName");
        if (typeof name === "string") names.push(name);
    };
    if (isUnknownAt(ingress, "spec")) return [UNRESOLVED];
    const spec = at(ingress, "spec");
    backend(spec, "defaultBackend");
    backend(spec, "backend");
    if (isUnknownAt(spec, "rules")) return [...names, UNRESOLVED];
    const rules = at(spec, "rules");
    for (const rule of Array.isArray(rules) ? rules : []) {
        if (isUnknownAt(rule, "http", "paths")) { names.push(UNRESOLVED); continue; }
        const paths = at(rule, "http", "paths");
        for (const path of Array.isArray(paths) ? paths : []) {
            if (isUnknownAt(path)) names.push(UNRESOLVED);
            else backend(path, "backend");
        }
    }
    return names;
}
