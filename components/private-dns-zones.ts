/**
 * The private DNS zones the platform's private endpoints register in, each linked to the VNet so that
 * workloads resolve service names to private addresses. In azure-native v3 these live in `privatedns`
 * (the `network` module no longer has `PrivateZone`).
 */
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";

/** Private Link zone names by service (https://learn.microsoft.com/azure/private-link/private-endpoint-dns). */
export const privateDnsZoneNames = {
  /** Cosmos DB for NoSQL, group id `Sql`. */
  cosmos: "privatelink.documents.azure.com",
  /** Blob storage, group id `blob`. */
  blob: "privatelink.blob.core.windows.net",
  /** Container Registry, group id `registry` (the zone group also writes the regional data endpoints). */
  registry: "privatelink.azurecr.io",
  /** Key Vault, group id `vault`. */
  keyVault: "privatelink.vaultcore.azure.net",
} as const;

/** A service with a private DNS zone. */
export type PrivateDnsZoneService = keyof typeof privateDnsZoneNames;

/** Arguments of {@link PrivateDnsZones}. */
export interface PrivateDnsZonesArgs {
  /** Resource group that holds the zones. */
  resourceGroupName: pulumi.Input<string>;
  /** VNet the zones are linked to (the `Network` component's `vnetId`). */
  virtualNetworkId: pulumi.Input<string>;
  /** Tags on the zones and links. Defaults to none. */
  tags?: Readonly<Record<string, string>>;
}

/** The private DNS zones for Cosmos DB, Blob, ACR and Key Vault, linked to one VNet without auto-registration. */
export class PrivateDnsZones extends pulumi.ComponentResource {
  /** Resource id of each zone, by service. */
  readonly zoneIds: Record<PrivateDnsZoneService, pulumi.Output<string>>;

  constructor(name: string, args: PrivateDnsZonesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:network:PrivateDnsZones", name, {}, opts);

    const zoneIds = {} as Record<PrivateDnsZoneService, pulumi.Output<string>>;
    for (const [service, zoneName] of Object.entries(privateDnsZoneNames) as [PrivateDnsZoneService, string][]) {
      const zone = new privatedns.PrivateZone(
        `${name}-${service}`,
        { resourceGroupName: args.resourceGroupName, privateZoneName: zoneName, location: "global", tags: args.tags },
        { parent: this },
      );
      new privatedns.VirtualNetworkLink(
        `${name}-${service}-link`,
        {
          resourceGroupName: args.resourceGroupName,
          privateZoneName: zone.name,
          virtualNetwork: { id: args.virtualNetworkId },
          // Endpoints register through their zone groups; VM auto-registration would mix node records in.
          registrationEnabled: false,
          location: "global",
          tags: args.tags,
        },
        { parent: this },
      );
      zoneIds[service] = zone.id;
    }

    this.zoneIds = zoneIds;
    this.registerOutputs({ zoneIds: this.zoneIds });
  }
}
