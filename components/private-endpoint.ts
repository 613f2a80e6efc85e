/**
 * One private endpoint with exactly one DNS zone group: the Private Link building block every data-plane
 * component uses. Azure allows one zone group per endpoint ("Cannot create more than one private dns zone
 * groups", pulumi-azure-native#2179), so this component owns both.
 */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import type { PlacementArgs } from "./shared/placement";

/** The uniform `privateEndpoint` interface: where a component puts its private endpoint. */
export interface PrivateEndpointTarget {
  /** Subnet that hosts the endpoint's NIC (the `Network` component's `subnetIds.privateEndpoints`). */
  subnetId: pulumi.Input<string>;
  /** Private DNS zone the endpoint registers its A records in (from `PrivateDnsZones.zoneIds`). */
  privateDnsZoneId: pulumi.Input<string>;
}

/** Arguments of {@link PrivateEndpoint}. */
export interface PrivateEndpointArgs extends PlacementArgs, PrivateEndpointTarget {
  /** Resource id of the service to connect to (a Cosmos DB account, storage account, registry or vault). */
  privateLinkServiceId: pulumi.Input<string>;
  /**
   * The sub-resource to connect to: `Sql` (Cosmos DB NoSQL), `blob`, `registry` or `vault`.
   * Required: it decides which DNS records the zone group writes.
   */
  groupId: string;
}

/** A private endpoint to one service sub-resource, registered in one private DNS zone. */
export class PrivateEndpoint extends pulumi.ComponentResource {
  /** Resource id of the private endpoint. */
  readonly privateEndpointId: pulumi.Output<string>;
  /** Name of the private endpoint. */
  readonly privateEndpointName: pulumi.Output<string>;

  constructor(name: string, args: PrivateEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:network:PrivateEndpoint", name, {}, opts);

    const endpoint = new network.PrivateEndpoint(
      `${name}-pe`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        subnet: { id: args.subnetId },
        // Automatic approval: the deployer owns both sides, so no manual connection is needed.
        privateLinkServiceConnections: [
          {
            name: `${name}-${args.groupId}`,
            privateLinkServiceId: args.privateLinkServiceId,
            groupIds: [args.groupId],
          },
        ],
        tags: args.tags,
      },
      { parent: this },
    );

    new network.PrivateDnsZoneGroup(
      `${name}-dns`,
      {
        resourceGroupName: args.resourceGroupName,
        privateEndpointName: endpoint.name,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: [{ name: args.groupId, privateDnsZoneId: args.privateDnsZoneId }],
      },
      { parent: this },
    );

    this.privateEndpointId = endpoint.id;
    this.privateEndpointName = endpoint.name;
    this.registerOutputs({ privateEndpointId: this.privateEndpointId, privateEndpointName: this.privateEndpointName });
  }
}
