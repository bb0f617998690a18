/** A usage, config or program error: the offline preview exits 2 with this one-line message on stderr. */
export class PreviewError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PreviewError";
    }
}

/** The first line of an error's message, without a stack. */
export function oneLine(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return message.split("\n").find(line => line.trim() !== "")?.trim() ?? "unknown error";
}
