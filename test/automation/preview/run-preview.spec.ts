import assert from "node:assert/strict";
import { priceRegionNote } from "../../../automation/preview/run-preview";
import { StackSettings } from "../../../automation/preview/project";

const stackIn = (region?: string): StackSettings => ({
    programDir: "/p", project: "p", stack: "ci", entry: "/p", secretKeys: [],
    config: region ? { "aws:region": region } : {},
});

describe("automation/preview/run-preview priceRegionNote", () => {
    it("says the prices are us-east-1's when the stack deploys elsewhere", () => {
        assert.deepEqual(priceRegionNote(stackIn("eu-west-1")),
            ["prices are us-east-1 list prices (policies/lib/prices.ts); this stack deploys to eu-west-1, whose prices differ slightly"]);
    });

    it("says nothing for us-east-1 or a stack without aws:region", () => {
        assert.deepEqual(priceRegionNote(stackIn("us-east-1")), []);
        assert.deepEqual(priceRegionNote(stackIn()), []);
    });
});
