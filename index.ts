import * as aws from "@pulumi/aws";
export const region = aws.getRegionOutput().name;
