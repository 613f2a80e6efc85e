import { describe, expect, it } from "vitest";
import {
  validateWorkloadIdentityNames,
  WorkloadIdentity,
  type WorkloadIdentityArgs,
} from "../../components/workload-identity";
import { roleAssignmentName } from "../../components/shared/role-assignments";
import { MOCK_TENANT_ID, unwrap, type RegisteredResource } from "../support/pulumi-mocks";
import { countByType, diffRuns, memoize, named, ofType, record } from "./helpers";

const ISSUER = "https://oidc.example/aks/";
const STORE =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/models";
const VAULT =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
const base: WorkloadIdentityArgs = {
  resourceGroupName: "rg",
  location: "westeurope",
  tags: { env: "test" },
  oidcIssuerUrl: ISSUER,
  namespace: "ai-platform",
  serviceAccountName: "inference",
};
const construct = (args: Partial<WorkloadIdentityArgs> = {}) =>
  record(() => new WorkloadIdentity("inference", { ...base, ...args }));
const build = memoize(construct);
const identity = (resources: readonly RegisteredResource[]) =>
  named(resources, "azure-native:managedidentity:UserAssignedIdentity", "inference-identity");

describe("WorkloadIdentity", () => {
  it("creates the identity and one federated credential, and nothing else without grants", async () => {
    const { resources } = await build();
    expect(countByType(resources)).toEqual({
      "ai-platform:identity:WorkloadIdentity": 1,
      "azure-native:managedidentity:UserAssignedIdentity": 1,
      "azure-native:managedidentity:FederatedIdentityCredential": 1,
    });
    expect(identity(resources).inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
    });
  });

  it("trusts exactly the cluster's issuer, the one service account, and the workload identity audience", async () => {
    const { resources } = await build();
    expect(
      named(resources, "azure-native:managedidentity:FederatedIdentityCredential", "inference-federation").inputs,
    ).toEqual({
      resourceGroupName: "rg",
      resourceName: "inference-identity",
      federatedIdentityCredentialResourceName: "ai-platform-inference",
      issuer: ISSUER,
      subject: "system:serviceaccount:ai-platform:inference",
      audiences: ["api://AzureADTokenExchange"],
    });
  });

  it("exposes the client id, principal id and service-account annotation", async () => {
    const { result, resources } = await build();
    const state = identity(resources).state;
    expect(await unwrap(result.clientId)).toBe(state.clientId);
    expect(await unwrap(result.principalId)).toBe(state.principalId);
    expect(await unwrap(result.tenantId)).toBe(MOCK_TENANT_ID);
    expect(result.subject).toBe("system:serviceaccount:ai-platform:inference");
    expect(await unwrap(result.serviceAccountAnnotations)).toEqual({
      "azure.workload.identity/client-id": state.clientId,
    });
  });

  it("grants the identity its roles as a ServicePrincipal with deterministic names", async () => {
    const grants = [
      { scope: STORE, roleDefinitionIdOrName: "Storage Blob Data Reader" as const },
      { scope: VAULT, roleDefinitionIdOrName: "Key Vault Secrets User" as const, description: "secrets" },
    ];
    const first = await build({ grants });
    const principalId = identity(first.resources).state.principalId as string;
    expect(ofType(first.resources, "azure-native:authorization:RoleAssignment").map((r) => [r.name, r.inputs])).toEqual(
      [
        [
          "inference-grant-0",
          {
            scope: STORE,
            principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId:
              "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
            roleAssignmentName: roleAssignmentName(STORE, principalId, "Storage Blob Data Reader"),
          },
        ],
        [
          "inference-grant-1",
          {
            scope: VAULT,
            principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId:
              "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
            roleAssignmentName: roleAssignmentName(VAULT, principalId, "Key Vault Secrets User"),
            description: "secrets",
          },
        ],
      ],
    );
    const second = await construct({ grants });
    const names = (rs: readonly RegisteredResource[]) =>
      ofType(rs, "azure-native:authorization:RoleAssignment").map((r) => r.inputs.roleAssignmentName);
    expect(names(second.resources)).toEqual(names(first.resources));
  });

  it("changes only the federated subject and credential name for another service account", async () => {
    const before = await build();
    const after = await build({ serviceAccountName: "training" });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "azure-native:managedidentity:FederatedIdentityCredential::inference-federation.federatedIdentityCredentialResourceName",
      "azure-native:managedidentity:FederatedIdentityCredential::inference-federation.subject",
    ]);
  });

  it("adds a lock and grants on the identity itself only when asked", async () => {
    const before = await build();
    const after = await build({
      lock: { kind: "CanNotDelete" },
      roleAssignments: [{ roleDefinitionIdOrName: "Managed Identity Operator", principalId: "ci" }],
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "+azure-native:authorization:ManagementLockByScope::inference-lock",
      "+azure-native:authorization:RoleAssignment::inference-role-0",
    ]);
    expect(named(after.resources, "azure-native:authorization:RoleAssignment", "inference-role-0").inputs.scope).toBe(
      identity(after.resources).state.id,
    );
  });

  it.each([
    [
      "AI-Platform",
      "inference",
      'WorkloadIdentity w: namespace ("AI-Platform") must be a DNS label: lowercase letters, digits and "-", at most 63',
    ],
    [
      "ai",
      "Inference_SA",
      'WorkloadIdentity w: serviceAccountName ("Inference_SA") must be a DNS subdomain name: lowercase letters, digits, "-" and "."',
    ],
    [
      "-ns",
      "",
      'WorkloadIdentity w: namespace ("-ns") must be a DNS label: lowercase letters, digits and "-", at most 63; serviceAccountName ("") must be a DNS subdomain name: lowercase letters, digits, "-" and "."',
    ],
  ])("rejects namespace %j and service account %j", (namespace, serviceAccountName, message) => {
    expect(() => validateWorkloadIdentityNames("w", namespace, serviceAccountName)).toThrow(new Error(message));
  });

  it("rejects bad names before declaring any child", async () => {
    await expect(build({ namespace: "Bad" })).rejects.toThrow(
      new Error(
        'WorkloadIdentity inference: namespace ("Bad") must be a DNS label: lowercase letters, digits and "-", at most 63',
      ),
    );
  });
});
