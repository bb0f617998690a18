/** AWS type tokens the pack inspects. Aliases are listed where the provider registers several. */
export const targetGroupTypes = new Set([
    "aws:lb/targetGroup:TargetGroup",
    "aws:alb/targetGroup:TargetGroup",
    "aws:elasticloadbalancingv2/targetGroup:TargetGroup",
]);

export const vpcType = "aws:ec2/vpc:Vpc";
export const subnetType = "aws:ec2/subnet:Subnet";
export const routeTableType = "aws:ec2/routeTable:RouteTable";
/** Adopts the VPC's default route table (the main table unless a MainRouteTableAssociation moves it). */
export const defaultRouteTableType = "aws:ec2/defaultRouteTable:DefaultRouteTable";
export const routeType = "aws:ec2/route:Route";
export const routeTableAssociationType = "aws:ec2/routeTableAssociation:RouteTableAssociation";
export const mainRouteTableAssociationType = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation";
export const natGatewayType = "aws:ec2/natGateway:NatGateway";
export const internetGatewayType = "aws:ec2/internetGateway:InternetGateway";
export const vpcEndpointType = "aws:ec2/vpcEndpoint:VpcEndpoint";
export const vpcEndpointRouteTableAssociationType = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation";
export const ecsServiceType = "aws:ecs/service:Service";
