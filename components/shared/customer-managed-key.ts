/**
 * The uniform `customerManagedKey` interface (AVM spec RMFR4): encrypt a service's data at rest with a
 * Key Vault key, read through a user-assigned identity. The caller owns the vault, the key and the identity,
 * and grants the identity `Key Vault Crypto Service Encryption User` on the key before the service is created.
 */
import * as pulumi from "@pulumi/pulumi";

/** A Key Vault key and the user-assigned identity the service reads it with. */
export interface CustomerManagedKey {
  /** Vault URI, for example `https://kv-name.vault.azure.net/` (the `KeyVault` component's `vaultUri`). */
  keyVaultUri: pulumi.Input<string>;
  /** Key name in that vault. */
  keyName: pulumi.Input<string>;
  /** Key version. Defaults to none: the versionless key URI, so the service follows key rotation. */
  keyVersion?: pulumi.Input<string>;
  /** Resource id of the user-assigned identity that holds `Key Vault Crypto Service Encryption User`. */
  userAssignedIdentityId: pulumi.Input<string>;
  /** Client id of that identity (ACR names the identity by client id). */
  userAssignedIdentityClientId: pulumi.Input<string>;
}

/** `https://<vault>/keys/<name>[/<version>]`, tolerant of a trailing slash on the vault URI. Pure. */
export function keyUri(vaultUri: string, keyName: string, keyVersion?: string): string {
  const base = `${vaultUri.replace(/\/+$/, "")}/keys/${keyName}`;
  return keyVersion === undefined || keyVersion === "" ? base : `${base}/${keyVersion}`;
}

/** {@link keyUri} over the Inputs of a {@link CustomerManagedKey}. */
export function customerManagedKeyUri(cmk: CustomerManagedKey): pulumi.Output<string> {
  return pulumi
    .all([cmk.keyVaultUri, cmk.keyName, cmk.keyVersion])
    .apply(([uri, key, version]) => keyUri(uri, key, version));
}
