/**
 * Grants before use: the control plane may join every subnet a pool or the API server uses; every workload
 * identity holds the data-plane roles it needs; principal types match the principal; and a propagation wait
 * sits between a grant and its first use (ARM returns before authorization caches see a new grant).
 */
import type { PlannedResource } from "../plan/types";
import { MOCK_ACCESS_TOKEN, MOCK_DEPLOYER_OBJECT_ID } from "../plan/mocks";
import { builtInRoles } from "../../components/shared/built-in-roles";
import { principalTypeOfToken } from "../../components/shared/principal-type";
import { keyOf, type Finding, type PlanView } from "./types";

const AKS_PERMISSIONS = "https://learn.microsoft.com/azure/aks/concepts-identity#aks-cluster-identity-permissions";
const RBAC_TROUBLESHOOTING =
  "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#role-assignment-changes-are-not-being-detected";
const PRINCIPAL_TYPE =
  "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#principaltype";
const WORKLOAD_IDENTITY = "https://learn.microsoft.com/azure/aks/workload-identity-overview";
const WAIT_TYPE = "pulumi-nodejs:dynamic:Resource";

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const roleGuid = (ra: PlannedResource): string => str(ra.inputs.roleDefinitionId).split("/").pop()?.toLowerCase() ?? "";
const same = (a: unknown, b: unknown): boolean => str(a).toLowerCase() === str(b).toLowerCase() && str(a) !== "";

/** True when a propagation wait that waits for `grant` is among what `consumer` waits for. */
function waitedFor(plan: PlanView, consumer: string, grant: string): boolean {
  return [...plan.waitsFor(consumer)].some((k) => k.startsWith(`${WAIT_TYPE}::`) && plan.waitsFor(k).has(grant));
}

function clusterPools(plan: PlanView, cluster: PlannedResource): PlannedResource[] {
  const name = cluster.computed?.name ?? str(cluster.inputs.resourceName);
  return plan.ofType("azure-native:containerservice:AgentPool").filter((p) => same(p.inputs.resourceName, name));
}

/** Subnet joins by the control-plane identity, each granted and awaited. */
function subnetGrants(plan: PlanView): Finding[] {
  const findings: Finding[] = [];
  const assignments = plan.ofType("azure-native:authorization:RoleAssignment");
  const joiners = new Set([
    builtInRoles["Network Contributor"],
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
  ]);
  for (const cluster of plan.ofType("azure-native:containerservice:ManagedCluster")) {
    const identityId = str(
      (cluster.inputs.identity as { userAssignedIdentities?: string[] } | undefined)?.userAssignedIdentities?.[0],
    );
    const principal = plan.byId(identityId)?.computed?.principalId;
    if (principal === undefined) continue; // system-assigned: AKS grants itself in the node resource group
    const profile = cluster.inputs.apiServerAccessProfile as
      { enableVnetIntegration?: boolean; subnetId?: string } | undefined;
    const uses: [consumer: PlannedResource, subnet: string][] = [
      ...((cluster.inputs.agentPoolProfiles as { vnetSubnetID?: string }[] | undefined) ?? []).map(
        (p) => [cluster, str(p.vnetSubnetID)] as [PlannedResource, string],
      ),
      ...(profile?.enableVnetIntegration === true
        ? [[cluster, str(profile.subnetId)] as [PlannedResource, string]]
        : []),
      ...clusterPools(plan, cluster).map((p) => [p, str(p.inputs.vnetSubnetID)] as [PlannedResource, string]),
    ].filter(([, subnet]) => subnet !== "");
    for (const [consumer, subnet] of uses) {
      const grant = assignments.find(
        (ra) => same(ra.inputs.scope, subnet) && same(ra.inputs.principalId, principal) && joiners.has(roleGuid(ra)),
      );
      const subnetName = subnet.split("/").pop();
      if (grant === undefined) {
        findings.push({
          resource: keyOf(consumer),
          rule: "grants/subnet-join",
          why: `subnet ${subnetName} is used by ${consumer.name} but the cluster's control-plane identity holds no Network Contributor on it: VMSS create fails with LinkedAuthorizationFailed`,
          source: AKS_PERMISSIONS,
          fix: "grant the control-plane identity Network Contributor on every subnet a node pool or the API server uses",
        });
      } else if (!waitedFor(plan, keyOf(consumer), keyOf(grant))) {
        findings.push({
          resource: keyOf(consumer),
          rule: "grants/propagation-wait",
          why: `${consumer.name} uses the Network Contributor grant on subnet ${subnetName} without waiting for it to propagate`,
          source: RBAC_TROUBLESHOOTING,
          fix: "make the consumer depend on a PropagationWait that depends on the grant",
        });
      }
    }
  }
  return findings;
}

