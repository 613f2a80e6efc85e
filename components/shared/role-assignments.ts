/**
 * The uniform `roleAssignments` interface (AVM spec RMFR4): Azure RBAC grants on the resource a component
 * creates, named deterministically from scope, principal and role so that re-runs are idempotent.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { builtInRoles, type BuiltInRoleName } from "./built-in-roles";
import { uuidV5 } from "./uuid";

/** One Azure RBAC grant on the component's resource. */
export interface RoleAssignment {
  /**
   * The role: a built-in display name from `builtInRoles` (for example `"AcrPull"`), a role-definition GUID,
   * or a full role-definition resource id.
   */
  roleDefinitionIdOrName: BuiltInRoleName | (string & Record<never, never>);
  /** Object id of the user, group or service principal (for a managed identity: its `principalId`). */
  principalId: pulumi.Input<string>;
  /**
   * Kind of principal. Defaults to `"ServicePrincipal"`: most grants here go to managed identities, and a declared
   * type lets ARM skip the Entra lookup that fails with `PrincipalNotFound` right after an identity is created.
   * A wrong type fails with `UnmatchedPrincipalType`; an output (the deployer's kind, known at deploy time) is fine.
   */
  principalType?: pulumi.Input<"ServicePrincipal" | "Group" | "User" | "ForeignGroup" | "Device">;
  /** Why the grant exists, shown in the portal. Defaults to none. */
  description?: string;
  /** An ABAC condition (condition version 2.0). Defaults to none: the role applies unconditionally. */
  condition?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The role-definition GUID behind a built-in name, a GUID or a full role-definition id. Throws for an unknown name. */
export function roleDefinitionGuid(roleDefinitionIdOrName: string): string {
  if (GUID.test(roleDefinitionIdOrName)) return roleDefinitionIdOrName.toLowerCase();
  const fromId = /\/roleDefinitions\/([0-9a-f-]{36})$/i.exec(roleDefinitionIdOrName)?.[1];
  if (fromId !== undefined && GUID.test(fromId)) return fromId.toLowerCase();
  const builtIn = (builtInRoles as Record<string, string>)[roleDefinitionIdOrName];
  if (builtIn === undefined) {
    throw new Error(
      `roleDefinitionIdOrName "${roleDefinitionIdOrName}" is neither a built-in role name (${Object.keys(builtInRoles).join(", ")}), a GUID nor a role-definition id`,
    );
  }
  return builtIn;
}

/**
 * The full role-definition id ARM expects, in the subscription of `scope`
 * (`/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>`). A full id passes through.
 */
export function roleDefinitionResourceId(roleDefinitionIdOrName: string, scope: string): string {
  if (roleDefinitionIdOrName.includes("/roleDefinitions/")) return roleDefinitionIdOrName;
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  if (subscription === undefined)
    throw new Error(`role assignment scope "${scope}" is not a subscription-level resource id`);
  return `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionGuid(roleDefinitionIdOrName)}`;
}

/**
 * The deterministic role-assignment name: a UUIDv5 of scope, principal and role, as AVM's
 * `guid(resourceId, principalId, roleDefinitionId)`. Scope casing is ignored because ARM ids are case-insensitive.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionIdOrName: string): string {
  return uuidV5(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid(roleDefinitionIdOrName)}`);
}

/** One role assignment named deterministically; `deleteBeforeReplace` avoids `RoleAssignmentExists` on replacement. */
function newRoleAssignment(
  logicalName: string,
  scope: pulumi.Input<string>,
  assignment: RoleAssignment,
  parent: pulumi.Resource,
  dependsOn?: pulumi.Input<pulumi.Resource>[],
): authorization.RoleAssignment {
  roleDefinitionGuid(assignment.roleDefinitionIdOrName); // fail at construction for an unknown role name
  return new authorization.RoleAssignment(
    logicalName,
    {
      scope,
      principalId: assignment.principalId,
      principalType: assignment.principalType ?? "ServicePrincipal",
      roleDefinitionId: pulumi
        .output(scope)
        .apply((s) => roleDefinitionResourceId(assignment.roleDefinitionIdOrName, s)),
      roleAssignmentName: pulumi
        .all([scope, assignment.principalId])
        .apply(([s, p]) => roleAssignmentName(s, p, assignment.roleDefinitionIdOrName)),
      description: assignment.description,
      condition: assignment.condition,
      conditionVersion: assignment.condition === undefined ? undefined : "2.0",
    },
    { parent, deleteBeforeReplace: true, dependsOn },
  );
}

/**
 * Creates one `authorization.RoleAssignment` per entry, on `scope`, as children of `parent`.
 * Logical names are `<name>-role-<index>`: append new grants at the end, since reordering replaces grants.
 */
export function assignRoles(
  name: string,
  scope: pulumi.Input<string>,
  assignments: readonly RoleAssignment[] | undefined,
  parent: pulumi.Resource,
  dependsOn?: pulumi.Input<pulumi.Resource>[],
): authorization.RoleAssignment[] {
  return (assignments ?? []).map((assignment, index) =>
    newRoleAssignment(`${name}-role-${index}`, scope, assignment, parent, dependsOn),
  );
}

/** A grant for one principal on some other resource. */
export interface RoleGrant {
  /** Resource id the role applies to (a registry, vault, storage account, subnet...). */
  scope: pulumi.Input<string>;
  /** The role, as in {@link RoleAssignment.roleDefinitionIdOrName}. */
  roleDefinitionIdOrName: RoleAssignment["roleDefinitionIdOrName"];
  /** Why the grant exists. Defaults to none. */
  description?: string;
}

/**
 * Grants `principalId` (a managed identity's service principal) each role on its scope, as children of
 * `parent`. Logical names are `<name>-grant-<index>`; the same naming and replacement rules as {@link assignRoles}.
 */
export function grantRoles(
  name: string,
  principalId: pulumi.Input<string>,
  grants: readonly RoleGrant[] | undefined,
  parent: pulumi.Resource,
  dependsOn?: pulumi.Input<pulumi.Resource>[],
): authorization.RoleAssignment[] {
  return (grants ?? []).map((grant, index) =>
    newRoleAssignment(
      `${name}-grant-${index}`,
      grant.scope,
      {
        roleDefinitionIdOrName: grant.roleDefinitionIdOrName,
        principalId,
        principalType: "ServicePrincipal",
        description: grant.description,
      },
      parent,
      dependsOn,
    ),
  );
}
