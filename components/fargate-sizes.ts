/**
 * The task sizes Fargate accepts: for each cpu value (in CPU units, 1024 = 1 vCPU) the
 * memory values (MiB) it may be paired with. The one table in the project; config
 * validation and the docs read it from here.
 * Source: AWS ECS Developer Guide, "Task CPU and memory" for Fargate (checked 2026-11).
 */
interface MemoryRange {
    min: number;
    max: number;
    step: number;
}

/** Fargate's allowed memory (MiB) per cpu (units). 256 is the one size with an irregular list. */
const MEMORY_BY_CPU: Record<number, number[] | MemoryRange> = {
    256: [512, 1024, 2048],
    512: { min: 1024, max: 4096, step: 1024 },
    1024: { min: 2048, max: 8192, step: 1024 },
    2048: { min: 4096, max: 16384, step: 1024 },
    4096: { min: 8192, max: 30720, step: 1024 },
    8192: { min: 16384, max: 61440, step: 4096 },
    16384: { min: 32768, max: 122880, step: 8192 },
};

export const FARGATE_CPU_VALUES: readonly number[] = Object.keys(MEMORY_BY_CPU).map(Number);

/** Every memory value Fargate accepts with this cpu, ascending; [] for a cpu Fargate does not offer. */
export function fargateMemoryValues(cpu: number): number[] {
    const allowed = MEMORY_BY_CPU[cpu];
    if (allowed === undefined) return [];
    if (Array.isArray(allowed)) return [...allowed];
    const values: number[] = [];
    for (let memory = allowed.min; memory <= allowed.max; memory += allowed.step) values.push(memory);
    return values;
}

/** "512|1024|2048" for short lists, "8192-30720 in steps of 1024" for long ranges. */
export function describeFargateMemory(cpu: number): string {
    const allowed = MEMORY_BY_CPU[cpu];
    if (allowed === undefined) return "nothing";
    const values = fargateMemoryValues(cpu);
    if (Array.isArray(allowed) || values.length <= 8) return values.join("|");
    return `${allowed.min}-${allowed.max} in steps of ${allowed.step}`;
}

/**
 * Why this cpu/memory pair is not a Fargate task size, or undefined when it is.
 * The message is the "allowed" phrase of a config error: `fargate cpu 256 allows memory 512|1024|2048`.
 */
export function fargateSizeError(cpu: number, memory: number): string | undefined {
    if (!FARGATE_CPU_VALUES.includes(cpu)) return `must be one of ${FARGATE_CPU_VALUES.join("|")} (Fargate cpu units)`;
    if (fargateMemoryValues(cpu).includes(memory)) return undefined;
    return `fargate cpu ${cpu} allows memory ${describeFargateMemory(cpu)}`;
}
