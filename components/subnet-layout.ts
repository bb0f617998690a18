/**
 * Deterministic subnet carving. The VPC block is cut into eight equal blocks (prefix + 3):
 *   blocks 0..5  private subnet of AZ 0..5 (large: on EKS every pod takes an IP from it)
 *   block  6     left free for later (e.g. isolated database subnets)
 *   block  7     cut into eight (prefix + 6): public subnet of AZ 0..5, two left free
 * A /16 gives /19 private (8,187 usable addresses) and /22 public subnets; a /22 gives /25
 * private and /28 public, the smallest subnet AWS allows. The same CIDR and AZ count always
 * give the same subnets, so adding an AZ later never renumbers an existing one.
 */
import * as ipaddr from "ipaddr.js";

export const SMALLEST_VPC_PREFIX = 16; // AWS allows /16 to /28 for a VPC
export const LARGEST_VPC_PREFIX = 22; // public subnets are prefix + 6 and AWS's smallest subnet is /28
export const MAX_AZS = 6;

export interface SubnetLayout {
    privateCidrs: string[];
    publicCidrs: string[];
}

/** Why this CIDR cannot hold subnets for azCount AZs, or undefined when it can. */
export function subnetLayoutError(cidr: string, azCount: number): string | undefined {
    let parsed: [ipaddr.IPv4, number];
    try {
        if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) throw new Error(cidr);
        parsed = ipaddr.IPv4.parseCIDR(cidr);
    } catch {
        return "must be an IPv4 CIDR block like 10.0.0.0/16";
    }
    const [address, prefix] = parsed;
    if (prefix < SMALLEST_VPC_PREFIX || prefix > LARGEST_VPC_PREFIX) {
        return `must be /${SMALLEST_VPC_PREFIX} to /${LARGEST_VPC_PREFIX} to carve ${azCount} private and ${azCount} public subnets`;
    }
    if (toNumber(address) % blockSize(prefix) !== 0) {
        return `is not a network address: the /${prefix} block starting there is ${networkAddress(address, prefix)}/${prefix}`;
    }
    return undefined;
}

/** The private and public subnet CIDRs of AZ 0..azCount-1 (see the scheme above). */
export function carveSubnets(cidr: string, azCount: number): SubnetLayout {
    const error = subnetLayoutError(cidr, azCount) ?? (azCount > MAX_AZS ? `holds subnets for at most ${MAX_AZS} AZs` : undefined);
    if (error) throw new Error(`${cidr} ${error}`);
    const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
    const base = toNumber(address);
    const privatePrefix = prefix + 3;
    const publicPrefix = prefix + 6;
    const publicBase = base + 7 * blockSize(privatePrefix);
    const indexes = [...Array(azCount).keys()];
    return {
        privateCidrs: indexes.map(i => `${fromNumber(base + i * blockSize(privatePrefix))}/${privatePrefix}`),
        publicCidrs: indexes.map(i => `${fromNumber(publicBase + i * blockSize(publicPrefix))}/${publicPrefix}`),
    };
}

const blockSize = (prefix: number) => 2 ** (32 - prefix);
const toNumber = (address: ipaddr.IPv4) => address.octets.reduce((n, octet) => n * 256 + octet, 0);
const fromNumber = (n: number) => [24, 16, 8, 0].map(shift => Math.floor(n / 2 ** shift) % 256).join(".");
const networkAddress = (address: ipaddr.IPv4, prefix: number) =>
    fromNumber(toNumber(address) - (toNumber(address) % blockSize(prefix)));
