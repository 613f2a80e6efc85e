import { type PolicyResource } from "@pulumi/policy";
import { stackRule } from "../lib/define";
import { ofType, refersTo, safeRead } from "../lib/links";
import { eqi, inListI, orDefault } from "../lib/strings";
import { type Props } from "../lib/props";

/** What a private endpoint of each data service must look like. */
export const PRIVATE_LINK_SERVICES: Record<
  string,
  { groupId: string; zone: string; publicAccess: (p: Props) => unknown; serviceDefault: string }
> = {
  "azure-native:cosmosdb:DatabaseAccount": {
    groupId: "Sql",
    zone: "privatelink.documents.azure.com",
    publicAccess: (p) => p.publicNetworkAccess,
    serviceDefault: "Enabled",
  },
  "azure-native:keyvault:Vault": {
    groupId: "vault",
    zone: "privatelink.vaultcore.azure.net",
    publicAccess: (p) => p.properties?.publicNetworkAccess,
    serviceDefault: "enabled",
  },
  "azure-native:containerregistry:Registry": {
    groupId: "registry",
    zone: "privatelink.azurecr.io",
    publicAccess: (p) => p.publicNetworkAccess,
    serviceDefault: "Enabled",
  },
  "azure-native:storage:StorageAccount": {
    groupId: "blob",
    zone: "privatelink.blob.core.windows.net",
    publicAccess: (p) => p.publicNetworkAccess,
    serviceDefault: "Enabled",
  },
};

const PE = "azure-native:network:PrivateEndpoint";
const ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup";
const ZONE = "azure-native:privatedns:PrivateZone";
const VNET_LINK = "azure-native:privatedns:VirtualNetworkLink";

function groupIdsOf(pe: PolicyResource): string[] {
  const connections =
    safeRead(() => pe.props.privateLinkServiceConnections as Array<{ groupIds?: string[] }> | undefined) ?? [];
  return connections.flatMap((c) => safeRead(() => c.groupIds) ?? []);
}

/** The zone is resolvable from a virtual network: some VirtualNetworkLink belongs to it. */
function isLinked(zone: PolicyResource, resources: readonly PolicyResource[]): boolean {
  return ofType(resources, VNET_LINK).some(
    (l) =>
      refersTo(l, "privateZoneName", zone, () => l.props.privateZoneName) ||
      eqi(
        safeRead(() => l.props.privateZoneName),
        safeRead(() => zone.props.privateZoneName) ?? "",
      ),
  );
}

function hasZone(
  pe: PolicyResource,
  zone: string,
  resources: readonly PolicyResource[],
  requireLink: boolean,
): boolean {
  const zones = ofType(resources, ZONE).filter(
    (z) =>
      eqi(
        safeRead(() => z.props.privateZoneName),
        zone,
      ) &&
      (!requireLink || isLinked(z, resources)),
  );
  return ofType(resources, ZONE_GROUP).some(
    (g) =>
      refersTo(g, "privateEndpointName", pe, () => g.props.privateEndpointName) &&
      zones.some((z) => (g.propertyDependencies.privateDnsZoneConfigs ?? []).some((d) => d.urn === z.urn)),
  );
}

/** Every data service without public access has a private endpoint with the right group and DNS zone. */
export const azurePrivateEndpointWiring = stackRule(
  {
    name: "azure-private-endpoint-wiring",
    description:
      "Every Cosmos DB account, key vault, container registry and storage account with public access disabled must have a private endpoint for the right sub-resource, registered in the matching private DNS zone that is linked to a virtual network. Without all three, clients inside the network cannot resolve or reach the service.",
    severity: "high",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Pass `privateEndpoint` (subnet and DNS zone) to the service's component; it creates the endpoint with the right group id and its DNS zone group.",
    controls: [
      { source: "azure-policy", id: "58440f8a", title: "CosmosDB accounts should use private link" },
      { source: "azure-policy", id: "a6abeaec", title: "Azure Key Vaults should use private link" },
      { source: "azure-policy", id: "e8eef0a8", title: "Container registries should use private link" },
      { source: "checkov", id: "CKV2_AZURE_32", title: "Ensure private endpoint is configured to key vault" },
      {
        source: "microsoft-learn",
        id: "private-endpoint-dns",
        title: "Azure Private Endpoint private DNS zone values",
      },
    ],
    config: {
      requireDnsZoneGroup: {
        type: "boolean",
        default: true,
        description: "Also require the endpoint's DNS zone group with the service's privatelink zone.",
      },
      requireVnetLink: {
        type: "boolean",
        default: true,
        description: "Also require a VirtualNetworkLink on that zone.",
      },
    },
  },
  [...Object.keys(PRIVATE_LINK_SERVICES), PE, ZONE_GROUP, ZONE, VNET_LINK],
  (args, report, config: { requireDnsZoneGroup: boolean; requireVnetLink: boolean }, isExempt) => {
    const endpoints = ofType(args.resources, PE);
    for (const service of args.resources) {
      const spec = PRIVATE_LINK_SERVICES[service.type];
      if (!spec || isExempt(service.name)) continue;
      const access = safeRead(() => spec.publicAccess(service.props));
      if (!inListI(orDefault(access as string | undefined, spec.serviceDefault), ["Disabled"])) continue;
      const linked = endpoints.filter((pe) =>
        refersTo(
          pe,
          "privateLinkServiceConnections",
          service,
          () => pe.props.privateLinkServiceConnections?.[0]?.privateLinkServiceId,
        ),
      );
      if (linked.length === 0) {
        report(
          service.urn,
          `${service.name} has public access disabled but no private endpoint connects to it.`,
          `add a private endpoint with groupIds ["${spec.groupId}"].`,
        );
        continue;
      }
      const right = linked.filter((pe) => inListI(spec.groupId, groupIdsOf(pe)));
      if (right.length === 0) {
        report(
          service.urn,
          `the private endpoint of ${service.name} uses groupIds ${JSON.stringify(linked.flatMap(groupIdsOf))}.`,
          `use groupIds ["${spec.groupId}"].`,
        );
        continue;
      }
      if (config.requireDnsZoneGroup && !right.some((pe) => hasZone(pe, spec.zone, args.resources, false)))
        report(
          service.urn,
          `the private endpoint of ${service.name} is not registered in the ${spec.zone} private DNS zone.`,
          `add a PrivateDnsZoneGroup for the endpoint pointing at the ${spec.zone} zone.`,
        );
      else if (
        config.requireDnsZoneGroup &&
        config.requireVnetLink &&
        !right.some((pe) => hasZone(pe, spec.zone, args.resources, true))
      )
        report(
          service.urn,
          `the ${spec.zone} zone of ${service.name}'s private endpoint is not linked to any virtual network.`,
          "add a VirtualNetworkLink from the zone to the platform's virtual network.",
        );
    }
  },
);
