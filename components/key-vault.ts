/** A Key Vault reachable only through Private Link, with RBAC authorization and purge protection. */
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { PrivateEndpoint, type PrivateEndpointTarget } from "./private-endpoint";
import { addDiagnosticSetting, type DiagnosticSettings } from "./shared/diagnostic-settings";
import { nameRules, uniqueName } from "./shared/global-name";
import { addLock, type Lock } from "./shared/lock";
import type { PlacementArgs } from "./shared/placement";
import { assignRoles, type RoleAssignment } from "./shared/role-assignments";

/** Arguments of {@link KeyVault}. */
export interface KeyVaultArgs extends PlacementArgs {
  /** Vault name (3-24 letters, digits, hyphens; globally unique). Defaults to `<name>-<random>`, since a deleted name stays reserved for the retention period. */
  vaultName?: string;
  /** Entra tenant that authenticates requests. Defaults to the deployer's tenant (`getClientConfig`). */
  tenantId?: pulumi.Input<string>;
  /** SKU. Defaults to `premium` (AVM default): HSM-protected keys for customer-managed encryption. */
  sku?: "standard" | "premium";
  /** Days a deleted vault, key or secret stays recoverable (7-90). Defaults to 90, the maximum (AVM default). */
  softDeleteRetentionDays?: number;
  /**
   * Allow the vault to be reached from the public internet, still filtered by `allowedIpRanges` (default action
   * Deny). Defaults to `false`: reachable only through `privateEndpoint`.
   */
  allowPublicNetworkAccess?: boolean;
  /** IPv4 ranges the firewall admits when public access is allowed. Defaults to none. */
  allowedIpRanges?: readonly string[];
  /** Private endpoint (group `vault`). Defaults to none. */
  privateEndpoint?: PrivateEndpointTarget;
  /** Diagnostic settings (`allLogs`, which holds `AuditEvent`, + `AllMetrics`). Defaults to none. */
  diagnosticSettings?: DiagnosticSettings;
  /** Management lock on the vault. Defaults to none. */
  lock?: Lock;
  /** RBAC grants on the vault, for example `Key Vault Secrets User` for a workload identity. Defaults to none. */
  roleAssignments?: readonly RoleAssignment[];
}

/**
 * A Key Vault with RBAC authorization (no access policies), purge protection, 90-day soft delete, public
 * access off and a default-deny firewall. Purge protection cannot be turned off once on.
 */
export class KeyVault extends pulumi.ComponentResource {
  /** Resource id of the vault. */
  readonly vaultId: pulumi.Output<string>;
  /** Name of the vault. */
  readonly vaultName: pulumi.Output<string>;
  /** Vault URI, `https://<name>.vault.azure.net/`. */
  readonly vaultUri: pulumi.Output<string>;

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:security:KeyVault", name, {}, opts);
    const retention = args.softDeleteRetentionDays ?? 90;
    if (!Number.isInteger(retention) || retention < 7 || retention > 90) {
      throw new Error(
        `KeyVault ${name}: softDeleteRetentionDays (${retention}) must be a whole number of days from 7 to 90`,
      );
    }

    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        vaultName: uniqueName(name, nameRules.keyVault, args.vaultName, this),
        properties: {
          tenantId: args.tenantId ?? authorization.getClientConfigOutput({ parent: this }).tenantId,
          sku: { family: "A", name: args.sku ?? "premium" },
          enableRbacAuthorization: true,
          accessPolicies: [],
          enableSoftDelete: true,
          softDeleteRetentionInDays: retention,
          enablePurgeProtection: true,
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
          publicNetworkAccess: args.allowPublicNetworkAccess === true ? "Enabled" : "Disabled",
          networkAcls: {
            defaultAction: "Deny",
            // Trusted Azure services (for example storage reading a customer-managed key) pass the firewall.
            bypass: "AzureServices",
            ipRules: (args.allowedIpRanges ?? []).map((value) => ({ value })),
            virtualNetworkRules: [],
          },
        },
      },
      { parent: this },
    );

    if (args.privateEndpoint !== undefined) {
      new PrivateEndpoint(
        `${name}-vault`,
        {
          ...args.privateEndpoint,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          tags: args.tags,
          privateLinkServiceId: vault.id,
          groupId: "vault",
        },
        { parent: this },
      );
    }
    addDiagnosticSetting(
      name,
      vault.id,
      args.diagnosticSettings,
      { logs: "allLogs", metrics: true, dedicated: false },
      this,
    );
    addLock(name, vault.id, args.lock, this);
    assignRoles(name, vault.id, args.roleAssignments, this);

    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
    this.registerOutputs({ vaultId: this.vaultId, vaultName: this.vaultName, vaultUri: this.vaultUri });
  }
}
