/**
 * Links between resources as stack policies see them.
 *
 * During `pulumi preview` a reference such as `resourceUri: account.id` is unknown, but the engine
 * records it as a property dependency of `resourceUri` on the account; link checks therefore look at
 * `propertyDependencies` first and compare known values only as a fallback (after `pulumi up`, or for
 * resources imported from elsewhere). Reads go through `safeRead`, so an unknown value never turns a
 * whole stack policy into an advisory "can't run during preview".
 */
import { type PolicyResource, UnknownValueError } from "@pulumi/policy";
import { eqi } from "./strings";

/** Reads `read()`, returning `undefined` when the value is unknown during preview. */
export function safeRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return undefined;
    throw e;
  }
}

/** True when `from.props[key]` refers to `target`: a property dependency or, when known, the same id. */
export function refersTo(from: PolicyResource, key: string, target: PolicyResource, value?: () => unknown): boolean {
  if ((from.propertyDependencies[key] ?? []).some((d) => d.urn === target.urn)) return true;
  const known = safeRead(value ?? (() => from.props[key]));
  const targetId = safeRead(() => target.props.id as unknown);
  if (typeof known !== "string" || typeof targetId !== "string") return false;
  // A sub-resource id (`<account id>/blobServices/default`) refers to its parent too.
  return eqi(known, targetId) || known.toLowerCase().startsWith(`${targetId.toLowerCase()}/`);
}

/** The resources of `type` (exact token) in the stack. */
export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}
