import { ResourceValidationPolicy } from "@pulumi/policy";
import { kubernetesKind } from "../lib/kubernetes";
import { at, rawProps } from "../lib/unknowns";

const autoModeGroup = "eks.amazonaws.com";
const karpenterGroup = "karpenter.k8s.aws";

/** EKS Auto Mode reads NodeClass from eks.amazonaws.com; Karpenter's EC2NodeClass is ignored there. */
export const autoModeNodeclassApiGroup: ResourceValidationPolicy = {
    name: "auto-mode-nodeclass-api-group",
    description: `EKS Auto Mode NodeClasses use ${autoModeGroup}/v1, never ${karpenterGroup}.`,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const kind = kubernetesKind(args.type);
        if (!kind) return;
        const props = rawProps(args.props);
        if (kind.group === karpenterGroup) {
            reportViolation(
                `${kind.kind} '${args.name}' uses ${karpenterGroup}/${kind.version}, which EKS Auto Mode does not read: node pools pointing at it never get nodes. ` +
                `Fix: declare apiVersion ${autoModeGroup}/v1, kind NodeClass.`,
            );
        } else if (kind.group === "karpenter.sh" && kind.kind === "NodePool") {
            const group = at(props, "spec", "template", "spec", "nodeClassRef", "group");
            if (group === karpenterGroup) {
                reportViolation(
                    `NodePool '${args.name}' references a NodeClass in ${karpenterGroup}, which EKS Auto Mode does not read. ` +
                    `Fix: set spec.template.spec.nodeClassRef.group: ${autoModeGroup} (kind NodeClass).`,
                );
            }
        }
    },
};
