import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { displayName, isKind, kubernetesKind, namespaceOf } from "../lib/kubernetes";
import { at, containsUnknown, isUnknown, isUnknownAt, listAt, rawProps, shown } from "../lib/unknowns";

const zoneKey = "topology.kubernetes.io/zone";

interface Config {
    /** Zones replicas must spread over (minDomains floor). Default 3. */
    zoneCount?: number;
}

/** The stack's HPAs, indexed once: which one scales a workload, and whether one whose target or namespace is unknown might scale any. */
interface Hpas {
    scaling(namespace: string, kind: string, name: unknown): PolicyResource | undefined;
    undecided: boolean;
}

function hpaIndex(hpas: PolicyResource[]): Hpas {
    const key = (...parts: unknown[]) => JSON.stringify(parts);
    const scaling = new Map<string, PolicyResource>();
    let undecided = false;
    for (const hpa of hpas) {
        const props = rawProps(hpa.props);
        const namespace = namespaceOf(props, hpa.provider);
        if (namespace === undefined || ["kind", "name"].some(k => isUnknownAt(props, "spec", "scaleTargetRef", k))) {
            undecided = true;
            continue;
        }
        const target = ["kind", "name"].map(k => at(props, "spec", "scaleTargetRef", k));
        // A target that is an object or a list names no workload.
        if (target.some(part => part !== null && typeof part === "object")) continue;
        if (!scaling.has(key(namespace, ...target))) scaling.set(key(namespace, ...target), hpa);
    }
    return {
        scaling: (namespace, kind, name) => scaling.get(key(namespace, kind, name)),
        undecided,
    };
}

/**
 * The replicas a workload runs at least: spec.replicas, or when that is unset the minReplicas of an
 * HPA scaling it (same namespace; HPA default 1). "unknown" while any of it cannot be known.
 */
function minimumReplicas(workload: PolicyResource, hpas: Hpas): { replicas: number; hpa?: string } | "unknown" {
    const props = rawProps(workload.props);
    if (isUnknownAt(props, "spec", "replicas")) return "unknown";
    const replicas = at(props, "spec", "replicas");
    if (typeof replicas === "number") return { replicas };
    const namespace = namespaceOf(props, workload.provider);
    if (isUnknownAt(props, "metadata", "name") || namespace === undefined) return "unknown";
    // An HPA whose target or namespace is unknown might be this workload's: undecided unless another surely is.
    const hpa = hpas.scaling(namespace, kubernetesKind(workload.type)!.kind, at(props, "metadata", "name") ?? workload.name);
    if (!hpa) return hpas.undecided ? "unknown" : { replicas: 1 };
    const hpaProps = rawProps(hpa.props);
    if (isUnknownAt(hpaProps, "spec", "minReplicas")) return "unknown";
    const minReplicas = at(hpaProps, "spec", "minReplicas");
    return { replicas: typeof minReplicas === "number" ? minReplicas : 1, hpa: displayName(hpaProps.metadata, hpa.name, hpa.provider) };
}

/** Multi-replica workloads spread on the zone key so every zone has local endpoints. */
export const zoneSpread: StackValidationPolicy = {
    name: "zone-spread",
    description: `Multi-replica Deployments and StatefulSets spread on ${zoneKey} with minDomains >= the zone count.`,
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            zoneCount: { type: "integer", minimum: 1, default: 3, description: "Zones the workloads run in; minDomains must be at least this." },
        },
    },
    validateStack: (args, reportViolation) => {
        const zones = args.getConfig<Config>().zoneCount ?? 3;
        const hpas = hpaIndex(args.resources.filter(r => isKind(r.type, "autoscaling", "HorizontalPodAutoscaler")));
        for (const resource of args.resources.filter(r => isKind(r.type, "apps", "Deployment", "StatefulSet"))) {
            const message = violation(resource, minimumReplicas(resource, hpas), zones);
            if (message) reportViolation(message, resource.urn);
        }
    },
};

/**
 * True when the pod template pins its pods to one zone (nodeSelector on the zone key, or required
 * node affinity whose every term allows exactly one zone): a per-zone Deployment, nothing to
 * spread. Undefined while that cannot be known.
 */
function pinnedToOneZone(props: Record<string, any>): boolean | undefined {
    const pod = ["spec", "template", "spec"];
    if (isUnknownAt(props, ...pod, "nodeSelector", zoneKey)) return undefined;
    if (typeof at(props, ...pod, "nodeSelector", zoneKey) === "string") return true;
    const termsPath = [...pod, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"];
    if (isUnknownAt(props, ...termsPath)) return undefined;
    const terms = at(props, ...termsPath);
    if (!Array.isArray(terms) || terms.length === 0) return false;
    if (containsUnknown(terms)) return undefined;
    return terms.every(term => listAt(term, "matchExpressions").some(e =>
        at(e, "key") === zoneKey && at(e, "operator") === "In" && listAt(e, "values").length === 1));
}

function violation(resource: PolicyResource, minimum: ReturnType<typeof minimumReplicas>, zones: number): string | undefined {
    if (minimum === "unknown" || minimum.replicas < 2) return undefined;
    const props = rawProps(resource.props);
    if (pinnedToOneZone(props) !== false) return undefined;
    if (isUnknownAt(props, "spec", "template", "spec", "topologySpreadConstraints")) return undefined;
    const constraints = at(props, "spec", "template", "spec", "topologySpreadConstraints");
    const list = Array.isArray(constraints) ? constraints : [];
    if (list.some(c => isUnknown(c) || isUnknown(c?.topologyKey))) return undefined;
    // Several zone constraints may stand side by side (a soft one and a hard one): one that holds is enough.
    const zonalConstraints = list.filter(c => c?.topologyKey === zoneKey);
    if (zonalConstraints.some(c => isUnknown(c.minDomains) || isUnknown(c.whenUnsatisfiable))) return undefined;
    if (zonalConstraints.some(c => c.whenUnsatisfiable !== "ScheduleAnyway" && typeof c.minDomains === "number" && c.minDomains >= zones)) return undefined;
    const workload = `${resource.type.split(":").pop()} ${displayName(props.metadata, resource.name, resource.provider)}`;
    const runs = minimum.hpa ? `runs at least ${minimum.replicas} replicas (HPA ${minimum.hpa} minReplicas)` : `runs ${minimum.replicas} replicas`;
    const zonal = zonalConstraints.find(c => c.whenUnsatisfiable !== "ScheduleAnyway") ?? zonalConstraints[0];
    if (!zonal) {
        return `${workload} ${runs} with no topologySpreadConstraint on ${zoneKey}: the scheduler may pack them into one zone, leaving the other zones to call across. ` +
            `Fix: add {topologyKey: ${zoneKey}, maxSkew: 1, whenUnsatisfiable: DoNotSchedule, minDomains: ${zones}}.`;
    }
    return `${workload} spreads on ${zoneKey} with minDomains ${shown(zonal.minDomains)}, below the ${zones} zones: while fewer zones have nodes the skew check passes and replicas pile into them. ` +
        `Fix: set minDomains: ${zones} (with whenUnsatisfiable: DoNotSchedule).`;
}