/** Each federated workload identity holds data-plane roles on Cosmos DB and the model store. */
function workloadRoles(plan: PlanView): Finding[] {
  const findings: Finding[] = [];
  const cosmos = plan.ofType("azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
  const accounts = plan.ofType("azure-native:storage:StorageAccount");
  const blobRoles = new Set<string>([
    builtInRoles["Storage Blob Data Reader"],
    builtInRoles["Storage Blob Data Contributor"],
    builtInRoles["Storage Blob Data Owner"],
  ]);
  const assignments = plan.ofType("azure-native:authorization:RoleAssignment");
  for (const fic of plan.ofType("azure-native:managedidentity:FederatedIdentityCredential")) {
    const identity = plan
      .ofType("azure-native:managedidentity:UserAssignedIdentity")
      .find((i) => same(i.computed?.name, fic.inputs.resourceName));
    const principal = identity?.computed?.principalId;
    if (identity === undefined || principal === undefined) continue;
    const missing: string[] = [];
    if (
      plan.ofType("azure-native:cosmosdb:DatabaseAccount").length > 0 &&
      !cosmos.some((c) => same(c.inputs.principalId, principal))
    )
      missing.push("a Cosmos DB data-plane role (SQL role assignment)");
    for (const account of accounts)
      if (
        !assignments.some(
          (ra) =>
            same(ra.inputs.principalId, principal) &&
            same(ra.inputs.scope, account.computed?.id) &&
            blobRoles.has(roleGuid(ra)),
        )
      )
        missing.push(`a Storage Blob Data role on ${account.name}`);
    if (missing.length > 0)
      findings.push({
        resource: keyOf(identity),
        rule: "grants/workload-data-plane",
        why: `workload identity ${identity.name} (${str(fic.inputs.subject)}) lacks ${missing.join(" and ")}: its first read fails with 403`,
        source: WORKLOAD_IDENTITY,
        fix: "grant the identity the data roles its workload uses (CosmosDb dataPlaneRoleAssignments, WorkloadIdentity grants)",
      });
  }
  return findings;
}

/** Managed identities are ServicePrincipal; the deployer's kind is what its token says. */
function principalTypes(plan: PlanView): Finding[] {
  const managed = new Set(
    plan.ofType("azure-native:managedidentity:UserAssignedIdentity").map((i) => i.computed?.principalId?.toLowerCase()),
  );
  const deployerKind = principalTypeOfToken(MOCK_ACCESS_TOKEN);
  const findings: Finding[] = [];
  for (const ra of plan.ofType("azure-native:authorization:RoleAssignment")) {
    const principal = str(ra.inputs.principalId).toLowerCase();
    const declared = str(ra.inputs.principalType);
    const expected = managed.has(principal)
      ? "ServicePrincipal"
      : principal === MOCK_DEPLOYER_OBJECT_ID
        ? deployerKind
        : undefined;
    if (expected === undefined || declared === expected) continue;
    findings.push({
      resource: keyOf(ra),
      rule: "grants/principal-type",
      why: `principalType ${declared || "(unset: the SDK sends User)"} for a ${managed.has(principal) ? "managed identity" : `deployer signed in as a ${deployerKind}`}: ARM rejects it with UnmatchedPrincipalType`,
      source: PRINCIPAL_TYPE,
      fix: managed.has(principal)
        ? "declare principalType ServicePrincipal"
        : "derive the deployer's principalType from its token (deployerPrincipalType auto)",
    });
  }
  return findings;
}

/** The deployer's own grants (cluster admin, AcrPush) are awaited before the first Kubernetes call or push. */
function deployerGrantWaits(plan: PlanView): Finding[] {
  const findings: Finding[] = [];
  const deployerGrants = plan
    .ofType("azure-native:authorization:RoleAssignment")
    .filter((ra) => str(ra.inputs.principalId).toLowerCase() === MOCK_DEPLOYER_OBJECT_ID);
  const check = (consumers: PlannedResource[], role: string, what: string): void => {
    const grant = deployerGrants.find((g) => roleGuid(g) === role);
    if (grant === undefined) return;
    const first = consumers.find((c) => !waitedFor(plan, keyOf(c), keyOf(grant)));
    if (first !== undefined)
      findings.push({
        resource: keyOf(first),
        rule: "grants/propagation-wait",
        why: `${what} right after the deployer's ${grant.name} grant, with no propagation wait: the first run fails with 403`,
        source: RBAC_TROUBLESHOOTING,
        fix: "make the consumer depend on a PropagationWait that depends on the grant",
      });
  };
  check(
    plan.result.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm")),
    builtInRoles["Azure Kubernetes Service RBAC Cluster Admin"],
    "Kubernetes resources are applied",
  );
  check(plan.ofType("docker-build:index:Image"), builtInRoles.AcrPush, "images are pushed");
  return findings;
}

/** The grants rule class. */
export function grantFindings(plan: PlanView): Finding[] {
  return [...subnetGrants(plan), ...workloadRoles(plan), ...principalTypes(plan), ...deployerGrantWaits(plan)];
}
