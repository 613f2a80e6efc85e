/**
 * The model store: a storage account for datasets, model artifacts and reports, reachable only through
 * Private Link and only with Entra ID (no shared keys, no anonymous blobs), with versioning and soft delete.
 */
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { platformBlobContainers } from "./data-layout";
import { PrivateEndpoint, type PrivateEndpointTarget } from "./private-endpoint";
import type { CustomerManagedKey } from "./shared/customer-managed-key";
import { addDiagnosticSetting, type DiagnosticSettings } from "./shared/diagnostic-settings";
import { nameRules, uniqueName } from "./shared/global-name";
import { addLock, type Lock } from "./shared/lock";
import type { PlacementArgs } from "./shared/placement";
import { assignRoles, type RoleAssignment } from "./shared/role-assignments";

/** Arguments of {@link ModelStore}. */
export interface ModelStoreArgs extends PlacementArgs {
  /** Account name (3-24 lowercase letters and digits; globally unique). Defaults to `<name>` without hyphens plus a random suffix. */
  accountName?: string;
  /** Zone-redundant storage (`Standard_ZRS`). Defaults to `true`; `false` uses `Standard_LRS`, one zone. */
  zoneRedundant?: boolean;
  /** Days deleted blobs, versions and containers stay recoverable (1-365). Defaults to 7 (AVM default). */
  softDeleteRetentionDays?: number;
  /**
   * Allow the account to be reached from the public internet, still filtered by `allowedIpRanges` (default
   * action Deny) and Entra-only. Defaults to `false`: reachable only through `privateEndpoint`.
   */
  allowPublicNetworkAccess?: boolean;
  /** IPv4 ranges the firewall admits when public access is allowed. Defaults to none. */
  allowedIpRanges?: readonly string[];
  /** Blob containers. Defaults to `platformBlobContainers` from `data-layout.ts`, which the local platform also uses. */
  containers?: readonly string[];
  /** Private endpoint (group `blob`). Defaults to none. */
  privateEndpoint?: PrivateEndpointTarget;
  /**
   * Diagnostic settings: `AllMetrics` on the account, `allLogs` + `AllMetrics` on the blob service (where
   * `logCategories` apply). Defaults to none.
   */
  diagnosticSettings?: DiagnosticSettings;
  /** Management lock on the account. Defaults to none. */
  lock?: Lock;
  /** RBAC grants on the account, for example `Storage Blob Data Contributor` for training. Defaults to none. */
  roleAssignments?: readonly RoleAssignment[];
  /** Encrypt with a Key Vault key read through a user-assigned identity. Defaults to Microsoft-managed keys. */
  customerManagedKey?: CustomerManagedKey;
}

/** Storage for datasets and model artifacts, with the platform's blob containers. */
export class ModelStore extends pulumi.ComponentResource {
  /** Resource id of the storage account. */
  readonly accountId: pulumi.Output<string>;
  /** Name of the storage account. */
  readonly accountName: pulumi.Output<string>;
  /** Blob endpoint, `https://<account>.blob.core.windows.net/`. */
  readonly blobEndpoint: pulumi.Output<string>;
  /** The blob container names. */
  readonly containerNames: readonly string[];

  constructor(name: string, args: ModelStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:data:ModelStore", name, {}, opts);
    const retention = args.softDeleteRetentionDays ?? 7;
    if (!Number.isInteger(retention) || retention < 1 || retention > 365) {
      throw new Error(
        `ModelStore ${name}: softDeleteRetentionDays (${retention}) must be a whole number of days from 1 to 365`,
      );
    }
    const containers = args.containers ?? Object.values(platformBlobContainers);
    const cmk = args.customerManagedKey;

    const account = new storage.StorageAccount(
      `${name}-account`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        accountName: uniqueName(name, nameRules.storageAccount, args.accountName, this),
        kind: "StorageV2",
        sku: { name: args.zoneRedundant === false ? "Standard_LRS" : "Standard_ZRS" },
        accessTier: "Hot",
        // Entra ID only: no account keys or account SAS, and the portal uses Entra too.
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
        allowCrossTenantReplication: false,
        allowedCopyScope: "AAD",
        isLocalUserEnabled: false,
        isSftpEnabled: false,
        // Blob versioning is unavailable with a hierarchical namespace.
        isHnsEnabled: false,
        enableNfsV3: false,
        publicNetworkAccess: args.allowPublicNetworkAccess === true ? "Enabled" : "Disabled",
        networkRuleSet: {
          defaultAction: "Deny",
          bypass: "AzureServices",
          ipRules: (args.allowedIpRanges ?? []).map((iPAddressOrRange) => ({
            iPAddressOrRange,
            action: "Allow" as const,
          })),
          virtualNetworkRules: [],
        },
        encryption: {
          requireInfrastructureEncryption: true,
          services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
          ...(cmk === undefined
            ? { keySource: "Microsoft.Storage" }
            : {
                keySource: "Microsoft.Keyvault",
                keyVaultProperties: { keyVaultUri: cmk.keyVaultUri, keyName: cmk.keyName, keyVersion: cmk.keyVersion },
                encryptionIdentity: { encryptionUserAssignedIdentity: cmk.userAssignedIdentityId },
              }),
        },
        ...(cmk === undefined
          ? {}
          : { identity: { type: "UserAssigned", userAssignedIdentities: [cmk.userAssignedIdentityId] } }),
      },
      { parent: this },
    );

    const blobService = new storage.BlobServiceProperties(
      `${name}-blob`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
        blobServicesName: "default",
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true, days: retention },
        containerDeleteRetentionPolicy: { enabled: true, days: retention },
      },
      { parent: this },
    );
    for (const container of containers) {
      new storage.BlobContainer(
        `${name}-${container}`,
        {
          resourceGroupName: args.resourceGroupName,
          accountName: account.name,
          containerName: container,
          publicAccess: "None",
        },
        { parent: this, dependsOn: [blobService] },
      );
    }

    if (args.privateEndpoint !== undefined) {
      new PrivateEndpoint(
        `${name}-blob`,
        {
          ...args.privateEndpoint,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          tags: args.tags,
          privateLinkServiceId: account.id,
          groupId: "blob",
        },
        { parent: this },
      );
    }
    // Logs live on the blob service; the account itself has metrics only, so log categories apply to the blob service.
    const accountSettings = args.diagnosticSettings && { ...args.diagnosticSettings, logCategories: undefined };
    addDiagnosticSetting(name, account.id, accountSettings, { logs: "none", metrics: true, dedicated: false }, this);
    addDiagnosticSetting(
      `${name}-blob`,
      pulumi.interpolate`${account.id}/blobServices/default`,
      args.diagnosticSettings,
      { logs: "allLogs", metrics: true, dedicated: false },
      this,
    );
    addLock(name, account.id, args.lock, this);
    assignRoles(name, account.id, args.roleAssignments, this);

    this.accountId = account.id;
    this.accountName = account.name;
    this.blobEndpoint = account.primaryEndpoints.apply((e) => e.blob);
    this.containerNames = containers;
    this.registerOutputs({
      accountId: this.accountId,
      accountName: this.accountName,
      blobEndpoint: this.blobEndpoint,
      containerNames: this.containerNames,
    });
  }
}
