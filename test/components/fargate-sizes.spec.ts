import assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config";
import { FARGATE_CPU_VALUES, fargateMemoryValues, fargateSizeError } from "../../components/fargate-sizes";

// The AWS table, restated here independently of components/fargate-sizes.ts (memory in MiB).
const range = (min: number, max: number, step: number) => Array.from({ length: (max - min) / step + 1 }, (_, i) => min + i * step);
const AWS_TABLE: Record<number, { memory: number[]; phrase: string }> = {
    256: { memory: [512, 1024, 2048], phrase: "512|1024|2048" },
    512: { memory: range(1024, 4096, 1024), phrase: "1024|2048|3072|4096" },
    1024: { memory: range(2048, 8192, 1024), phrase: "2048|3072|4096|5120|6144|7168|8192" },
    2048: { memory: range(4096, 16384, 1024), phrase: "4096-16384 in steps of 1024" },
    4096: { memory: range(8192, 30720, 1024), phrase: "8192-30720 in steps of 1024" },
    8192: { memory: range(16384, 61440, 4096), phrase: "16384-61440 in steps of 4096" },
    16384: { memory: range(32768, 122880, 8192), phrase: "32768-122880 in steps of 8192" },
};
// Every 512 MiB step up to the largest size, plus values that are not multiples of 512.
const CANDIDATE_MEMORY = [...range(512, 122880, 512), 100, 1000, 3000, 131072];

const withSize = (cpu: number, memory: number) =>
    ({ ecs: { services: { web: { image: "app:1", cpu, memory } } } });

describe("fargate-sizes", () => {
    it("offers exactly the cpu values AWS lists", () => {
        assert.deepEqual([...FARGATE_CPU_VALUES], Object.keys(AWS_TABLE).map(Number));
    });

    for (const [cpu, expected] of Object.entries(AWS_TABLE).map(([c, e]) => [Number(c), e] as const)) {
        it(`cpu ${cpu}: accepts ${expected.phrase} and rejects every other memory naming the allowed values`, () => {
            assert.deepEqual(fargateMemoryValues(cpu), expected.memory);
            let rejected = 0;
            for (const memory of CANDIDATE_MEMORY) {
                if (expected.memory.includes(memory)) {
                    assert.equal(fargateSizeError(cpu, memory), undefined);
                    assert.equal(parseStackConfig(withSize(cpu, memory)).ecs?.services.web.memory, memory);
                } else {
                    assert.throws(() => parseStackConfig(withSize(cpu, memory)), {
                        name: "ConfigError",
                        message: `ecs.services.web.memory fargate cpu ${cpu} allows memory ${expected.phrase}, got ${memory}`,
                    });
                    rejected++;
                }
            }
            assert.equal(rejected, CANDIDATE_MEMORY.length - expected.memory.length);
        });
    }

    for (const cpu of [0, 128, 300, 1000, 32768]) {
        it(`rejects cpu ${cpu} with the cpu values Fargate offers`, () => {
            assert.throws(() => parseStackConfig(withSize(cpu, 2048)), {
                message: `ecs.services.web.cpu must be one of 256|512|1024|2048|4096|8192|16384 (Fargate cpu units), got ${cpu}`,
            });
        });
    }
});
