import { describe, expect, it } from "vitest";
import { denyLateralManagement, Network, type NetworkArgs } from "../../components/network";
import { defaultSubnetPrefixes, parseCidr, resolveNetworkPlan } from "../../components/network-plan";

const defaults = defaultSubnetPrefixes()!;
import { unwrap } from "../support/pulumi-mocks";
import { countByType, diffRuns, memoize, named, ofType, record } from "./helpers";

const base: NetworkArgs = { resourceGroupName: "rg", location: "westeurope", tags: { env: "test" } };
const construct = (args: Partial<NetworkArgs> = {}) => record(() => new Network("net", { ...base, ...args }));
const build = memoize(construct);

describe("Network", () => {
  it("creates a VNet, six subnets with an NSG each, and a NAT gateway with one static IP", async () => {
    const { resources } = await build();
    expect(countByType(resources)).toEqual({
      "ai-platform:network:Network": 1,
      "azure-native:network:VirtualNetwork": 1,
      "azure-native:network:PublicIPAddress": 1,
      "azure-native:network:NatGateway": 1,
      "azure-native:network:NetworkSecurityGroup": 6,
      "azure-native:network:Subnet": 6,
    });
    expect(named(resources, "azure-native:network:VirtualNetwork", "net-vnet").inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      addressSpace: { addressPrefixes: ["10.20.0.0/16"] },
      // Defaults the SDK fills in.
      enableDdosProtection: false,
      enableVmProtection: false,
    });
    expect(named(resources, "azure-native:network:PublicIPAddress", "net-egress-ip").inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      sku: { name: "Standard", tier: "Regional" },
      publicIPAllocationMethod: "Static",
      publicIPAddressVersion: "IPv4",
    });
    const ip = named(resources, "azure-native:network:PublicIPAddress", "net-egress-ip");
    expect(named(resources, "azure-native:network:NatGateway", "net-nat").inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      sku: { name: "Standard" },
      idleTimeoutInMinutes: 4,
      publicIpAddresses: [{ id: ip.state.id }],
    });
  });

  it("closes default outbound access on every subnet, routes node and agent subnets through NAT and delegates the API-server subnet", async () => {
    const { resources } = await build();
    const nat = named(resources, "azure-native:network:NatGateway", "net-nat").state.id;
    for (const role of ["system", "cpu", "gpu", "privateEndpoints", "apiServer", "agents"] as const) {
      const nsg = named(resources, "azure-native:network:NetworkSecurityGroup", `net-${role}-nsg`);
      expect(nsg.inputs.securityRules).toEqual([denyLateralManagement]);
      expect(named(resources, "azure-native:network:Subnet", `net-${role}`).inputs).toEqual({
        resourceGroupName: "rg",
        virtualNetworkName: "net-vnet",
        subnetName: role,
        addressPrefix: defaults[role],
        defaultOutboundAccess: false,
        networkSecurityGroup: { id: nsg.state.id },
        ...(["system", "cpu", "gpu", "agents"].includes(role) ? { natGateway: { id: nat } } : {}),
        privateEndpointNetworkPolicies: "Enabled",
        privateLinkServiceNetworkPolicies: "Enabled",
        delegations:
          role === "apiServer"
            ? [{ name: "aks-api-server", serviceName: "Microsoft.ContainerService/managedClusters" }]
            : [],
      });
    }
  });

  it("denies outbound RDP and SSH to the VNet on every NSG, ahead of Azure's AllowVnetOutBound", () => {
    expect(denyLateralManagement).toEqual({
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
    });
  });

  it("pins a zonal NAT gateway and keeps its egress IP zone-redundant (zones 1-3)", async () => {
    const { resources } = await construct({ natGatewayZone: "2" });
    expect(named(resources, "azure-native:network:NatGateway", "net-nat").inputs.zones).toEqual(["2"]);
    expect(named(resources, "azure-native:network:PublicIPAddress", "net-egress-ip").inputs.zones).toEqual([
      "1",
      "2",
      "3",
    ]);
  });

  it("defines subnets one way only: none inline in the VNet", async () => {
    const { resources } = await build();
    expect(named(resources, "azure-native:network:VirtualNetwork", "net-vnet").inputs.subnets).toBeUndefined();
  });

  it("exposes subnet ids by role", async () => {
    const { result, resources } = await build();
    expect(await unwrap(result.subnetIds.gpu)).toBe(
      named(resources, "azure-native:network:Subnet", "net-gpu").state.id,
    );
    expect(await unwrap(result.vnetId)).toBe(
      named(resources, "azure-native:network:VirtualNetwork", "net-vnet").state.id,
    );
  });

  it("lays the default subnets out in the address space it is given, and changes nothing else", async () => {
    const before = await build();
    const after = await build({ addressSpace: "10.30.0.0/16" });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "azure-native:network:Subnet::net-agents.addressPrefix",
      "azure-native:network:Subnet::net-apiServer.addressPrefix",
      "azure-native:network:Subnet::net-cpu.addressPrefix",
      "azure-native:network:Subnet::net-gpu.addressPrefix",
      "azure-native:network:Subnet::net-privateEndpoints.addressPrefix",
      "azure-native:network:Subnet::net-system.addressPrefix",
      "azure-native:network:VirtualNetwork::net-vnet.addressSpace.addressPrefixes",
    ]);
    expect(named(after.resources, "azure-native:network:Subnet", "net-gpu").inputs.addressPrefix).toBe("10.30.8.0/22");
  });

  it("subnetPrefixes overrides exactly the subnets it names", async () => {
    const before = await build();
    const after = await build({ subnetPrefixes: { agents: "10.20.200.0/24" } });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "azure-native:network:Subnet::net-agents.addressPrefix",
    ]);
  });

  it("natIdleTimeoutMinutes changes exactly the NAT gateway's idle timeout", async () => {
    const before = await build();
    const after = await build({ natIdleTimeoutMinutes: 10 });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "azure-native:network:NatGateway::net-nat.idleTimeoutInMinutes",
    ]);
  });

  it("adds diagnostics, a lock and role assignments on the VNet only when asked", async () => {
    const before = await build();
    const after = await build({
      diagnosticSettings: { workspaceId: "ws-id" },
      lock: { kind: "CanNotDelete" },
      roleAssignments: [{ roleDefinitionIdOrName: "Network Contributor", principalId: "p" }],
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "+azure-native:authorization:ManagementLockByScope::net-lock",
      "+azure-native:authorization:RoleAssignment::net-role-0",
      "+azure-native:monitor:DiagnosticSetting::net-diagnostics",
    ]);
    const vnetId = named(after.resources, "azure-native:network:VirtualNetwork", "net-vnet").state.id;
    expect(named(after.resources, "azure-native:monitor:DiagnosticSetting", "net-diagnostics").inputs).toEqual({
      name: "net-diagnostics",
      resourceUri: vnetId,
      workspaceId: "ws-id",
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
    expect(named(after.resources, "azure-native:authorization:ManagementLockByScope", "net-lock").inputs.scope).toBe(
      vnetId,
    );
    expect(named(after.resources, "azure-native:authorization:RoleAssignment", "net-role-0").inputs.scope).toBe(vnetId);
  });

  it("keeps role-assignment names stable across two runs", async () => {
    const args = { roleAssignments: [{ roleDefinitionIdOrName: "Reader", principalId: "p" }] };
    const names = async () =>
      ofType((await construct(args)).resources, "azure-native:authorization:RoleAssignment").map(
        (r) => r.inputs.roleAssignmentName,
      );
    expect(await names()).toEqual(await names());
  });

  it("rejects a bad plan before declaring any child", async () => {
    await expect(build({ subnetPrefixes: { gpu: "10.99.0.0/22" } })).rejects.toThrow(
      new Error("Network: subnetPrefixes.gpu (10.99.0.0/22) is outside addressSpace (10.20.0.0/16)"),
    );
  });
});

