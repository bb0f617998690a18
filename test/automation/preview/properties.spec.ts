import assert from "node:assert/strict";
import { analyzerProperties, policyViewProperties, reportedProperties, UNKNOWN } from "../../../automation/preview/properties";

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });
const reference = (urn: string, id?: string) => ({ [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn, ...(id === undefined ? {} : { id }) });

describe("automation/preview/properties", () => {
    const inputs = {
        __defaults: ["name"],
        password: secret("hunter2"),
        vpcId: UNKNOWN,
        provider: reference("urn:p::k8s", "provider-id"),
        parentComponent: reference("urn:p::component"),
        nested: { list: [secret({ a: 1 }), "plain"] },
    };

    it("sends a pack what the engine sends: secrets and unknowns kept, references flattened, internal keys dropped", () => {
        assert.deepEqual(analyzerProperties(inputs), {
            password: secret("hunter2"),
            vpcId: UNKNOWN,
            provider: "provider-id",
            parentComponent: "urn:p::component",
            nested: { list: [secret({ a: 1 }), "plain"] },
        });
    });

    it("gives the network reader what policies see (secrets unwrapped, unknowns marked) and the report placeholders", () => {
        assert.equal(policyViewProperties(analyzerProperties(inputs)).password, "hunter2");
        assert.equal(policyViewProperties(analyzerProperties(inputs)).vpcId, UNKNOWN);
        const reported = reportedProperties(inputs);
        assert.equal(reported.password, "[secret]");
        assert.equal(reported.vpcId, "[unknown]");
        assert.deepEqual(reported.nested, { list: ["[secret]", "plain"] });
        assert.equal("__defaults" in reported, false);
    });
});
