import { StackValidationPolicy } from "@pulumi/policy";
import { declaresAutoModeCluster } from "../lib/clusters";
import { kubernetesKind } from "../lib/kubernetes";
import { at, rawProps } from "../lib/unknowns";

const autoModeGroup = "eks.amazonaws.com";
const karpenterGroup = "karpenter.k8s.aws";

/**
 * EKS Auto Mode reads NodeClass from eks.amazonaws.com; Karpenter's EC2NodeClass is ignored there.
 * On a self-managed Karpenter cluster EC2NodeClass is right, so the policy judges only stacks that
 * declare an Auto Mode cluster.
 */
export const autoModeNodeclassApiGroup: StackValidationPolicy = {
    name: "auto-mode-nodeclass-api-group",
    description: `EKS Auto Mode NodeClasses use ${autoModeGroup}/v1, never ${karpenterGroup} (judged in stacks that declare an Auto Mode cluster).`,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        if (declaresAutoModeCluster(args.resources) !== "yes") return;
        for (const resource of args.resources) {
            const kind = kubernetesKind(resource.type);
            if (!kind) continue;
            const props = rawProps(resource.props);
            if (kind.group === karpenterGroup) {
                reportViolation(
                    `${kind.kind} '${resource.name}' uses ${karpenterGroup}/${kind.version}, which EKS Auto Mode does not read: node pools pointing at it never get nodes. ` +
                    `Fix: declare apiVersion ${autoModeGroup}/v1, kind NodeClass.`,
                    resource.urn,
                );
            } else if (kind.group === "karpenter.sh" && kind.kind === "NodePool" && at(props, "spec", "template", "spec", "nodeClassRef", "group") === karpenterGroup) {
                reportViolation(
                    `NodePool '${resource.name}' references a NodeClass in ${karpenterGroup}, which EKS Auto Mode does not read. ` +
                    `Fix: set spec.template.spec.nodeClassRef.group: ${autoModeGroup} (kind NodeClass).`,
                    resource.urn,
                );
            }
        }
    },
};
