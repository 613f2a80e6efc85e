/**
 * The platform's spoke network: a VNet with subnets for AKS system nodes, CPU and GPU user nodes, private
 * endpoints, API-server VNet integration and build agents, one NSG per subnet, and egress through a NAT gateway.
 */
import * as network from "@pulumi/azure-native/network";
import type * as types from "@pulumi/azure-native/types";
import * as pulumi from "@pulumi/pulumi";
import { resolveNetworkPlan, subnetRoles, type SubnetRole } from "./network-plan";
import { addDiagnosticSetting, type DiagnosticSettings } from "./shared/diagnostic-settings";
import { addLock, type Lock } from "./shared/lock";
import type { PlacementArgs } from "./shared/placement";
import { assignRoles, type RoleAssignment } from "./shared/role-assignments";

/** Arguments of {@link Network}. */
export interface NetworkArgs extends PlacementArgs {
  /** VNet address space. Defaults to `10.20.0.0/16`; choose a range that does not overlap peered networks. */
  addressSpace?: string;
  /**
   * Prefix per subnet, merged over defaults laid out in `addressSpace` (for 10.20.0.0/16: `system` 10.20.0.0/22,
   * `cpu` 10.20.4.0/22, `gpu` 10.20.8.0/22, `privateEndpoints` 10.20.12.0/24, `apiServer` 10.20.13.0/28,
   * `agents` 10.20.14.0/24). Each must lie in `addressSpace` and overlap no other; an address space smaller
   * than a /20 needs every prefix given.
   */
  subnetPrefixes?: Partial<Record<SubnetRole, string>>;
  /**
   * Availability zone of the NAT gateway. A Standard NAT gateway is zonal: it survives only the loss of other
   * zones (zone-redundant NAT needs the StandardV2 SKU, not in this provider's network API). When set, the
   * egress IP is zone-redundant (zones 1-3), which a zonal gateway accepts, so the address outlives any one
   * zone. Defaults to none: Azure places a "no-zone" gateway, whose zone nobody can tell, and a no-zone IP.
   */
  natGatewayZone?: "1" | "2" | "3";
  /** NAT gateway idle timeout in minutes. Defaults to 4 (Azure's default); raise it for long idle connections. */
  natIdleTimeoutMinutes?: number;
  /** Diagnostic settings on the VNet (`allLogs` + `AllMetrics`). Defaults to none. */
  diagnosticSettings?: DiagnosticSettings;
  /** Management lock on the VNet. Defaults to none. */
  lock?: Lock;
  /** RBAC grants on the VNet. Defaults to none. */
  roleAssignments?: readonly RoleAssignment[];
}

/**
 * Every NSG denies RDP and SSH towards the VNet, ahead of Azure's AllowVnetOutBound: nothing in the platform
 * administers hosts that way (AKS nodes are reached through the API server), so a compromised node or pod
 * cannot move laterally over them.
 */
export const denyLateralManagement: types.input.network.SecurityRuleArgs = {
  name: "deny-lateral-rdp-ssh",
  priority: 4000,
  direction: "Outbound",
  access: "Deny",
  protocol: "Tcp",
  sourceAddressPrefix: "*",
  sourcePortRange: "*",
  destinationAddressPrefix: "VirtualNetwork",
  destinationPortRanges: ["22", "3389"],
  description: "No RDP or SSH between hosts of the virtual network (lateral movement).",
};

/** Subnets whose egress goes through the NAT gateway: nodes and build agents (they pull base images). */
const natSubnets: ReadonlySet<SubnetRole> = new Set<SubnetRole>(["system", "cpu", "gpu", "agents"]);

/**
 * A VNet whose subnets are separate `network.Subnet` resources (never also inline in the VNet, which makes
 * updates delete them: pulumi-azure-native#611), created one after another because Azure rejects
 * concurrent writes to subnets of one VNet (`AnotherOperationInProgress`).
 */
