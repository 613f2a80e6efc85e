/**
 * The uniform `lock` interface (AVM spec RMFR4): a management lock on the component's main resource.
 * Note: a lock also blocks `pulumi destroy`; remove it (set `lock` to undefined and `pulumi up`) first.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import type * as pulumi from "@pulumi/pulumi";

/** A management lock. */
export interface Lock {
  /** `CanNotDelete` blocks deletion; `ReadOnly` also blocks every write, including data-plane key listing. */
  kind: "CanNotDelete" | "ReadOnly";
  /** Why the lock exists. Defaults to a note that names the platform and how to remove it. */
  notes?: string;
}

/** Creates the lock `lock-<name>` on `scope` when `lock` is given. */
export function addLock(
  name: string,
  scope: pulumi.Input<string>,
  lock: Lock | undefined,
  parent: pulumi.Resource,
): authorization.ManagementLockByScope | undefined {
  if (lock === undefined) return undefined;
  return new authorization.ManagementLockByScope(
    `${name}-lock`,
    {
      scope,
      lockName: `lock-${name}`,
      level: lock.kind,
      notes:
        lock.notes ??
        "Set by ai-platform. Remove it through the stack's `lock` setting before destroying the resource.",
    },
    { parent },
  );
}
