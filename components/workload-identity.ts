/**
 * An Entra identity for one Kubernetes service account: a user-assigned managed identity, a federated
 * credential that trusts the cluster's OIDC issuer for exactly `system:serviceaccount:<namespace>:<name>`,
 * and the identity's role grants. Pods using the service account get tokens without any secret.
 */
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { addLock, type Lock } from "./shared/lock";
import type { PlacementArgs } from "./shared/placement";
import { assignRoles, grantRoles, type RoleAssignment, type RoleGrant } from "./shared/role-assignments";

/** The audience AKS workload identity tokens carry (https://azure.github.io/azure-workload-identity). */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";

/** Arguments of {@link WorkloadIdentity}. */
export interface WorkloadIdentityArgs extends PlacementArgs {
  /** The cluster's OIDC issuer URL (`AksCluster.oidcIssuerUrl`). */
  oidcIssuerUrl: pulumi.Input<string>;
  /** Kubernetes namespace of the service account (a DNS label). */
  namespace: string;
  /** Name of the service account (a DNS subdomain name). */
  serviceAccountName: string;
  /**
   * Roles the identity holds on other resources, for example `Storage Blob Data Reader` on the model store.
   * Defaults to none. Cosmos DB data access is a data-plane grant: use `CosmosDb.dataPlaneRoleAssignments`.
   */
  grants?: readonly RoleGrant[];
  /** Management lock on the identity. Defaults to none. */
  lock?: Lock;
  /** RBAC grants on the identity itself, for example `Managed Identity Operator`. Defaults to none. */
  roleAssignments?: readonly RoleAssignment[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks the Kubernetes names; throws one error naming every bad field. Pure. */
export function validateWorkloadIdentityNames(name: string, namespace: string, serviceAccountName: string): void {
  const errors: string[] = [];
  if (!DNS_LABEL.test(namespace))
    errors.push(`namespace ("${namespace}") must be a DNS label: lowercase letters, digits and "-", at most 63`);
  if (!DNS_SUBDOMAIN.test(serviceAccountName)) {
    errors.push(
      `serviceAccountName ("${serviceAccountName}") must be a DNS subdomain name: lowercase letters, digits, "-" and "."`,
    );
  }
  if (errors.length > 0) throw new Error(`WorkloadIdentity ${name}: ${errors.join("; ")}`);
}

/** A managed identity federated with one Kubernetes service account. */
export class WorkloadIdentity extends pulumi.ComponentResource {
  /** Resource id of the managed identity. */
  readonly identityId: pulumi.Output<string>;
  /** Name of the managed identity. */
  readonly identityName: pulumi.Output<string>;
  /** Client id: the service account's `azure.workload.identity/client-id` annotation. */
  readonly clientId: pulumi.Output<string>;
  /** Object id of the identity's service principal, for grants made elsewhere. */
  readonly principalId: pulumi.Output<string>;
  /** Tenant of the identity. */
  readonly tenantId: pulumi.Output<string>;
  /** The federated subject, `system:serviceaccount:<namespace>:<name>`. */
  readonly subject: string;
  /** Annotations the Kubernetes service account needs. */
  readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:identity:WorkloadIdentity", name, {}, opts);
    validateWorkloadIdentityNames(name, args.namespace, args.serviceAccountName);
    const subject = `system:serviceaccount:${args.namespace}:${args.serviceAccountName}`;

    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags },
      { parent: this },
    );
    new managedidentity.FederatedIdentityCredential(
      `${name}-federation`,
      {
        resourceGroupName: args.resourceGroupName,
        resourceName: identity.name,
        federatedIdentityCredentialResourceName: `${args.namespace}-${args.serviceAccountName}`.slice(0, 120),
        issuer: args.oidcIssuerUrl,
        subject,
        audiences: [WORKLOAD_IDENTITY_AUDIENCE],
      },
      { parent: this },
    );
    grantRoles(name, identity.principalId, args.grants, this);
    addLock(name, identity.id, args.lock, this);
    assignRoles(name, identity.id, args.roleAssignments, this);

    this.identityId = identity.id;
    this.identityName = identity.name;
    this.clientId = identity.clientId;
    this.principalId = identity.principalId;
    this.tenantId = identity.tenantId;
    this.subject = subject;
    this.serviceAccountAnnotations = identity.clientId.apply((clientId): Record<string, string> => ({
      "azure.workload.identity/client-id": clientId,
    }));
    this.registerOutputs({
      identityId: this.identityId,
      identityName: this.identityName,
      clientId: this.clientId,
      principalId: this.principalId,
      tenantId: this.tenantId,
      subject: this.subject,
      serviceAccountAnnotations: this.serviceAccountAnnotations,
    });
  }
}
