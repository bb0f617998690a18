import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./rules";

// Constructing the pack starts its gRPC server: nothing else may import this file.
new PolicyPack("cross-az-guardrails", { policies: allPolicies });
