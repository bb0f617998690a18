import { ResourceValidationPolicy } from "@pulumi/policy";
import { ecsServiceType } from "../lib/aws-types";
import { at, rawProps } from "../lib/unknowns";

/** Fargate tasks get no public IPs: they live in private subnets and egress through their own zone. */
export const ecsServiceNoPublicIp: ResourceValidationPolicy = {
    name: "ecs-service-no-public-ip",
    description: "ECS services keep their tasks private: networkConfiguration.assignPublicIp is not true.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ecsServiceType) return args.notApplicable(`applies to ${ecsServiceType}`);
        if (at(rawProps(args.props), "networkConfiguration", "assignPublicIp") !== true) return;
        reportViolation(
            `ECS service ${args.name} assigns public IPs to its tasks (networkConfiguration.assignPublicIp: true): ` +
            "they must sit in public subnets, take inbound traffic around the load balancer and reach ECR, S3 and logs " +
            "over the internet instead of the zone's VPC endpoints and NAT gateway. " +
            "Fix: run the tasks in the private subnets with assignPublicIp false and put an ALB in front.");
    },
};
