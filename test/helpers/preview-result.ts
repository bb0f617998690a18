/** A small preview result, made by hand, for the report renderers' specs. */
import { COST_LINE_ITEMS } from "../../policies/lib/cost-model";
import { PreviewResult } from "../../automation/preview/run-preview";

export const PROGRAM_DIR = "/repo/programs/shop";
const urn = (type: string, name: string) => `urn:pulumi:ci::shop::${type}::${name}`;
export const SUBNET_URN = urn("aws:ec2/subnet:Subnet", "private-b");
export const SERVICE_URN = urn("kubernetes:core/v1:Service", "orders");

export function previewResult(overrides: Partial<PreviewResult> = {}): PreviewResult {
    return {
        stack: "ci",
        resources: [
            { urn: "urn:pulumi:ci::shop::pulumi:pulumi:Stack::shop-ci", type: "pulumi:pulumi:Stack", name: "shop-ci", parent: null, id: null, inputs: {} },
            { urn: SUBNET_URN, type: "aws:ec2/subnet:Subnet", name: "private-b", parent: null, id: "subnet-1", inputs: {} },
            { urn: SERVICE_URN, type: "kubernetes:core/v1:Service", name: "orders", parent: null, id: "orders-1", inputs: {} },
        ],
        violations: [
            {
                policy: "service-zone-routing", level: "advisory", urn: SERVICE_URN,
                message: "Services route in-zone.\nService orders | shop has no spec.trafficDistribution.\nFix: set spec.trafficDistribution: PreferSameZone. It costs $40.00/month.",
            },
            {
                policy: "nat-per-az", level: "mandatory", urn: SUBNET_URN,
                message: "Each AZ has its NAT.\nSubnet 'private-b' sends 0.0.0.0/0 to a NAT in another AZ. Fix: give it a NAT in com.amazonaws.<region>.",
            },
            { policy: "stack-check", level: "mandatory", urn: null, message: "The stack has no owner tag." },
        ],
        cost: {
            currency: "USD",
            lines: COST_LINE_ITEMS.map((item, i) => ({ item, before: i * 10, after: i * 5 })),
            totals: { before: 210, after: 105, optimal: 100 },
            recommendations: [{ change: "add the s3 gateway endpoint to VPC 'main'", savesPerMonth: 5 }],
        },
        costFormulas: Object.fromEntries(COST_LINE_ITEMS.map(item => [item, { before: `${item} before`, after: `${item} after` }])) as PreviewResult["costFormulas"],
        remoteComponents: [],
        pack: {
            name: "test-pack", version: "1.2.3",
            policies: [
                { name: "nat-per-az", description: "Each AZ has its NAT.", kind: "stack", enforcementLevel: "mandatory" },
                { name: "service-zone-routing", description: "Services route in-zone.", kind: "resource", enforcementLevel: "advisory" },
                { name: "stack-check", description: "The stack is tagged.", kind: "stack", enforcementLevel: "mandatory" },
                { name: "quiet", description: "Never fires.", kind: "resource", enforcementLevel: "disabled" },
            ],
        },
        programDir: PROGRAM_DIR,
        sources: { [SUBNET_URN]: { file: `${PROGRAM_DIR}/network/subnets.ts`, line: 42, column: 5 } },
        newStack: false,
        notes: ["a note | with a pipe"],
        ...overrides,
    };
}
