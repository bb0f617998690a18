/**
 * A deadline for work that runs on this thread, such as a Pulumi program under the mock runtime.
 * A program that awaits forever is caught by a timer; one that busy-loops never lets a timer run,
 * so a watchdog thread interrupts it through the inspector (Runtime.terminateExecution, which
 * unwinds the running JavaScript the way a debugger's "terminate" does), and the timer then
 * reports it. Either way the work's promise is abandoned: the caller reports and exits.
 */
import { Worker } from "node:worker_threads";
import { PreviewError } from "./errors";

/** How long after the deadline the watchdog interrupts a thread that has not let the timer run. */
const INTERRUPT_GRACE_MS = 250;

const WATCHDOG = `
const { workerData } = require("node:worker_threads");
const inspector = require("node:inspector");
const done = new Int32Array(workerData.done);
// Sleeps until the deadline or until the work is done, whichever comes first.
if (Atomics.wait(done, 0, 0, workerData.ms) === "timed-out") {
    const session = new inspector.Session();
    session.connectToMainThread();
    session.post("Runtime.terminateExecution", () => session.disconnect());
}
`;

/**
 * Resolves with what `work` gives, or rejects with a PreviewError saying `what` did not finish
 * within `seconds` (e.g. what = "the program in ./infra"), and which flag sets the limit.
 */
export async function withDeadline<T>(seconds: number, what: string, flag: string, work: () => Promise<T>): Promise<T> {
    const done = new SharedArrayBuffer(4);
    const watchdog = new Worker(WATCHDOG, { eval: true, workerData: { done, ms: seconds * 1000 + INTERRUPT_GRACE_MS } });
    watchdog.unref();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PreviewError(`${what} did not finish within ${seconds} s (${flag} ${seconds})`)), seconds * 1000);
    });
    try {
        // work starts in a later microtask, after the race is set: a synchronous busy loop in it is interrupted inside the race.
        return await Promise.race([Promise.resolve().then(work), expired]);
    } finally {
        clearTimeout(timer);
        Atomics.store(new Int32Array(done), 0, 1);
        Atomics.notify(new Int32Array(done), 0);
    }
}
