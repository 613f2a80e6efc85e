/**
 * Key Vault secrets as files in the pod: a `SecretProviderClass` (secrets-store.csi.x-k8s.io/v1) for
 * the AKS Key Vault secrets provider add-on, authenticating with the pod's workload identity, and the
 * CSI volume that mounts it read-only. No Kubernetes Secret is synced: secrets never sit in etcd.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";

/** One Key Vault object to mount. */
export interface KeyVaultObject {
  /** Name of the secret/key/certificate in the vault. */
  readonly name: string;
  /** Object type. Defaults to `"secret"`. */
  readonly type?: "secret" | "key" | "cert";
  /** File name in the mount. Defaults to `name`. */
  readonly alias?: string;
  /** Version. Defaults to the latest (`""`), picked up on pod start. */
  readonly version?: string;
}

/** Inputs of `keyVaultSecretProviderClass`. */
export interface KeyVaultSecretsArgs {
  /** Namespace (the pods' namespace: a SecretProviderClass is namespaced). */
  readonly namespace: pulumi.Input<string>;
  /** Object name of the SecretProviderClass; the pod's CSI volume refers to it. */
  readonly name: string;
  /** Key Vault name (not URI). */
  readonly keyVaultName: pulumi.Input<string>;
  /** Entra tenant of the vault. */
  readonly tenantId: pulumi.Input<string>;
  /** Client id of the workload identity that has `Key Vault Secrets User` on the vault. */
  readonly clientId: pulumi.Input<string>;
  /** What to mount; at least one. */
  readonly objects: readonly KeyVaultObject[];
  /** Labels (the recommended `app.kubernetes.io/*` set). */
  readonly labels?: Record<string, string>;
}

/** Directory the Key Vault objects are mounted at, one file per object (named by its alias). */
export const SECRETS_MOUNT_PATH = "/mnt/secrets";

/** The provider's `objects` parameter: a YAML document whose `array` holds one YAML string per object. */
export function keyVaultObjectsParameter(objects: readonly KeyVaultObject[]): string {
  if (objects.length === 0) throw new Error("secrets.objects must name at least one Key Vault object");
  const seen = new Set<string>();
  const array = objects.map((o, i) => {
    if (!/^[0-9A-Za-z-]{1,127}$/.test(o.name))
      throw new Error(`secrets.objects[${i}].name (${JSON.stringify(o.name)}) is not a Key Vault object name`);
    const file = o.alias ?? o.name;
    if (!/^[0-9A-Za-z._-]+$/.test(file))
      throw new Error(`secrets.objects[${i}].alias (${JSON.stringify(file)}) is not a plain file name`);
    if (seen.has(file)) throw new Error(`secrets.objects[${i}] mounts "${file}" twice: give one an alias`);
    seen.add(file);
    const entry: Record<string, string> = {
      objectName: o.name,
      objectType: o.type ?? "secret",
      objectVersion: o.version ?? "",
    };
    if (o.alias !== undefined) entry.objectAlias = o.alias;
    return stringify(entry);
  });
  return stringify({ array });
}

/** Creates the SecretProviderClass custom resource. */
export function keyVaultSecretProviderClass(
  resourceName: string,
  args: KeyVaultSecretsArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    resourceName,
    {
      apiVersion: "secrets-store.csi.x-k8s.io/v1",
      kind: "SecretProviderClass",
      metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels } },
      spec: {
        provider: "azure",
        parameters: {
          usePodIdentity: "false",
          useVMManagedIdentity: "false",
          clientID: args.clientId,
          keyvaultName: args.keyVaultName,
          tenantId: args.tenantId,
          objects: keyVaultObjectsParameter(args.objects),
        },
      },
    },
    opts,
  );
}

/** The read-only CSI volume and mount for a SecretProviderClass named `secretProviderClass`. */
export function secretsStoreVolume(secretProviderClass: string): {
  volume: k8s.types.input.core.v1.Volume;
  mount: k8s.types.input.core.v1.VolumeMount;
} {
  return {
    volume: {
      name: "secrets-store",
      csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass } },
    },
    mount: { name: "secrets-store", mountPath: SECRETS_MOUNT_PATH, readOnly: true },
  };
}
