/** Runs a project command as a user runs it (`npm run <script> -- ...args`) and collects what it printed. */
import { spawn } from "node:child_process";
import * as path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export interface Run { code: number | null; stdout: string; stderr: string }

export function npmRun(script: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn("npm", ["run", "--silent", script, "--", ...args], { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? process.env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", chunk => { stdout += chunk; });
        child.stderr.on("data", chunk => { stderr += chunk; });
        child.on("error", reject);
        child.on("close", code => resolve({ code, stdout, stderr }));
    });
}
