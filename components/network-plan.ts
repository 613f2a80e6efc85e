/**
 * The platform's address plan: which subnets exist, their default prefixes, and the checks that a plan
 * fits its VNet. Pure: no Pulumi imports, so the checks run before any resource is declared.
 */

/** The platform's subnets. */
export type SubnetRole = "system" | "cpu" | "gpu" | "privateEndpoints" | "apiServer";

/** Every subnet role, in creation order. */
export const subnetRoles: readonly SubnetRole[] = ["system", "cpu", "gpu", "privateEndpoints", "apiServer"];

/** The VNet address space when none is given. */
export const defaultAddressSpace = "10.20.0.0/16";

/**
 * Subnet prefixes when none are given. Node subnets are /22 (1,019 node IPs: Azure CNI overlay gives pods
 * their own CIDR, so only nodes take VNet addresses); the API-server subnet is the /28 AKS requires at minimum.
 */
export const defaultSubnetPrefixes: Readonly<Record<SubnetRole, string>> = {
  system: "10.20.0.0/22",
  cpu: "10.20.4.0/22",
  gpu: "10.20.8.0/22",
  privateEndpoints: "10.20.12.0/24",
  apiServer: "10.20.13.0/28",
};

/** Smallest prefix length each subnet accepts: AKS API-server VNet integration needs at least a /28. */
const maxPrefixLength: Readonly<Record<SubnetRole, number>> = { system: 27, cpu: 27, gpu: 27, privateEndpoints: 28, apiServer: 28 };

/** An IPv4 CIDR as a numeric range. */
interface Range {
  readonly first: number;
  readonly last: number;
  readonly bits: number;
}

/** Parses `a.b.c.d/n`; `undefined` when it is not a canonical IPv4 CIDR (host bits set count as invalid). */
export function parseCidr(cidr: string): Range | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (m === null) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  if (address % size !== 0) return undefined;
  return { first: address, last: address + size - 1, bits };
}

/** The resolved plan: the address space and one prefix per subnet. */
export interface NetworkPlan {
  readonly addressSpace: string;
  readonly subnetPrefixes: Readonly<Record<SubnetRole, string>>;
}

/**
 * Merges overrides into the defaults and checks the result: every prefix is a canonical IPv4 CIDR inside the
 * address space, large enough for its role, and overlapping no other. Throws one error naming every bad field.
 */
export function resolveNetworkPlan(addressSpace?: string, overrides?: Partial<Record<SubnetRole, string>>): NetworkPlan {
  const space = addressSpace ?? defaultAddressSpace;
  const prefixes = { ...defaultSubnetPrefixes, ...overrides } as Record<SubnetRole, string>;
  const errors: string[] = [];
  const vnet = parseCidr(space);
  if (vnet === undefined) errors.push(`addressSpace ("${space}") is not an IPv4 CIDR such as 10.20.0.0/16`);

  const ranges: [SubnetRole, Range][] = [];
  for (const role of subnetRoles) {
    const prefix = prefixes[role];
    const range = parseCidr(prefix);
    if (range === undefined) {
      errors.push(`subnetPrefixes.${role} ("${prefix}") is not an IPv4 CIDR such as 10.20.0.0/24`);
      continue;
    }
    if (range.bits > maxPrefixLength[role]) {
      errors.push(`subnetPrefixes.${role} (${prefix}) is smaller than /${maxPrefixLength[role]}`);
    }
    if (vnet !== undefined && (range.first < vnet.first || range.last > vnet.last)) {
      errors.push(`subnetPrefixes.${role} (${prefix}) is outside addressSpace (${space})`);
    }
    for (const [other, otherRange] of ranges) {
      if (range.first <= otherRange.last && otherRange.first <= range.last) {
        errors.push(`subnetPrefixes.${role} (${prefix}) overlaps subnetPrefixes.${other} (${prefixes[other]})`);
      }
    }
    ranges.push([role, range]);
  }
  if (errors.length > 0) throw new Error(`Network: ${errors.join("; ")}`);
  return { addressSpace: space, subnetPrefixes: prefixes };
}