export class Network extends pulumi.ComponentResource {
  /** Resource id of the VNet. */
  readonly vnetId: pulumi.Output<string>;
  /** Name of the VNet. */
  readonly vnetName: pulumi.Output<string>;
  /** Resource id of each subnet, by role. */
  readonly subnetIds: Record<SubnetRole, pulumi.Output<string>>;
  /** Resource id of each subnet's NSG, by role. */
  readonly nsgIds: Record<SubnetRole, pulumi.Output<string>>;
  /** Resource id of the NAT gateway. */
  readonly natGatewayId: pulumi.Output<string>;
  /** The public IP address every node egresses from (allow-list it at partners). */
  readonly egressIpAddress: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:network:Network", name, {}, opts);
    const plan = resolveNetworkPlan(args.addressSpace, args.subnetPrefixes);
    const placement = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };

    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      { ...placement, addressSpace: { addressPrefixes: [plan.addressSpace] } },
      { parent: this },
    );

    const egressIp = new network.PublicIPAddress(
      `${name}-egress-ip`,
      {
        ...placement,
        sku: { name: "Standard", tier: "Regional" },
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
        ...(args.natGatewayZone === undefined ? {} : { zones: ["1", "2", "3"] }),
      },
      { parent: this },
    );
    const natGateway = new network.NatGateway(
      `${name}-nat`,
      {
        ...placement,
        sku: { name: "Standard" },
        idleTimeoutInMinutes: args.natIdleTimeoutMinutes ?? 4,
        ...(args.natGatewayZone === undefined ? {} : { zones: [args.natGatewayZone] }),
        publicIpAddresses: [{ id: egressIp.id }],
      },
      { parent: this },
    );

    const subnetIds = {} as Record<SubnetRole, pulumi.Output<string>>;
    const nsgIds = {} as Record<SubnetRole, pulumi.Output<string>>;
    let previous: network.Subnet | undefined;
    for (const role of subnetRoles) {
      // Azure's default rules deny inbound from the internet and allow the VNet; listing the rules inline
      // removes out-of-band ones.
      const nsg = new network.NetworkSecurityGroup(
        `${name}-${role}-nsg`,
        { ...placement, securityRules: [denyLateralManagement] },
        { parent: this },
      );
      const subnet: network.Subnet = new network.Subnet(
        `${name}-${role}`,
        {
          resourceGroupName: args.resourceGroupName,
          virtualNetworkName: vnet.name,
          subnetName: role,
          addressPrefix: plan.subnetPrefixes[role],
          // No implicit internet egress: nodes and agents leave through the NAT gateway, other subnets not at all.
          defaultOutboundAccess: false,
          networkSecurityGroup: { id: nsg.id },
          natGateway: natSubnets.has(role) ? { id: natGateway.id } : undefined,
          // NSGs and route tables apply to private endpoints too.
          privateEndpointNetworkPolicies: "Enabled",
          privateLinkServiceNetworkPolicies: "Enabled",
          delegations:
            role === "apiServer"
              ? [{ name: "aks-api-server", serviceName: "Microsoft.ContainerService/managedClusters" }]
              : [],
        },
        { parent: this, dependsOn: previous === undefined ? [] : [previous] },
      );
      previous = subnet;
      subnetIds[role] = subnet.id;
      nsgIds[role] = nsg.id;
    }

    addDiagnosticSetting(
      name,
      vnet.id,
      args.diagnosticSettings,
      { logs: "allLogs", metrics: true, dedicated: false },
      this,
    );
    addLock(name, vnet.id, args.lock, this);
    assignRoles(name, vnet.id, args.roleAssignments, this);

    this.vnetId = vnet.id;
    this.vnetName = vnet.name;
    this.subnetIds = subnetIds;
    this.nsgIds = nsgIds;
    this.natGatewayId = natGateway.id;
    this.egressIpAddress = egressIp.ipAddress.apply((ip) => ip ?? "");
    this.registerOutputs({
      vnetId: this.vnetId,
      vnetName: this.vnetName,
      subnetIds: this.subnetIds,
      nsgIds: this.nsgIds,
      natGatewayId: this.natGatewayId,
      egressIpAddress: this.egressIpAddress,
    });
  }
}
