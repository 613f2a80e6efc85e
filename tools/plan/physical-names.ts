/**
 * Which input names each `azure-native` resource in Azure, and what the provider does when the program leaves
 * it out: auto-naming appends 8 random hex characters to the logical name (pulumi-azure-native
 * `provider/pkg/provider/autonaming`: `"test"` → `"test614742c2"`); role assignments get a GUID; singletons a
 * fixed name. Pure; shared by the plan JSON and the preflight's name rules.
 */
import type { PhysicalName } from "./types";

/** Length of the random suffix azure-native appends to an auto-name. */
export const AUTO_NAME_SUFFIX_LENGTH = 8;

/** How one type is named: the input property, and what happens when it is unset. */
export interface NameProperty {
  property: string;
  /** `random-suffix` (default): logical name + 8 hex; `guid`: a random GUID; a string: that fixed name. */
  whenUnset?: "random-suffix" | "guid" | { fixed: string };
}

/** The name property of every azure-native type the platform creates. */
export const nameProperties: Readonly<Record<string, NameProperty>> = {
  "azure-native:alertsmanagement:PrometheusRuleGroup": { property: "ruleGroupName" },
  "azure-native:applicationinsights:Component": { property: "resourceName" },
  "azure-native:authorization:ManagementLockByScope": { property: "lockName" },
  "azure-native:authorization:RoleAssignment": { property: "roleAssignmentName", whenUnset: "guid" },
  "azure-native:containerregistry:AgentPool": { property: "agentPoolName" },
  "azure-native:containerregistry:Registry": { property: "registryName" },
  "azure-native:containerregistry:TaskRun": { property: "taskRunName" },
  "azure-native:containerservice:AgentPool": { property: "agentPoolName" },
  "azure-native:containerservice:MaintenanceConfiguration": { property: "configName" },
  "azure-native:containerservice:ManagedCluster": { property: "resourceName" },
  "azure-native:cosmosdb:DatabaseAccount": { property: "accountName" },
  "azure-native:cosmosdb:SqlResourceSqlContainer": { property: "containerName" },
  "azure-native:cosmosdb:SqlResourceSqlDatabase": { property: "databaseName" },
  "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": { property: "roleAssignmentId", whenUnset: "guid" },
  "azure-native:keyvault:Vault": { property: "vaultName" },
  "azure-native:managedidentity:FederatedIdentityCredential": { property: "federatedIdentityCredentialResourceName" },
  "azure-native:managedidentity:UserAssignedIdentity": { property: "resourceName" },
  "azure-native:monitor:ActionGroup": { property: "actionGroupName" },
  "azure-native:monitor:AzureMonitorWorkspace": { property: "azureMonitorWorkspaceName" },
  "azure-native:monitor:DataCollectionEndpoint": { property: "dataCollectionEndpointName" },
  "azure-native:monitor:DataCollectionRule": { property: "dataCollectionRuleName" },
  "azure-native:monitor:DataCollectionRuleAssociation": { property: "associationName" },
  "azure-native:monitor:DiagnosticSetting": { property: "name" },
  "azure-native:monitor:MetricAlert": { property: "ruleName" },
  "azure-native:network:NatGateway": { property: "natGatewayName" },
  "azure-native:network:NetworkSecurityGroup": { property: "networkSecurityGroupName" },
  "azure-native:network:PrivateDnsZoneGroup": { property: "privateDnsZoneGroupName" },
  "azure-native:network:PrivateEndpoint": { property: "privateEndpointName" },
  "azure-native:network:PublicIPAddress": { property: "publicIpAddressName" },
  "azure-native:network:Subnet": { property: "subnetName" },
  "azure-native:network:VirtualNetwork": { property: "virtualNetworkName" },
  "azure-native:operationalinsights:Workspace": { property: "workspaceName" },
  "azure-native:privatedns:PrivateZone": { property: "privateZoneName" },
  "azure-native:privatedns:VirtualNetworkLink": { property: "virtualNetworkLinkName" },
  "azure-native:resources:ResourceGroup": { property: "resourceGroupName" },
  "azure-native:storage:BlobContainer": { property: "containerName" },
  "azure-native:storage:BlobServiceProperties": { property: "blobServicesName", whenUnset: { fixed: "default" } },
  "azure-native:storage:StorageAccount": { property: "accountName" },
};

/**
 * The physical name of a planned resource: explicit, auto (pattern), or assigned; `undefined` for a non-Azure
 * type. An azure-native type missing from {@link nameProperties} is reported as auto-named under `name`, the
 * provider's fallback, so a new type is still checked (and the preflight flags its missing entry).
 */
export function physicalName(
  type: string,
  logicalName: string,
  inputs: Record<string, unknown>,
): PhysicalName | undefined {
  if (!type.startsWith("azure-native:")) return undefined;
  const spec = nameProperties[type] ?? { property: "name" };
  const given = inputs[spec.property];
  if (typeof given === "string" && given !== "") return { kind: "explicit", property: spec.property, value: given };
  const unset = spec.whenUnset ?? "random-suffix";
  if (unset === "guid") return { kind: "assigned", property: spec.property, value: "<guid>" };
  if (typeof unset === "object") return { kind: "assigned", property: spec.property, value: unset.fixed };
  return {
    kind: "auto",
    property: spec.property,
    pattern: `${logicalName}${"#".repeat(AUTO_NAME_SUFFIX_LENGTH)}`,
    length: logicalName.length + AUTO_NAME_SUFFIX_LENGTH,
  };
}
