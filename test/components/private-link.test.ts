import { describe, expect, it } from "vitest";
import { PrivateDnsZones, privateDnsZoneNames } from "../../components/private-dns-zones";
import { PrivateEndpoint } from "../../components/private-endpoint";
import { unwrap } from "../support/pulumi-mocks";
import { countByType, named, record } from "./helpers";

const VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet";

describe("PrivateDnsZones", () => {
  it("creates the four Private Link zones in privatedns, each linked to the VNet without auto-registration", async () => {
    const { result, resources } = await record(
      () => new PrivateDnsZones("dns", { resourceGroupName: "rg", virtualNetworkId: VNET, tags: { env: "test" } }),
    );
    expect(countByType(resources)).toEqual({
      "ai-platform:network:PrivateDnsZones": 1,
      "azure-native:privatedns:PrivateZone": 4,
      "azure-native:privatedns:VirtualNetworkLink": 4,
    });
    expect(privateDnsZoneNames).toEqual({
      cosmos: "privatelink.documents.azure.com",
      blob: "privatelink.blob.core.windows.net",
      registry: "privatelink.azurecr.io",
      keyVault: "privatelink.vaultcore.azure.net",
    });
    for (const [service, zoneName] of Object.entries(privateDnsZoneNames)) {
      const zone = named(resources, "azure-native:privatedns:PrivateZone", `dns-${service}`);
      expect(zone.inputs).toEqual({
        resourceGroupName: "rg",
        privateZoneName: zoneName,
        location: "global",
        tags: { env: "test" },
      });
      expect(named(resources, "azure-native:privatedns:VirtualNetworkLink", `dns-${service}-link`).inputs).toEqual({
        resourceGroupName: "rg",
        privateZoneName: zoneName,
        virtualNetwork: { id: VNET },
        registrationEnabled: false,
        location: "global",
        tags: { env: "test" },
      });
      expect(await unwrap(result.zoneIds[service as keyof typeof privateDnsZoneNames])).toBe(zone.state.id);
    }
  });
});

describe("PrivateEndpoint", () => {
  it("creates one endpoint with one automatic connection and exactly one zone group named default", async () => {
    const { result, resources } = await record(
      () =>
        new PrivateEndpoint("cosmos", {
          resourceGroupName: "rg",
          location: "westeurope",
          subnetId: "subnet-id",
          privateDnsZoneId: "zone-id",
          privateLinkServiceId: "account-id",
          groupId: "Sql",
          tags: { env: "test" },
        }),
    );
    expect(countByType(resources)).toEqual({
      "ai-platform:network:PrivateEndpoint": 1,
      "azure-native:network:PrivateEndpoint": 1,
      "azure-native:network:PrivateDnsZoneGroup": 1,
    });
    expect(named(resources, "azure-native:network:PrivateEndpoint", "cosmos-pe").inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      // The SDK fills in subnet defaults; ARM reads only the id of a referenced subnet.
      subnet: {
        id: "subnet-id",
        privateEndpointNetworkPolicies: "Disabled",
        privateLinkServiceNetworkPolicies: "Enabled",
      },
      privateLinkServiceConnections: [{ name: "cosmos-Sql", privateLinkServiceId: "account-id", groupIds: ["Sql"] }],
      tags: { env: "test" },
    });
    expect(named(resources, "azure-native:network:PrivateDnsZoneGroup", "cosmos-dns").inputs).toEqual({
      resourceGroupName: "rg",
      privateEndpointName: "cosmos-pe",
      privateDnsZoneGroupName: "default",
      privateDnsZoneConfigs: [{ name: "Sql", privateDnsZoneId: "zone-id" }],
    });
    expect(await unwrap(result.privateEndpointName)).toBe("cosmos-pe");
  });
});
