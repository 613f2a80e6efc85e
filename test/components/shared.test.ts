import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { builtInRoles } from "../../components/shared/built-in-roles";
import { keyUri } from "../../components/shared/customer-managed-key";
import { diagnosticSettingInputs } from "../../components/shared/diagnostic-settings";
import { globalName, nameRules } from "../../components/shared/global-name";
import { addLock } from "../../components/shared/lock";
import {
  assignRoles,
  roleAssignmentName,
  roleDefinitionGuid,
  roleDefinitionResourceId,
} from "../../components/shared/role-assignments";
import { uuidV5 } from "../../components/shared/uuid";
import { named, ofType, record } from "./helpers";

const SCOPE =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr";

describe("uuidV5", () => {
  it("matches the RFC test vector", () => {
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });
  it("is deterministic and has version 5 and the RFC variant", () => {
    const a = uuidV5("x");
    expect(a).toBe(uuidV5("x"));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV5("y")).not.toBe(a);
  });
  it("rejects a namespace that is not a UUID", () => {
    expect(() => uuidV5("x", "nope")).toThrow(new Error('uuidV5: namespace "nope" is not a UUID'));
  });
});

describe("role definitions", () => {
  it.each([
    ["AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"],
    ["4633458B-17DE-408A-B874-0445C86B69E6", "4633458b-17de-408a-b874-0445c86b69e6"],
    [
      "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
      "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    ],
  ])("resolves %s", (input, guid) => {
    expect(roleDefinitionGuid(input)).toBe(guid);
  });

  it("names every built-in role when the name is unknown", () => {
    expect(() => roleDefinitionGuid("Owner-ish")).toThrow(
      new Error(
        `roleDefinitionIdOrName "Owner-ish" is neither a built-in role name (${Object.keys(builtInRoles).join(", ")}), a GUID nor a role-definition id`,
      ),
    );
  });

  it("builds the subscription-scoped id from the scope", () => {
    expect(roleDefinitionResourceId("AcrPull", SCOPE)).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
    );
    const full = "/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d";
    expect(roleDefinitionResourceId(full, SCOPE)).toBe(full);
    expect(() => roleDefinitionResourceId("AcrPull", "/providers/x")).toThrow(
      new Error('role assignment scope "/providers/x" is not a subscription-level resource id'),
    );
  });

  it("names an assignment from scope, principal and role, ignoring case and the role's spelling", () => {
    const name = roleAssignmentName(SCOPE, "p1", "AcrPull");
    expect(name).toBe(uuidV5(`${SCOPE.toLowerCase()}|p1|7f951dda-4ed3-4680-a7ca-43fe172d538d`));
    expect(roleAssignmentName(SCOPE.toUpperCase(), "P1", "7f951dda-4ed3-4680-a7ca-43fe172d538d")).toBe(name);
    expect(roleAssignmentName(SCOPE, "p2", "AcrPull")).not.toBe(name);
    expect(roleAssignmentName(SCOPE, "p1", "AcrPush")).not.toBe(name);
  });
});

class Holder extends pulumi.ComponentResource {
  constructor(build: (self: Holder) => void) {
    super("test:index:Holder", "holder");
    build(this);
  }
}

describe("assignRoles", () => {
  const grants = [
    { roleDefinitionIdOrName: "AcrPull", principalId: pulumi.output("principal-a") },
    {
      roleDefinitionIdOrName: "AcrPush",
      principalId: "group-b",
      principalType: "Group" as const,
      description: "CI",
      condition: "c",
    },
  ];

  it("creates one assignment per grant with full role ids, deterministic names and ServicePrincipal by default", async () => {
    const { resources } = await record(() => new Holder((self) => assignRoles("acr", SCOPE, grants, self)));
    const assignments = ofType(resources, "azure-native:authorization:RoleAssignment");
    expect(assignments.map((r) => r.name)).toEqual(["acr-role-0", "acr-role-1"]);
    expect(assignments[0]!.inputs).toEqual({
      scope: SCOPE,
      principalId: "principal-a",
      principalType: "ServicePrincipal",
      roleDefinitionId: roleDefinitionResourceId("AcrPull", SCOPE),
      roleAssignmentName: roleAssignmentName(SCOPE, "principal-a", "AcrPull"),
    });
    expect(assignments[1]!.inputs).toEqual({
      scope: SCOPE,
      principalId: "group-b",
      principalType: "Group",
      roleDefinitionId: roleDefinitionResourceId("AcrPush", SCOPE),
      roleAssignmentName: roleAssignmentName(SCOPE, "group-b", "AcrPush"),
      description: "CI",
      condition: "c",
      conditionVersion: "2.0",
    });
  });

  it("gives the same names on a second run", async () => {
    const first = await record(() => new Holder((self) => assignRoles("acr", SCOPE, grants, self)));
    const second = await record(() => new Holder((self) => assignRoles("acr", SCOPE, grants, self)));
    const names = (rs: typeof first.resources) =>
      ofType(rs, "azure-native:authorization:RoleAssignment").map((r) => r.inputs.roleAssignmentName);
    expect(names(second.resources)).toEqual(names(first.resources));
  });

  it("fails at construction for an unknown role name", async () => {
    await expect(
      record(
        () =>
          new Holder((self) => assignRoles("acr", SCOPE, [{ roleDefinitionIdOrName: "Nope", principalId: "p" }], self)),
      ),
    ).rejects.toThrow(/^roleDefinitionIdOrName "Nope" is neither a built-in role name/);
  });
});

