/**
 * The formats of stack config values, each rule stated once.
 * components/config.ts builds its schemas from these; the messages are the "allowed" part of a ConfigError.
 */
import { z } from "zod";

// ---- OCI image references ----

/*
 * The reference grammar of the distribution project (github.com/distribution/reference, reference.go),
 * which Docker, containerd and ECR parse by:
 *   reference      := name [":" tag] ["@" digest]
 *   name           := [domain "/"] path-component ["/" path-component]*      (at most 255 characters)
 *   domain         := host [":" port]; host := domain-component ["." domain-component]* | "[" IPv6 "]"
 *   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   path-component := [a-z0-9]+ [separator [a-z0-9]+]*;  separator := "." | "_" | "__" | "-"+
 *   tag            := [\w][\w.-]{0,127}
 *   digest         := algorithm ":" hex{32,};  algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)*
 */
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const REGISTRY = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const IMAGE_REFERENCE = new RegExp(`^((?:${REGISTRY}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::${TAG})?(?:@${DIGEST})?$`);
const IMAGE_NAME_MAX = 255;

export const isImageReference = (image: string) => {
    const name = IMAGE_REFERENCE.exec(image)?.[1];
    return name !== undefined && name.length <= IMAGE_NAME_MAX;
};

const IMAGE_ALLOWED = "must be an image reference like public.ecr.aws/nginx/nginx:1.27 "
    + `(lowercase repository path, optional :tag and @digest, no spaces, name at most ${IMAGE_NAME_MAX} characters)`;
/** An image reference (see the grammar above). */
export const imageReference = () => z.string({ error: IMAGE_ALLOWED }).refine(isImageReference, { message: IMAGE_ALLOWED, abort: true });

// ---- availability zones ----

/** A standard AZ: the region's name and one letter. Local Zones (us-east-1-bos-1a) and Wavelength Zones are not. */
export const AZ_NAME = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
export const AZ_NAME_ALLOWED = "must be standard AZ names like us-east-1a (the region and a letter; Local and Wavelength Zones are not supported)";
