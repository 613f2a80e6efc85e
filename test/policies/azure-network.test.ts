/** Network rules from PSRule for Azure: NSG rule sets, subnets, public IPs. */
import { describe, expect, it } from "vitest";
import { mutate, rule, runRule, UNKNOWN } from "../support/policy-harness";
import { compliant } from "./fixtures";
import { mutationCases, unknownCases, type Mutation } from "./mutations";

const NSG = "azure-native:network:NetworkSecurityGroup";
const SUBNET = "azure-native:network:Subnet";
const VNET = "azure-native:network:VirtualNetwork";
const PIP = "azure-native:network:PublicIPAddress";

const problems = (violations: string[]) => violations.map((m) => m.slice(0, m.indexOf(" Fix: ")));
const rules = (nsg: Record<string, unknown>[]) => mutate(compliant[NSG]!, "securityRules", nsg);
const outbound = (over: Record<string, unknown>) => ({
  name: "r",
  priority: 200,
  direction: "Outbound",
  protocol: "Tcp",
  sourceAddressPrefix: "*",
  sourcePortRange: "*",
  destinationAddressPrefix: "VirtualNetwork",
  ...over,
});

describe("NSG rules", () => {
  mutationCases([
    [
      "azure-nsg-lateral-traversal",
      NSG,
      "securityRules[0].destinationPortRanges",
      ["3389"],
      "no outbound rule denies SSH (22) to VirtualNetwork.",
    ],
    [
      "azure-nsg-no-any-inbound-source",
      NSG,
      "securityRules[1].sourceAddressPrefix",
      "*",
      "rule allow-load-balancer (priority 110) allows inbound traffic from any source.",
    ],
    [
      "azure-nsg-no-any-inbound-source",
      NSG,
      "securityRules[1].sourceAddressPrefix",
      "Internet",
      "rule allow-load-balancer (priority 110) allows inbound traffic from any source.",
    ],
  ] satisfies Mutation[]);

  it("azure-nsg-lateral-traversal: no rules (Azure's AllowVnetOutBound) fails for both ports", async () => {
    expect(problems((await runRule(rule("azure-nsg-lateral-traversal"), NSG, rules([]))).violations)).toEqual([
      "no outbound rule denies RDP (3389) to VirtualNetwork.",
      "no outbound rule denies SSH (22) to VirtualNetwork.",
    ]);
  });

  it("azure-nsg-lateral-traversal: evaluates in priority order, with port ranges and wildcards", async () => {
    const r = rule("azure-nsg-lateral-traversal");
    const allowFirst = rules([
      outbound({ name: "deny", priority: 300, access: "Deny", destinationPortRanges: ["22", "3389"] }),
      outbound({ name: "allow-ssh", priority: 100, access: "Allow", destinationPortRange: "22" }),
    ]);
    expect(problems((await runRule(r, NSG, allowFirst)).violations)).toEqual([
      "no outbound rule denies SSH (22) to VirtualNetwork before rule allow-ssh allows it.",
    ]);
    const ranges = rules([
      outbound({ access: "Deny", destinationPortRange: "20-3390", destinationAddressPrefix: "*" }),
    ]);
    expect((await runRule(r, NSG, ranges)).violations).toEqual([]);
    const udpOnly = rules([outbound({ access: "Deny", protocol: "Udp", destinationPortRange: "*" })]);
    expect((await runRule(r, NSG, udpOnly)).violations).toHaveLength(2);
  });

  it("azure-nsg-no-deny-all-inbound: a first inbound deny-all fails, a later one passes", async () => {
    const r = rule("azure-nsg-no-deny-all-inbound");
    const denyAll = {
      name: "deny-all",
      direction: "Inbound",
      access: "Deny",
      protocol: "*",
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "*",
    };
    const lb = (compliant[NSG]!.securityRules as Record<string, unknown>[])[1]!;
    expect(problems((await runRule(r, NSG, rules([{ ...denyAll, priority: 100 }, lb]))).violations)).toEqual([
      "rule deny-all (priority 100) is the first inbound rule and denies every source.",
    ]);
    expect((await runRule(r, NSG, rules([{ ...denyAll, priority: 4000 }, lb]))).violations).toEqual([]);
  });

  mutationCases([
    [
      "azure-nsg-no-deny-all-inbound",
      NSG,
      "securityRules[1]",
      {
        name: "deny-everything",
        priority: 110,
        direction: "Inbound",
        access: "Deny",
        protocol: "*",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
      },
      "rule deny-everything (priority 110) is the first inbound rule and denies every source.",
    ],
    [
      "azure-vnet-subnet-nsg",
      SUBNET,
      "networkSecurityGroup",
      undefined,
      "the subnet (nodes) has no network security group.",
    ],
  ] satisfies Mutation[]);

  unknownCases([
    ["azure-nsg-lateral-traversal", NSG, "securityRules[0].access"],
    ["azure-nsg-no-any-inbound-source", NSG, "securityRules[1].access"],
  ]);
});

