import assert from "node:assert/strict";
import { PolicyResource } from "@pulumi/policy";
import {
    backendServiceNames, byName, classParamsTargetType, findByName, ingressClasses, resolveAlbClass, UNRESOLVED,
} from "../../../policies/lib/ingress-class";
import { UNKNOWN, UNKNOWN_ARRAY, UNKNOWN_OBJECT } from "../harness";

const resource = (type: string, name: string, props: Record<string, any>): PolicyResource =>
    ({ type, name, urn: `urn:pulumi:t::p::${type}::${name}`, props, opts: {} as any, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined }) as unknown as PolicyResource;

const ingressClass = (name: unknown, controller: unknown, extra: Record<string, any> = {}) =>
    resource("kubernetes:networking.k8s.io/v1:IngressClass", `class-${String(name)}`, { metadata: { name, ...extra.metadata }, spec: { controller, ...extra.spec } });
const service = (name: unknown, namespace?: unknown) =>
    resource("kubernetes:core/v1:Service", `svc-${String(name)}`, { metadata: { name, ...(namespace !== undefined ? { namespace } : {}) } });
const lbcParams = (name: unknown, spec: unknown) =>
    resource("kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams", `params-${String(name)}`, { metadata: { name }, spec });
const isDefault = { metadata: { annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } } };

