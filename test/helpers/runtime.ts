/**
 * Loaded by mocha before any spec (.mocharc.json): says which Node.js runs the suite, and stops a
 * run on a Node.js older than the `engines` range, where @pulumi/pulumi does not support it.
 * Through npm (`npm test`, `npx mocha`) it is the `node` devDependency, node_modules/.bin/node.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

const { engines } = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { engines: { node: string } };
const minimumMajor = Number(/^>=(\d+)/.exec(engines.node)?.[1]);
const major = Number(process.versions.node.split(".")[0]);

console.log(`Node.js ${process.version} (${process.execPath})`);
if (!(major >= minimumMajor)) {
    throw new Error(`the suite runs on Node.js ${process.version}, below engines.node "${engines.node}": run it through npm (npm test) so node_modules/.bin/node is used`);
}