describe("addLock", () => {
  it("creates lock-<name> with the given level and a default note", async () => {
    const { resources } = await record(
      () => new Holder((self) => addLock("kv", SCOPE, { kind: "CanNotDelete" }, self)),
    );
    expect(named(resources, "azure-native:authorization:ManagementLockByScope", "kv-lock").inputs).toEqual({
      scope: SCOPE,
      lockName: "lock-kv",
      level: "CanNotDelete",
      notes: "Set by ai-platform. Remove it through the stack's `lock` setting before destroying the resource.",
    });
  });
  it("creates nothing without a lock", async () => {
    const { resources } = await record(() => new Holder((self) => addLock("kv", SCOPE, undefined, self)));
    expect(ofType(resources, "azure-native:authorization:ManagementLockByScope")).toEqual([]);
  });
});

describe("diagnosticSettingInputs", () => {
  const ws = { workspaceId: "ws" };
  it.each([
    [
      "allLogs and AllMetrics, resource-specific tables",
      ws,
      { logs: "allLogs", metrics: true, dedicated: true } as const,
      {
        logs: [{ categoryGroup: "allLogs", enabled: true }],
        metrics: [{ category: "AllMetrics", enabled: true }],
        logAnalyticsDestinationType: "Dedicated",
      },
    ],
    [
      "a curated list",
      ws,
      { logs: ["kube-audit-admin"], metrics: true, dedicated: true } as const,
      {
        logs: [{ category: "kube-audit-admin", enabled: true }],
        metrics: [{ category: "AllMetrics", enabled: true }],
        logAnalyticsDestinationType: "Dedicated",
      },
    ],
    [
      "metrics only, AzureDiagnostics",
      ws,
      { logs: "none", metrics: true, dedicated: false } as const,
      { logs: [], metrics: [{ category: "AllMetrics", enabled: true }], logAnalyticsDestinationType: undefined },
    ],
    [
      "the caller's categories over the defaults",
      { ...ws, logCategories: ["AuditEvent"], metricCategories: [] },
      { logs: "allLogs", metrics: true, dedicated: true } as const,
      { logs: [{ category: "AuditEvent", enabled: true }], metrics: [], logAnalyticsDestinationType: "Dedicated" },
    ],
  ])("%s", (_label, settings, defaults, expected) => {
    expect(diagnosticSettingInputs(settings, defaults)).toEqual(expected);
  });
});

describe("globalName", () => {
  it.each([
    ["ai-platform-models", "abc123", nameRules.storageAccount, "aiplatformmodelsabc123"],
    ["A very--long_Name-for-a-storage-account", "abc123", nameRules.storageAccount, "averylongnameforasabc123"],
    ["2-platform--kv", "abc123", nameRules.keyVault, "platform-kv-abc123"],
    ["platform-key-vault-for-models", "abc123", nameRules.keyVault, "platform-key-vaul-abc123"],
    ["platform", "abc123", nameRules.containerRegistry, "platformabc123"],
  ])("%s + %s", (prefix, suffix, rule, expected) => {
    const name = globalName(prefix, suffix, rule);
    expect(name).toBe(expected);
    expect(name.length).toBeLessThanOrEqual(rule.maxLength);
  });
});

describe("keyUri", () => {
  it.each([
    ["https://kv.vault.azure.net/", "k", undefined, "https://kv.vault.azure.net/keys/k"],
    ["https://kv.vault.azure.net", "k", "v1", "https://kv.vault.azure.net/keys/k/v1"],
    ["https://kv.vault.azure.net/", "k", "", "https://kv.vault.azure.net/keys/k"],
  ])("%s %s %s", (uri, key, version, expected) => {
    expect(keyUri(uri, key, version)).toBe(expected);
  });
});
