/**
 * The blob service settings of each storage account, for the soft-delete rules: a
 * `storage.BlobServiceProperties` resource whose `accountName` refers to the account. Accounts that
 * have no blob service of their own (FileStorage) or use a hierarchical namespace are skipped, as
 * PSRule does.
 */
import { type PolicyResource, type StackValidationArgs } from "@pulumi/policy";
import { ofType, refersTo, safeRead } from "./links";
import { eqi } from "./strings";

/** The storage account type token. */
export const STORAGE_ACCOUNT = "azure-native:storage:StorageAccount";
/** The blob service properties type token. */
export const BLOB_SERVICE = "azure-native:storage:BlobServiceProperties";

/** Each storage account with blobs, and the blob service properties that refer to it. */
export function accountsWithBlobServices(
  args: StackValidationArgs,
): Array<{ account: PolicyResource; services: PolicyResource[] }> {
  const services = ofType(args.resources, BLOB_SERVICE);
  return ofType(args.resources, STORAGE_ACCOUNT)
    .filter(
      (a) =>
        !eqi(
          safeRead(() => a.props.kind as unknown),
          "FileStorage",
        ) && safeRead(() => a.props.isHnsEnabled as unknown) !== true,
    )
    .map((account) => ({ account, services: services.filter((s) => refersTo(s, "accountName", account)) }));
}

/** `policy.enabled` is true and `policy.days` at least `minDays`; unknown values count as not met. */
export function retains(service: PolicyResource, key: string, minDays: number): boolean {
  const policy = safeRead(() => service.props[key] as Record<string, unknown> | undefined);
  if (!policy) return false;
  const enabled = safeRead(() => policy.enabled);
  const days = safeRead(() => policy.days);
  return enabled === true && typeof days === "number" && days >= minDays;
}
