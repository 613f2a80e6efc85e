/**
 * Case-insensitive comparisons for enum-like strings.
 *
 * Azure accepts enum values in any case and the azure-native SDK itself fills some defaults in a
 * different case than the documented enum (`Vault.properties.publicNetworkAccess` becomes `"enabled"`),
 * so every rule compares through these helpers instead of `===`.
 */

/** True when `value` is a string equal to `expected` ignoring case. `undefined` never matches. */
export function eqi(value: unknown, expected: string): boolean {
  return typeof value === "string" && value.toLowerCase() === expected.toLowerCase();
}

/** True when `value` is a string equal, ignoring case, to one of `allowed`. */
export function inListI(value: unknown, allowed: readonly string[]): boolean {
  return typeof value === "string" && allowed.some((a) => a.toLowerCase() === value.toLowerCase());
}

/**
 * The value of an optional enum-like property, or `serviceDefault` when it is unset.
 * Rules use it so that "unset" is judged as what the service will really do (often the insecure choice).
 */
export function orDefault<T>(value: T | undefined | null, serviceDefault: T): T {
  return value === undefined || value === null ? serviceDefault : value;
}

/** Renders a value for a message: strings quoted, unset as `unset`. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return "unset";
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

/**
 * Matches `text` against a simple glob in which `*` stands for any run of characters except `/`.
 * Case-insensitive; used for registry host patterns such as `*.azurecr.io`.
 */
export function globMatch(pattern: string, text: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
  return new RegExp(`^${escaped}$`, "i").test(text);
}
