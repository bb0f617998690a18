/**
 * AWS list prices the pack and the cost report quote, in USD, us-east-1, as of 2026.
 * One place to update them; every figure carries its source.
 */

/** The region whose list prices these are; other regions differ by a few cents per hour or GB. */
export const PRICE_REGION = "us-east-1";

/** Hours in the month every monthly figure assumes. */
export const HOURS_PER_MONTH = 720;

/** Inter-AZ data transfer, billed in each direction (aws.amazon.com/ec2/pricing/on-demand, "Data Transfer within the same AWS Region"). */
export const CROSS_AZ_PER_GB_EACH_DIRECTION = 0.01;

/** NAT gateway hourly charge (aws.amazon.com/vpc/pricing, "NAT Gateway Pricing"). */
export const NAT_GATEWAY_PER_HOUR = 0.045;

/** NAT gateway data processing, charged per GB in whichever AZ (aws.amazon.com/vpc/pricing). */
export const NAT_PROCESSING_PER_GB = 0.045;

/** Interface VPC endpoint, per endpoint per AZ per hour (aws.amazon.com/privatelink/pricing). */
export const INTERFACE_ENDPOINT_PER_AZ_HOUR = 0.01;

/** Interface endpoint (PrivateLink) data processing, first PB tier (aws.amazon.com/privatelink/pricing). */
export const PRIVATELINK_PROCESSING_PER_GB = 0.01;

/** Gateway endpoints (S3, DynamoDB) have no hourly or data charge (docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html). */
export const GATEWAY_ENDPOINT_PER_GB = 0;

/** EKS control plane, standard support (aws.amazon.com/eks/pricing). */
export const EKS_CLUSTER_PER_HOUR = 0.1;

/** Fargate Linux/x86 per vCPU-hour and per GB-hour (aws.amazon.com/fargate/pricing). */
export const FARGATE_X86_PER_VCPU_HOUR = 0.04048;
export const FARGATE_X86_PER_GB_HOUR = 0.004445;