describe("subnet rules", () => {
  mutationCases([
    ["azure-vnet-private-subnet", SUBNET, "defaultOutboundAccess", true, "defaultOutboundAccess is true (nodes)."],
    [
      "azure-vnet-private-subnet",
      SUBNET,
      "defaultOutboundAccess",
      undefined,
      "defaultOutboundAccess is unset (nodes).",
    ],
    [
      "azure-vnet-private-subnet",
      VNET,
      "subnets[0].defaultOutboundAccess",
      undefined,
      "subnets[0].defaultOutboundAccess is unset (nodes).",
    ],
  ] satisfies Mutation[]);

  it("azure-vnet-subnet-nsg: a subnet without an NSG fails, inline or separate; gateway subnets are skipped", async () => {
    const r = rule("azure-vnet-subnet-nsg");
    const bare = mutate(compliant[SUBNET]!, "networkSecurityGroup", undefined);
    expect(problems((await runRule(r, SUBNET, bare)).violations)).toEqual([
      "the subnet (nodes) has no network security group.",
    ]);
    const inline = mutate(compliant[VNET]!, "subnets[0].networkSecurityGroup", undefined);
    expect(problems((await runRule(r, VNET, inline)).violations)).toEqual([
      "subnets[0] (nodes) has no network security group.",
    ]);
    const gateway = mutate(bare, "subnetName", "GatewaySubnet");
    expect((await runRule(r, SUBNET, gateway)).violations).toEqual([]);
  });

  it("azure-vnet-subnet-nsg: an NSG id unknown at preview counts as set (the rule still runs)", async () => {
    const preview = mutate(compliant[SUBNET]!, "networkSecurityGroup.id", UNKNOWN.string);
    expect(await runRule(rule("azure-vnet-subnet-nsg"), SUBNET, preview)).toEqual({
      violations: [],
      notApplicable: [],
      unknown: [],
    });
  });
});

describe("public IP rules", () => {
  mutationCases([
    ["azure-public-ip-standard-sku", PIP, "sku", undefined, 'sku.name is unset (service default "Basic").'],
    ["azure-public-ip-standard-sku", PIP, "sku.name", "Basic", 'sku.name is "Basic" (service default "Basic").'],
    ["azure-public-ip-zone-redundant", PIP, "zones", ["1"], 'zones is ["1"], not all of 1, 2 and 3.'],
    ["azure-public-ip-zone-redundant", PIP, "zones", undefined, "zones is unset, not all of 1, 2 and 3."],
  ] satisfies Mutation[]);

  it("azure-public-ip-zone-redundant: skips Basic and Global addresses (zones do not apply)", async () => {
    const r = rule("azure-public-ip-zone-redundant");
    const basic = mutate(mutate(compliant[PIP]!, "sku.name", "Basic"), "zones", undefined);
    expect((await runRule(r, PIP, basic)).violations).toEqual([]);
    const global = mutate(mutate(compliant[PIP]!, "sku.tier", "Global"), "zones", undefined);
    expect((await runRule(r, PIP, global)).violations).toEqual([]);
  });
});
