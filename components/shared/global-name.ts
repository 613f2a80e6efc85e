/**
 * Globally unique physical names for services whose names are DNS labels (storage, ACR, Key Vault, Cosmos DB).
 * azure-native's auto-naming can produce invalid names for these (pulumi-azure-native#3665), and a Key Vault or
 * Cosmos name stays reserved after deletion, so these get a sanitized prefix plus a random suffix kept in state.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** The naming rules of one service. */
export interface NameRule {
  /** Longest allowed name. */
  readonly maxLength: number;
  /** Whether hyphens are allowed (between alphanumerics). */
  readonly hyphens: boolean;
}

/** Naming rules: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules */
export const nameRules = {
  storageAccount: { maxLength: 24, hyphens: false },
  containerRegistry: { maxLength: 50, hyphens: false },
  keyVault: { maxLength: 24, hyphens: true },
  cosmosAccount: { maxLength: 44, hyphens: true },
} as const satisfies Record<string, NameRule>;

/** Length of the random suffix. Six base-36 characters: about 2 billion names per prefix. */
export const SUFFIX_LENGTH = 6;

/** `prefix` lowered, stripped of characters the rule forbids, shortened, then `suffix` appended. Pure. */
export function globalName(prefix: string, suffix: string, rule: NameRule): string {
  let clean = prefix.toLowerCase().replace(rule.hyphens ? /[^a-z0-9-]/g : /[^a-z0-9]/g, "");
  clean = clean.replace(/-+/g, "-").replace(/^[^a-z]+/, "");
  const room = rule.maxLength - suffix.length - (rule.hyphens ? 1 : 0);
  clean = clean.slice(0, Math.max(room, 0)).replace(/-+$/, "");
  if (clean === "") clean = "p".slice(0, Math.max(room, 0));
  return rule.hyphens ? `${clean}-${suffix}` : `${clean}${suffix}`;
}

/**
 * The physical name for a child of `parent`: `explicit` when given, else `globalName(name, <random suffix>)`.
 * The suffix is a `random.RandomString` child, so it is stable across runs and new after a destroy.
 */
export function uniqueName(
  name: string,
  rule: NameRule,
  explicit: string | undefined,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  if (explicit !== undefined) return pulumi.output(explicit);
  const suffix = new random.RandomString(
    `${name}-suffix`,
    { length: SUFFIX_LENGTH, lower: true, numeric: true, upper: false, special: false },
    { parent },
  );
  return suffix.result.apply((s) => globalName(name, s, rule));
}
