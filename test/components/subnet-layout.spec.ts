import * as assert from "node:assert/strict";
import * as ipaddr from "ipaddr.js";
import { carveSubnets, subnetLayoutError } from "../../components/subnet-layout";

/** [first, last] address of a CIDR as numbers. */
function range(cidr: string): [number, number] {
    const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
    const first = address.octets.reduce((n, o) => n * 256 + o, 0);
    return [first, first + 2 ** (32 - prefix) - 1];
}

function assertDisjointInside(vpcCidr: string, cidrs: string[]) {
    const [vpcFirst, vpcLast] = range(vpcCidr);
    const ranges = cidrs.map(range).sort((a, b) => a[0] - b[0]);
    for (const [first, last] of ranges) assert.ok(first >= vpcFirst && last <= vpcLast, `${cidrs} inside ${vpcCidr}`);
    for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i][0] > ranges[i - 1][1], `no overlap in ${cidrs}`);
}

describe("carveSubnets", () => {
    it("carves /19 private and /22 public subnets from a /16", () => {
        assert.deepEqual(carveSubnets("10.0.0.0/16", 3), {
            privateCidrs: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
            publicCidrs: ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"],
        });
    });

    it("carves /23 private and /26 public subnets from a /20", () => {
        assert.deepEqual(carveSubnets("172.16.16.0/20", 3), {
            privateCidrs: ["172.16.16.0/23", "172.16.18.0/23", "172.16.20.0/23"],
            publicCidrs: ["172.16.30.0/26", "172.16.30.64/26", "172.16.30.128/26"],
        });
    });

    for (const cidr of ["10.0.0.0/16", "172.16.16.0/20", "192.168.4.0/22"]) {
        for (const azCount of [2, 3, 6]) {
            it(`keeps ${azCount} AZs of ${cidr} inside the VPC without overlap`, () => {
                const { privateCidrs, publicCidrs } = carveSubnets(cidr, azCount);
                assert.equal(privateCidrs.length, azCount);
                assert.equal(publicCidrs.length, azCount);
                assertDisjointInside(cidr, [...privateCidrs, ...publicCidrs]);
            });
        }
    }

    it("never renumbers existing AZs when one is added", () => {
        const three = carveSubnets("10.0.0.0/16", 3);
        const four = carveSubnets("10.0.0.0/16", 4);
        assert.deepEqual(four.privateCidrs.slice(0, 3), three.privateCidrs);
        assert.deepEqual(four.publicCidrs.slice(0, 3), three.publicCidrs);
    });

    it("gives a /22 VPC /28 public subnets, the smallest AWS allows", () => {
        assert.deepEqual(carveSubnets("192.168.4.0/22", 2).publicCidrs, ["192.168.7.128/28", "192.168.7.144/28"]);
    });
});

describe("subnetLayoutError", () => {
    it("accepts /16 to /22 network addresses", () => {
        for (const cidr of ["10.0.0.0/16", "10.1.0.0/20", "10.1.4.0/22"]) assert.equal(subnetLayoutError(cidr, 3), undefined);
    });
    it("rejects what is not an IPv4 CIDR", () => {
        for (const cidr of ["banana", "10.0.0.0", "10.0.0.256/16", "2001:db8::/48", "10.0.0.0/33"]) {
            assert.equal(subnetLayoutError(cidr, 3), "must be an IPv4 CIDR block like 10.0.0.0/16", cidr);
        }
    });
    it("rejects blocks too large or too small to carve", () => {
        assert.equal(subnetLayoutError("10.0.0.0/15", 3), "must be /16 to /22 to carve 3 private and 3 public subnets");
        assert.equal(subnetLayoutError("10.0.0.0/24", 3), "must be /16 to /22 to carve 3 private and 3 public subnets");
    });
    it("rejects an address with host bits set, naming the network address", () => {
        assert.equal(subnetLayoutError("10.0.1.0/16", 3), "is not a network address: the /16 block starting there is 10.0.0.0/16");
    });
});
