/**
 * Azure built-in role definition ids the platform grants, by display name.
 * Source: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles (ids are the same in every tenant).
 */
export const builtInRoles = {
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  AcrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
  "Monitoring Data Reader": "b0d8363b-8ddd-447d-831f-62ca05bff136",
  "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
  "Private DNS Zone Contributor": "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
  "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
  "Cosmos DB Operator": "230815da-be43-4aae-9cb4-875f7bd000aa",
  "Azure Kubernetes Service Cluster User Role": "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
  "Azure Kubernetes Service RBAC Reader": "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
  "Azure Kubernetes Service RBAC Writer": "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
  "Azure Kubernetes Service RBAC Admin": "3498e952-d568-435e-9b2c-8d77e338d7f7",
  "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
} as const;

/** The display name of a built-in role in {@link builtInRoles}. */
export type BuiltInRoleName = keyof typeof builtInRoles;
