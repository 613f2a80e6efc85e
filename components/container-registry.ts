/**
 * A Premium container registry: no admin user, no anonymous pull, public access off unless the environment
 * opts in (then a default-deny firewall), zone redundancy, retention of untagged manifests, Private Link.
 */
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { PrivateEndpoint, type PrivateEndpointTarget } from "./private-endpoint";
import { customerManagedKeyUri, type CustomerManagedKey } from "./shared/customer-managed-key";
import { addDiagnosticSetting, type DiagnosticSettings } from "./shared/diagnostic-settings";
import { nameRules, uniqueName } from "./shared/global-name";
import { addLock, type Lock } from "./shared/lock";
import type { PlacementArgs } from "./shared/placement";
import { assignRoles, type RoleAssignment } from "./shared/role-assignments";

/** Arguments of {@link ContainerRegistry}. */
export interface ContainerRegistryArgs extends PlacementArgs {
  /** Registry name (5-50 letters and digits; globally unique). Defaults to `<name>` without hyphens plus a random suffix. */
  registryName?: string;
  /** Replicate the registry across availability zones. Defaults to `true` (AVM default). */
  zoneRedundant?: boolean;
  /**
   * Allow the registry to be reached from the public internet, filtered by `allowedIpRanges` (default action
   * Deny). Defaults to `false`: reachable only through `privateEndpoint`. Note: turning it on also re-enables
   * artifact export, because ACR can disable export only while public access is off.
   */
  allowPublicNetworkAccess?: boolean;
  /** IPv4 ranges the firewall admits when public access is allowed (for example the deployer's egress). Defaults to none. */
  allowedIpRanges?: readonly string[];
  /** Days untagged manifests are kept before deletion (0-365). Defaults to 15 (AVM default). */
  untaggedRetentionDays?: number;
  /**
   * Accept only tokens issued for the ACR audience, refusing Azure Resource Manager tokens. Defaults to `false`:
   * the platform's image push exchanges the deployer's ARM token (`getClientToken`) for an ACR refresh token.
   */
  requireAcrAudienceTokens?: boolean;
  /** Private endpoint (group `registry`; the zone group also writes the regional data endpoint). Defaults to none. */
  privateEndpoint?: PrivateEndpointTarget;
  /** Diagnostic settings (`allLogs` + `AllMetrics`, resource-specific tables). Defaults to none. */
  diagnosticSettings?: DiagnosticSettings;
  /** Management lock on the registry. Defaults to none. */
  lock?: Lock;
  /** RBAC grants on the registry: `AcrPull` for runtimes, `AcrPush` for CI or the deployer. Defaults to none. */
  roleAssignments?: readonly RoleAssignment[];
  /** Encrypt with a Key Vault key read through a user-assigned identity. Defaults to Microsoft-managed keys. */
  customerManagedKey?: CustomerManagedKey;
}

/** A Premium ACR that accepts only Entra-authenticated pushes and pulls. */
export class ContainerRegistry extends pulumi.ComponentResource {
  /** Resource id of the registry. */
  readonly registryId: pulumi.Output<string>;
  /** Name of the registry. */
  readonly registryName: pulumi.Output<string>;
  /** Login server, `<name>.azurecr.io`. */
  readonly loginServer: pulumi.Output<string>;

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:containers:ContainerRegistry", name, {}, opts);
    const retention = args.untaggedRetentionDays ?? 15;
    if (!Number.isInteger(retention) || retention < 0 || retention > 365) {
      throw new Error(
        `ContainerRegistry ${name}: untaggedRetentionDays (${retention}) must be a whole number of days from 0 to 365`,
      );
    }
    const isPublic = args.allowPublicNetworkAccess === true;
    const cmk = args.customerManagedKey;

    const registry = new containerregistry.Registry(
      `${name}-registry`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        registryName: uniqueName(name, nameRules.containerRegistry, args.registryName, this),
        // Premium: private endpoints, firewall rules, zone redundancy and retention all need it.
        sku: { name: "Premium" },
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        publicNetworkAccess: isPublic ? "Enabled" : "Disabled",
        networkRuleSet: {
          defaultAction: "Deny",
          ipRules: (args.allowedIpRanges ?? []).map((iPAddressOrRange) => ({ iPAddressOrRange, action: "Allow" })),
        },
        networkRuleBypassOptions: "AzureServices",
        zoneRedundancy: args.zoneRedundant === false ? "Disabled" : "Enabled",
        // Dedicated regional data endpoints (aks-baseline), so firewalls can allow exactly this registry's blobs.
        dataEndpointEnabled: true,
        policies: {
          retentionPolicy: { status: "enabled", days: retention },
          exportPolicy: { status: isPublic ? "enabled" : "disabled" },
          quarantinePolicy: { status: "disabled" },
          trustPolicy: { type: "Notary", status: "disabled" },
          softDeletePolicy: { status: "disabled" },
          azureADAuthenticationAsArmPolicy: { status: args.requireAcrAudienceTokens === true ? "disabled" : "enabled" },
        },
        ...(cmk === undefined
          ? {}
          : {
              identity: {
                type: "UserAssigned",
                userAssignedIdentities: pulumi.output(cmk.userAssignedIdentityId).apply((id) => ({ [id]: {} })),
              },
              encryption: {
                status: "enabled",
                keyVaultProperties: {
                  identity: cmk.userAssignedIdentityClientId,
                  keyIdentifier: customerManagedKeyUri(cmk),
                },
              },
            }),
      },
      { parent: this },
    );

    if (args.privateEndpoint !== undefined) {
      new PrivateEndpoint(
        `${name}-registry`,
        {
          ...args.privateEndpoint,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          tags: args.tags,
          privateLinkServiceId: registry.id,
          groupId: "registry",
        },
        { parent: this },
      );
    }
    addDiagnosticSetting(
      name,
      registry.id,
      args.diagnosticSettings,
      { logs: "allLogs", metrics: true, dedicated: true },
      this,
    );
    addLock(name, registry.id, args.lock, this);
    assignRoles(name, registry.id, args.roleAssignments, this);

    this.registryId = registry.id;
    this.registryName = registry.name;
    this.loginServer = registry.loginServer;
    this.registerOutputs({
      registryId: this.registryId,
      registryName: this.registryName,
      loginServer: this.loginServer,
    });
  }
}