describe("policies/lib/ingress-class", () => {
    describe("findByName", () => {
        it("finds by known name (and namespace, default 'default'); undefined when none", () => {
            const web = service("web", "shop");
            const api = service("api");
            assert.equal(findByName([web, api], "web", "shop"), web);
            assert.equal(findByName([web, api], "api", "default"), api);
            assert.equal(findByName([web, api], "web", "other"), undefined);
            assert.equal(findByName([web, api], "web"), web, "cluster-scoped lookups ignore the namespace");
        });
        it("is UNRESOLVED when no sure match exists but an unknown name or namespace might match", () => {
            assert.equal(findByName([service(UNKNOWN, "shop")], "web", "shop"), UNRESOLVED);
            assert.equal(findByName([service("web", UNKNOWN)], "web", "shop"), UNRESOLVED);
            assert.equal(findByName([service("web", "shop")], "web", UNRESOLVED), UNRESOLVED);
            const unknownMetadata = resource("kubernetes:core/v1:Service", "m", { metadata: UNKNOWN_OBJECT });
            assert.equal(findByName([unknownMetadata], "web", "shop"), UNRESOLVED);
            const sure = service("web", "shop");
            assert.equal(findByName([service(UNKNOWN, "shop"), sure], "web", "shop"), sure, "a sure match wins");
        });
    });

    describe("byName", () => {
        it("answers as findByName over the resources of that name and those whose name is unknown", () => {
            const web = service("web", "shop");
            const find = byName([service("web", "other"), service(UNKNOWN, "shop"), web, service("api", "shop")]);
            assert.equal(find("web", "shop"), web);
            assert.equal(find("db", "shop"), UNRESOLVED, "the unknown name might be db");
            assert.equal(byName([web, service("api", "shop")])("db", "shop"), undefined);
            assert.equal(byName([service({ name: "web" }, "shop")])("web", "shop"), undefined, "a name that is no string names nothing");
        });
    });

    describe("resolveAlbClass", () => {
        const ingress = (spec: Record<string, unknown>, annotations: unknown = {}) => ({ metadata: { name: "i", annotations }, spec });
        it("resolves ingressClassName through the IngressClass's controller", () => {
            for (const controller of ["ingress.k8s.aws/alb", "eks.amazonaws.com/alb"]) {
                const c = ingressClass("internal", controller);
                assert.deepEqual(resolveAlbClass(ingress({ ingressClassName: "internal" }), ingressClasses([c])), { className: "internal", isDefault: false, ingressClass: c });
            }
            assert.equal(resolveAlbClass(ingress({ ingressClassName: "internal" }), ingressClasses([ingressClass("internal", "k8s.io/ingress-nginx")])), undefined);
        });
        it("takes a class name with no IngressClass in the stack as ALB only when it is 'alb'", () => {
            assert.deepEqual(resolveAlbClass(ingress({ ingressClassName: "alb" }), ingressClasses([])), { className: "alb", isDefault: false });
            assert.equal(resolveAlbClass(ingress({ ingressClassName: "internal" }), ingressClasses([])), undefined);
        });
        it("reads the legacy kubernetes.io/ingress.class annotation when there is no ingressClassName", () => {
            assert.deepEqual(resolveAlbClass(ingress({}, { "kubernetes.io/ingress.class": "alb" }), ingressClasses([])), { className: "alb", isDefault: false });
            assert.equal(resolveAlbClass(ingress({}, { "kubernetes.io/ingress.class": "nginx" }), ingressClasses([ingressClass("alb", "ingress.k8s.aws/alb", isDefault)])), undefined);
        });
        it("uses the default IngressClass for an Ingress with no class", () => {
            const c = ingressClass("alb", "ingress.k8s.aws/alb", isDefault);
            assert.deepEqual(resolveAlbClass(ingress({}), ingressClasses([c])), { className: "alb", isDefault: true, ingressClass: c });
            assert.equal(resolveAlbClass(ingress({}), ingressClasses([ingressClass("alb", "ingress.k8s.aws/alb")])), undefined);
            assert.equal(resolveAlbClass(ingress({}), ingressClasses([ingressClass("nginx", "k8s.io/ingress-nginx", isDefault)])), undefined);
            assert.equal(resolveAlbClass(ingress({}), ingressClasses([c, ingressClass("nginx", "k8s.io/ingress-nginx", isDefault)])), UNRESOLVED, "two defaults, different controllers");
        });
        it("is UNRESOLVED whenever the answer hangs on an unknown", () => {
            assert.equal(resolveAlbClass(ingress({ ingressClassName: UNKNOWN }), ingressClasses([])), UNRESOLVED);
            assert.equal(resolveAlbClass({ metadata: {}, spec: UNKNOWN_OBJECT }, ingressClasses([])), UNRESOLVED);
            assert.equal(resolveAlbClass(ingress({ ingressClassName: "internal" }), ingressClasses([ingressClass("internal", UNKNOWN)])), UNRESOLVED);
            assert.equal(resolveAlbClass(ingress({ ingressClassName: "alb" }), ingressClasses([ingressClass(UNKNOWN, "k8s.io/ingress-nginx")])), UNRESOLVED);
            assert.equal(resolveAlbClass(ingress({}, UNKNOWN_OBJECT), ingressClasses([])), UNRESOLVED, "legacy annotation unknown");
            assert.equal(resolveAlbClass({ metadata: UNKNOWN, spec: {} }, ingressClasses([])), UNRESOLVED, "whole metadata unknown");
            const unknownDefault = ingressClass("alb", "ingress.k8s.aws/alb", { metadata: { annotations: UNKNOWN_OBJECT } });
            assert.equal(resolveAlbClass(ingress({}), ingressClasses([unknownDefault])), UNRESOLVED);
            assert.equal(resolveAlbClass(ingress({}), ingressClasses([ingressClass("alb", UNKNOWN, isDefault)])), UNRESOLVED);
        });
    });

    describe("classParamsTargetType", () => {
        const withParams = (parameters: unknown) => ingressClass("c", "ingress.k8s.aws/alb", { spec: { parameters } });
        const ref = { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: "p" };
        it("reads spec.targetType of the referenced elbv2.k8s.aws IngressClassParams", () => {
            assert.deepEqual(classParamsTargetType(withParams(ref), ingressClasses([lbcParams("p", { targetType: "ip" })])), { paramsName: "p", targetType: "ip" });
            assert.deepEqual(classParamsTargetType(withParams(ref), ingressClasses([lbcParams("p", { targetType: "instance" })])), { paramsName: "p", targetType: "instance" });
        });
        it("is undefined without a class, parameters, params in the stack, or targetType; ignores other API groups", () => {
            assert.equal(classParamsTargetType(undefined, ingressClasses([])), undefined);
            assert.equal(classParamsTargetType(ingressClass("c", "ingress.k8s.aws/alb"), ingressClasses([])), undefined);
            assert.equal(classParamsTargetType(withParams(ref), ingressClasses([])), undefined);
            assert.equal(classParamsTargetType(withParams(ref), ingressClasses([lbcParams("p", { scheme: "internal" })])), undefined);
            const auto = resource("kubernetes:eks.amazonaws.com/v1:IngressClassParams", "auto", { metadata: { name: "p" }, spec: { targetType: "ip" } });
            assert.equal(classParamsTargetType(withParams({ ...ref, apiGroup: "eks.amazonaws.com" }), ingressClasses([auto])), undefined);
        });
        it("is UNRESOLVED when the reference, the params' name, spec or targetType is unknown", () => {
            assert.equal(classParamsTargetType(withParams(UNKNOWN_OBJECT), ingressClasses([])), UNRESOLVED);
            assert.equal(classParamsTargetType(withParams({ ...ref, name: UNKNOWN }), ingressClasses([])), UNRESOLVED);
            assert.equal(classParamsTargetType(withParams(ref), ingressClasses([lbcParams(UNKNOWN, { targetType: "ip" })])), UNRESOLVED);
            assert.equal(classParamsTargetType(withParams(ref), ingressClasses([lbcParams("p", UNKNOWN_OBJECT)])), UNRESOLVED);
            assert.equal(classParamsTargetType(withParams(ref), ingressClasses([lbcParams("p", { targetType: UNKNOWN })])), UNRESOLVED);
        });
    });

    describe("backendServiceNames", () => {
        const path = (backend: unknown) => ({ path: "/", pathType: "Prefix", backend });
        it("lists rules' and the default backend's Services (v1 and v1beta1 shapes), skipping resource backends", () => {
            const v1 = { spec: { defaultBackend: { service: { name: "d" } }, rules: [{ http: { paths: [path({ service: { name: "a" } }), path({ resource: { kind: "Bucket", name: "b" } })] } }, {}] } };
            assert.deepEqual(backendServiceNames(v1), ["d", "a"]);
            const v1beta1 = { spec: { backend: { serviceName: "d" }, rules: [{ http: { paths: [path({ serviceName: "a", servicePort: 80 })] } }] } };
            assert.deepEqual(backendServiceNames(v1beta1), ["d", "a"]);
            assert.deepEqual(backendServiceNames({ spec: { rules: [] } }), []);
            assert.deepEqual(backendServiceNames({}), []);
        });
        it("marks each backend it cannot name UNRESOLVED", () => {
            assert.deepEqual(backendServiceNames({ spec: UNKNOWN_OBJECT }), [UNRESOLVED]);
            assert.deepEqual(backendServiceNames({ spec: { rules: UNKNOWN_ARRAY } }), [UNRESOLVED]);
            assert.deepEqual(backendServiceNames({ spec: { rules: [UNKNOWN, { http: { paths: UNKNOWN_ARRAY } }] } }), [UNRESOLVED, UNRESOLVED]);
            assert.deepEqual(backendServiceNames({ spec: { rules: [{ http: { paths: [UNKNOWN, path({ service: { name: UNKNOWN } }), path({ service: { name: "a" } })] } }] } }), [UNRESOLVED, UNRESOLVED, "a"]);
            assert.deepEqual(backendServiceNames({ spec: { defaultBackend: { service: UNKNOWN_OBJECT } } }), [UNRESOLVED]);
        });
    });
});
