import assert from "node:assert/strict";
import { DeploymentState, rolledOut } from "../../../components/measurement/rollout";

describe("measurement rolledOut (the checks of kubectl rollout status)", () => {
    const done: DeploymentState = {
        spec: { replicas: 6 },
        status: { observedGeneration: 7, replicas: 6, updatedReplicas: 6, availableReplicas: 6 },
    };

    it("is over when generation is observed, all replicas updated and available, no old one left", () => {
        assert.equal(rolledOut(done, 7), true);
        assert.equal(rolledOut(done, 6), true, "a later generation observed");
    });

    it("is not over while any check fails", () => {
        const status = done.status!;
        assert.equal(rolledOut(done, 8), false, "the controller has not seen the restart yet");
        assert.equal(rolledOut({ ...done, status: { ...status, updatedReplicas: 4 } }, 7), false, "old template still running");
        assert.equal(rolledOut({ ...done, status: { ...status, replicas: 8 } }, 7), false, "old replicas terminating");
        assert.equal(rolledOut({ ...done, status: { ...status, availableReplicas: 5 } }, 7), false, "a new replica not available yet");
        assert.equal(rolledOut({ spec: { replicas: 6 } }, 7), false, "no status yet");
    });

    it("takes the API's default of one replica when spec.replicas is unset", () => {
        assert.equal(rolledOut({ status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } }, 2), true);
    });
});
