/** Value formats shared by several sections (components/config-formats.ts): each key that takes one is checked by the same rule. */
import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config";
import { rejects } from "../helpers/config-errors";

const CLUSTER = { enabled: true, clusterCreatorAdmin: true };
const SERVICE = { name: "backend", image: "public.ecr.aws/nginx/nginx:1.27", port: 8080 };

/** Every image key, as [its path in messages, a config that sets it to image]. */
const IMAGE_KEYS: [string, (image: string) => Record<string, unknown>][] = [
    ["services.0.image", image => ({ eks: CLUSTER, services: [{ ...SERVICE, image }] })],
    ["ecs.services.web.image", image => ({ ecs: { services: { web: { image } } } })],
    ["ecs.services.web.sidecars.0.image", image => ({ ecs: { services: { web: { image: "web:1.0.0", sidecars: [{ name: "agent", image }] } } } })],
    ["measurement.image", image => ({ measurement: { image } })],
];
const IMAGE_ALLOWED = "must be an image reference like public.ecr.aws/nginx/nginx:1.27 "
    + "(lowercase repository path, optional :tag and @digest, no spaces, name at most 255 characters)";

describe("config: formats shared by several keys", () => {
    describe("image references follow the distribution grammar in every image key", () => {
        const invalid = ["", " ", "nginx:1.27 ", "my app:1.0.0", "MyApp:1.0.0", "example.com/Team/app:1.0.0", "app:", "app:1.0.0@sha256:abc",
            `example.com/${"a".repeat(250)}:1.0.0`];
        for (const [key, config] of IMAGE_KEYS) {
            it(key, () => {
                for (const image of invalid) rejects(config(image), `${key} ${IMAGE_ALLOWED}, got ${JSON.stringify(image)}`);
                rejects(config(5 as never), `${key} ${IMAGE_ALLOWED}, got 5`);
            });
        }

        it("accepts registries with ports, nested paths, tags and digests", () => {
            const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
            for (const image of ["nginx:1.27.0", "111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:1.0.0", "localhost:5000/a__b/c-d:2.0.0",
                `public.ecr.aws/docker/library/node@${digest}`, `node:24.21.0-alpine@${digest}`, "Registry.Example.com/app:1.0.0"]) {
                assert.equal(parseStackConfig({ ecs: { services: { web: { image } } } }).ecs!.services.web.image, image);
            }
        });
    });
});