describe("resolveNetworkPlan", () => {
  it("lays the defaults out in the address space", () => {
    expect(resolveNetworkPlan()).toEqual({
      addressSpace: "10.20.0.0/16",
      subnetPrefixes: {
        system: "10.20.0.0/22",
        cpu: "10.20.4.0/22",
        gpu: "10.20.8.0/22",
        privateEndpoints: "10.20.12.0/24",
        apiServer: "10.20.13.0/28",
        agents: "10.20.14.0/24",
      },
    });
    expect(resolveNetworkPlan("172.16.16.0/20").subnetPrefixes).toEqual({
      system: "172.16.16.0/22",
      cpu: "172.16.20.0/22",
      gpu: "172.16.24.0/22",
      privateEndpoints: "172.16.28.0/24",
      apiServer: "172.16.29.0/28",
      agents: "172.16.30.0/24",
    });
  });

  it.each([
    [
      undefined,
      { apiServer: "10.20.13.0/29" },
      "Network: subnetPrefixes.apiServer (10.20.13.0/29) is smaller than /28",
    ],
    [
      undefined,
      { cpu: "10.20.2.0/23" },
      "Network: subnetPrefixes.cpu (10.20.2.0/23) overlaps subnetPrefixes.system (10.20.0.0/22)",
    ],
    [
      undefined,
      { gpu: "10.20.8.1/22" },
      'Network: subnetPrefixes.gpu ("10.20.8.1/22") is not an IPv4 CIDR such as 10.20.0.0/24',
    ],
    [
      undefined,
      { gpu: "10.99.0.0/22" },
      "Network: subnetPrefixes.gpu (10.99.0.0/22) is outside addressSpace (10.20.0.0/16)",
    ],
    ["10.20.0.0", undefined, 'Network: addressSpace ("10.20.0.0") is not an IPv4 CIDR such as 10.20.0.0/16'],
    [
      "10.40.0.0/24",
      { system: "10.40.0.0/27" },
      "Network: addressSpace (10.40.0.0/24) is smaller than /20: give subnetPrefixes.cpu, subnetPrefixes.gpu, subnetPrefixes.privateEndpoints, subnetPrefixes.apiServer, subnetPrefixes.agents",
    ],
    [
      "10.40.0.0/24",
      {
        system: "10.40.0.0/28",
        cpu: "10.40.0.16/28",
        gpu: "10.40.0.32/28",
        privateEndpoints: "10.40.0.48/29",
        apiServer: "10.40.0.64/28",
        agents: "10.40.0.80/28",
      },
      "Network: subnetPrefixes.system (10.40.0.0/28) is smaller than /27; subnetPrefixes.cpu (10.40.0.16/28) is smaller than /27; subnetPrefixes.gpu (10.40.0.32/28) is smaller than /27; subnetPrefixes.privateEndpoints (10.40.0.48/29) is smaller than /28",
    ],
  ])("rejects addressSpace %s with %j", (space, overrides, message) => {
    expect(() => resolveNetworkPlan(space, overrides)).toThrow(new Error(message));
  });

  it.each([
    ["10.0.0.0/8", { first: 167772160, last: 184549375, bits: 8 }],
    ["192.168.1.0/24", { first: 3232235776, last: 3232236031, bits: 24 }],
    ["256.0.0.0/8", undefined],
    ["10.0.0.0/33", undefined],
    ["10.0.0.1/24", undefined],
  ])("parseCidr(%s)", (cidr, expected) => {
    expect(parseCidr(cidr)).toEqual(expected);
  });
});
