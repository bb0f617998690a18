import assert from "node:assert/strict";
import { unknownCheckingProxy } from "@pulumi/policy";
import { at, containsUnknown, isUnknown, isUnknownAt, rawProps } from "../../../policies/lib/unknowns";
import { UNKNOWN, UNKNOWN_ARRAY } from "../harness";

describe("policies/lib/unknowns", () => {
    it("recognises the engine's sentinels and nothing else", () => {
        assert.equal(isUnknown(UNKNOWN), true);
        assert.equal(isUnknown(UNKNOWN_ARRAY), true);
        assert.equal(isUnknown("04da6b54"), false);
        assert.equal(isUnknown(undefined), false);
    });
    it("unwraps the SDK proxy so reading an unknown does not throw", () => {
        const proxied = unknownCheckingProxy({ spec: { type: UNKNOWN } }) as any;
        assert.throws(() => proxied.spec.type, /can't be known during preview/);
        assert.equal(rawProps(proxied).spec.type, UNKNOWN);
        assert.deepEqual(rawProps({ a: 1 }), { a: 1 });
    });
    it("at() stops at unknowns and missing steps; isUnknownAt() tells them apart", () => {
        const value = { spec: { template: UNKNOWN, replicas: 3 } };
        assert.equal(at(value, "spec", "replicas"), 3);
        assert.equal(at(value, "spec", "template", "spec"), undefined);
        assert.equal(isUnknownAt(value, "spec", "template", "spec"), true);
        assert.equal(isUnknownAt(value, "spec", "missing", "spec"), false);
    });
    it("containsUnknown() looks through nested objects and arrays", () => {
        assert.equal(containsUnknown([{ values: ["a", UNKNOWN] }]), true);
        assert.equal(containsUnknown({ a: { b: UNKNOWN_ARRAY } }), true);
        assert.equal(containsUnknown([{ values: ["a"] }, null, 3]), false);
    });
});
