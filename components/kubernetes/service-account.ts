/**
 * The Kubernetes side of Entra workload identity: a ServiceAccount annotated with the client id of
 * a user-assigned managed identity whose federated credential trusts this account's subject.
 *
 * The federated credential itself (Azure side) comes from the infrastructure components; it must use
 * `workloadIdentitySubject(namespace, name)` as its subject, so the account name is fixed, not auto-named.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** Inputs of `workloadServiceAccount`. */
export interface WorkloadServiceAccountArgs {
  /** Namespace of the account. */
  readonly namespace: pulumi.Input<string>;
  /** Account name: fixed (never auto-named) because the federated credential's subject names it. */
  readonly name: string;
  /** Client id of the user-assigned managed identity the pods act as. */
  readonly clientId: pulumi.Input<string>;
  /** Entra tenant id; unset lets the webhook use the cluster's tenant. */
  readonly tenantId?: pulumi.Input<string>;
  /** Labels for the account (the recommended `app.kubernetes.io/*` set). */
  readonly labels?: Record<string, string>;
}

/** The subject a federated identity credential must trust: `system:serviceaccount:<namespace>:<name>`. */
export function workloadIdentitySubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * Creates the annotated ServiceAccount. `automountServiceAccountToken` is `false`: the workload
 * identity webhook projects its own audience-bound token, so the pods need no API-server token.
 */
export function workloadServiceAccount(
  resourceName: string,
  args: WorkloadServiceAccountArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.ServiceAccount {
  const annotations: Record<string, pulumi.Input<string>> = { "azure.workload.identity/client-id": args.clientId };
  if (args.tenantId !== undefined) annotations["azure.workload.identity/tenant-id"] = args.tenantId;
  return new k8s.core.v1.ServiceAccount(
    resourceName,
    {
      metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels }, annotations },
      automountServiceAccountToken: false,
    },
    opts,
  );
}
