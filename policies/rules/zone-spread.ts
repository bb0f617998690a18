import { ResourceValidationPolicy } from "@pulumi/policy";
import { displayName, isKind } from "../lib/kubernetes";
import { at, isUnknown, isUnknownAt, rawProps } from "../lib/unknowns";

const zoneKey = "topology.kubernetes.io/zone";

interface Config {
    /** Zones replicas must spread over (minDomains floor). Default 3. */
    zoneCount?: number;
}

/** Multi-replica workloads spread on the zone key so every zone has local endpoints. */
export const zoneSpread: ResourceValidationPolicy = {
    name: "zone-spread",
    description: `Multi-replica Deployments and StatefulSets spread on ${zoneKey} with minDomains >= the zone count.`,
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            zoneCount: { type: "integer", minimum: 1, default: 3, description: "Zones the workloads run in; minDomains must be at least this." },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!isKind(args.type, "apps", "Deployment", "StatefulSet")) return;
        const props = rawProps(args.props);
        const replicas = at(props, "spec", "replicas");
        if (isUnknownAt(props, "spec", "replicas") || typeof replicas !== "number" || replicas < 2) return;
        if (isUnknownAt(props, "spec", "template", "spec", "topologySpreadConstraints")) return;
        const zones = args.getConfig<Config>().zoneCount ?? 3;
        const constraints = at(props, "spec", "template", "spec", "topologySpreadConstraints");
        const list = Array.isArray(constraints) ? constraints : [];
        if (list.some(c => isUnknown(c) || isUnknown(c?.topologyKey))) return;
        const workload = `${args.type.split(":").pop()} ${displayName(props.metadata, args.name, args.provider)}`;
        // Several zone constraints may stand side by side (a soft one and a hard one): one that holds is enough.
        const zonalConstraints = list.filter(c => c?.topologyKey === zoneKey);
        if (zonalConstraints.some(c => isUnknown(c.minDomains) || isUnknown(c.whenUnsatisfiable))) return;
        if (zonalConstraints.some(c => c.whenUnsatisfiable !== "ScheduleAnyway" && typeof c.minDomains === "number" && c.minDomains >= zones)) return;
        const zonal = zonalConstraints.find(c => c.whenUnsatisfiable !== "ScheduleAnyway") ?? zonalConstraints[0];
        if (!zonal) {
            reportViolation(
                `${workload} runs ${replicas} replicas with no topologySpreadConstraint on ${zoneKey}: the scheduler may pack them into one zone, leaving the other zones to call across. ` +
                `Fix: add {topologyKey: ${zoneKey}, maxSkew: 1, whenUnsatisfiable: DoNotSchedule, minDomains: ${zones}}.`,
            );
            return;
        }
        reportViolation(
            `${workload} spreads on ${zoneKey} with minDomains ${zonal.minDomains ?? "unset"}, below the ${zones} zones: while fewer zones have nodes the skew check passes and replicas pile into them. ` +
            `Fix: set minDomains: ${zones} (with whenUnsatisfiable: DoNotSchedule).`,
        );
    },
};
