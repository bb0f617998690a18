import assert from "node:assert/strict";
import { countEndpoints } from "../../../components/measurement/endpoints";

const caller = { zone: "us-east-1a", node: "ip-10-0-1-10" };

describe("measurement countEndpoints", () => {
    it("counts ready endpoints over all slices, and of those the caller's zone, its node and the zone-hinted", () => {
        const counts = countEndpoints([
            { endpoints: [
                { conditions: { ready: true }, zone: "us-east-1a", nodeName: "ip-10-0-1-10", hints: { forZones: [{ name: "us-east-1a" }] } },
                { conditions: { ready: true }, zone: "us-east-1a", nodeName: "ip-10-0-1-11", hints: { forZones: [{ name: "us-east-1a" }] } },
                { conditions: { ready: true }, zone: "us-east-1b", nodeName: "ip-10-0-2-20", hints: { forZones: [] } },
            ] },
            { endpoints: [{ conditions: {}, zone: "us-east-1c", nodeName: "ip-10-0-3-30", hints: { forZones: [{ name: "us-east-1c" }] } }] },
            {},
        ], caller);
        assert.deepEqual(counts, { ready: 4, inCallerZone: 2, onCallerNode: 1, withZoneHints: 3 });
    });

    it("leaves out endpoints that are not ready (terminating, failing their probe)", () => {
        const counts = countEndpoints([{ endpoints: [
            { conditions: { ready: false }, zone: "us-east-1a", nodeName: "ip-10-0-1-10", hints: { forZones: [{ name: "us-east-1a" }] } },
            { zone: "us-east-1b", nodeName: "ip-10-0-2-20" },
        ] }], caller);
        assert.deepEqual(counts, { ready: 1, inCallerZone: 0, onCallerNode: 0, withZoneHints: 0 });
    });
});
