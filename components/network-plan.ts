/**
 * The platform's address plan: which subnets exist, their default prefixes, and the checks that a plan
 * fits its VNet. Pure: no Pulumi imports, so the checks run before any resource is declared.
 */

/**
 * The platform's subnets: AKS system nodes, CPU and GPU user nodes, private endpoints, API-server VNet
 * integration, and build agents (an ACR Tasks agent pool or a self-hosted deployment runner inside the VNet).
 */
export type SubnetRole = "system" | "cpu" | "gpu" | "privateEndpoints" | "apiServer" | "agents";

/** Every subnet role, in creation order. */
export const subnetRoles: readonly SubnetRole[] = ["system", "cpu", "gpu", "privateEndpoints", "apiServer", "agents"];

/** The VNet address space when none is given. */
export const defaultAddressSpace = "10.20.0.0/16";

/**
 * Where each subnet sits in the address space by default: offset from its first address and prefix length.
 * Node subnets are /22 (1,019 node IPs: Azure CNI overlay gives pods their own CIDR, so only nodes take VNet
 * addresses); the API-server subnet is the /28 AKS requires at minimum. The layout fits in a /20.
 */
const defaultLayout: Readonly<Record<SubnetRole, readonly [offset: number, bits: number]>> = {
  system: [0, 22],
  cpu: [4 * 256, 22],
  gpu: [8 * 256, 22],
  privateEndpoints: [12 * 256, 24],
  apiServer: [13 * 256, 28],
  agents: [14 * 256, 24],
};

/** Smallest address space the default layout fits in. */
const defaultLayoutBits = 20;

/** Smallest prefix length each subnet accepts: AKS API-server VNet integration needs at least a /28. */
const maxPrefixLength: Readonly<Record<SubnetRole, number>> = {
  system: 27,
  cpu: 27,
  gpu: 27,
  privateEndpoints: 28,
  apiServer: 28,
  agents: 28,
};

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

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/**
 * The default prefix of every subnet inside `addressSpace` (for 10.20.0.0/16: system 10.20.0.0/22, cpu
 * 10.20.4.0/22, gpu 10.20.8.0/22, privateEndpoints 10.20.12.0/24, apiServer 10.20.13.0/28, agents 10.20.14.0/24).
 * `undefined` when the space is not a CIDR or is smaller than a /20.
 */
export function defaultSubnetPrefixes(
  addressSpace: string = defaultAddressSpace,
): Record<SubnetRole, string> | undefined {
  const space = parseCidr(addressSpace);
  if (space === undefined || space.bits > defaultLayoutBits) return undefined;
  const prefixes = {} as Record<SubnetRole, string>;
  for (const role of subnetRoles) {
    const [offset, bits] = defaultLayout[role];
    prefixes[role] = `${formatAddress(space.first + offset)}/${bits}`;
  }
  return prefixes;
}

/** The resolved plan: the address space and one prefix per subnet. */
export interface NetworkPlan {
  readonly addressSpace: string;
  readonly subnetPrefixes: Readonly<Record<SubnetRole, string>>;
}

/**
 * Merges overrides into the defaults for the address space and checks the result: every prefix is a canonical
 * IPv4 CIDR inside the address space, large enough for its role, and overlapping no other. Throws one error
 * naming every bad field.
 */
export function resolveNetworkPlan(
  addressSpace?: string,
  overrides?: Partial<Record<SubnetRole, string>>,
): NetworkPlan {
  const space = addressSpace ?? defaultAddressSpace;
  const errors: string[] = [];
  const vnet = parseCidr(space);
  if (vnet === undefined) errors.push(`addressSpace ("${space}") is not an IPv4 CIDR such as 10.20.0.0/16`);
  const defaults = defaultSubnetPrefixes(space);
  const missing = subnetRoles.filter((role) => overrides?.[role] === undefined);
  if (vnet !== undefined && defaults === undefined && missing.length > 0) {
    errors.push(
      `addressSpace (${space}) is smaller than /${defaultLayoutBits}: give subnetPrefixes.${missing.join(", subnetPrefixes.")}`,
    );
  }
  if (errors.length > 0) throw new Error(`Network: ${errors.join("; ")}`);
  const prefixes = { ...defaults, ...overrides } as Record<SubnetRole, string>;

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
