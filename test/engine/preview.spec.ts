/**
 * A real `pulumi preview --policy-pack` (npm run engine:preview) against the offline preview, on
 * this project's stacks and on the fixture program that carries violations: same exit code, same
 * findings (policy, level, resource, message). A real first preview is a preview of a new stack,
 * so it must also agree with `preview:offline --new-stack`.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { FIXTURES, Run, engine, findingSet, npmRun, shows } from "./runs";

/** knownOnly: findings (policy | level | resource) a preview with every id known adds to a first preview's. */
const CASES: { what: string; args: string[]; mandatory: boolean; knownOnly?: string[] }[] = [
    { what: "this project's dev stack", args: ["--stack", "dev"], mandatory: false },
    // The measurement's Services sit behind the new cluster's provider, unknown (so unconfigured) in a
    // first preview: the engine gives AnalyzeStack no properties for them.
    { what: "this project's prod stack", args: ["--stack", "prod"], mandatory: false, knownOnly: ["internal-traffic-policy-local | advisory | measurement-internal-local"] },
    { what: "a single-NAT, instance-target, random-routing program (fixture bad-layout)", args: ["--stack", "ci", "--program", path.join(FIXTURES, "bad-layout")], mandatory: true },
    { what: "a Terraform-converted VPC routing to one NAT gateway through gatewayId (fixture converted-vpc)", args: ["--stack", "ci", "--program", path.join(FIXTURES, "converted-vpc")], mandatory: true },
    { what: "a plain Kubernetes app (fixture k8s-app)", args: ["--stack", "ci", "--program", path.join(FIXTURES, "k8s-app")], mandatory: false },
    { what: "an ALB in front of EC2 instances and a placeholder target group (fixture alb-ec2)", args: ["--stack", "ci", "--program", path.join(FIXTURES, "alb-ec2")], mandatory: false },
    { what: "interface endpoints below their break-even (fixture endpoints-vpc)", args: ["--stack", "ci", "--program", path.join(FIXTURES, "endpoints-vpc")], mandatory: false },
    { what: "two VPCs with a NAT gateway per AZ (fixture two-vpcs)", args: ["--stack", "ci", "--program", path.join(FIXTURES, "two-vpcs")], mandatory: false },
];

describe("engine: pulumi preview --policy-pack equals the offline preview", function () {
    this.timeout(300_000);
    before(() => { engine(); });

    for (const { what, args, mandatory, knownOnly = [] } of CASES) {
        describe(what, () => {
            let real: Run;
            let offline: Run;
            let offlineNewStack: Run;
            before(async () => {
                [real, offline, offlineNewStack] = await Promise.all([
                    npmRun("engine:preview", [...args, "--json"]),
                    npmRun("preview:offline", [...args, "--json"]),
                    npmRun("preview:offline", [...args, "--json", "--new-stack"]),
                ]);
            });

            it(mandatory ? "fails on its mandatory violations, as the offline preview exits 1" : "passes, as the offline preview does", () => {
                assert.equal(real.code, mandatory ? 1 : 0, shows(real));
                assert.equal(offline.code, real.code, shows(offline));
                assert.equal(offlineNewStack.code, real.code, shows(offlineNewStack));
                assert.equal(JSON.parse(real.stdout).exitCode, real.code);
            });

            it("reports the same findings: messages too as the first preview of a new stack, which a real first preview is", () => {
                const engineFindings = JSON.parse(real.stdout).violations;
                if (mandatory) assert.ok(engineFindings.some((f: { level: string }) => f.level === "mandatory"), real.stdout);
                assert.deepEqual(findingSet(JSON.parse(offlineNewStack.stdout).violations), findingSet(engineFindings));
                // With every id known, messages name the fake ids and auto-names a deployed stack would have.
                assert.deepEqual(findingSet(JSON.parse(offline.stdout).violations, { messages: false }), [...findingSet(engineFindings, { messages: false }), ...knownOnly].sort());
            });

            it("plans the resources the offline preview records (the engine adds its default providers)", () => {
                const isDefaultProvider = (urn: string) => /::pulumi:providers:[^:]+::default(_[\d_]+)?$/.test(urn);
                const planned = (JSON.parse(real.stdout).resources as { urn: string }[]).map(r => r.urn).filter(urn => !isDefaultProvider(urn)).sort();
                const recorded = (JSON.parse(offline.stdout).resources as { urn: string }[]).map(r => r.urn).sort();
                assert.deepEqual(planned, recorded);
            });
        });
    }
});
