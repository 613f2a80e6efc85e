/**
 * The platform's workload identities: one federated managed identity per workload's service account, granted
 * exactly the data that workload uses (least privilege; the Cosmos DB data-plane grants are made by `CosmosDb`).
 */
import type * as pulumi from "@pulumi/pulumi";
import { WORKLOAD_NAMESPACE, WORKLOAD_SERVICE_ACCOUNTS } from "./platform-workloads";
import type { PlacementArgs } from "./shared/placement";
import { WorkloadIdentity } from "./workload-identity";

/** What the identities federate with and are granted on. */
export interface WorkloadIdentitiesArgs extends PlacementArgs {
  /** The cluster's OIDC issuer. */
  oidcIssuerUrl: pulumi.Input<string>;
  /** The model store account: training and the pipeline controller write, the others read. */
  modelStoreId: pulumi.Input<string>;
  /** Key Vault: every workload but the pipeline controller reads secrets. */
  keyVaultId: pulumi.Input<string>;
  /** Application Insights: every workload but the pipeline controller publishes metrics. */
  appInsightsId: pulumi.Input<string>;
  /** Create the console's identity. */
  console: boolean;
  /** Create the pipeline controller's identity. */
  pipeline: boolean;
}

/** The identities `AiPlatform` creates: inference and training always, console and pipeline when enabled. */
export interface WorkloadIdentities {
  inference: WorkloadIdentity;
  training: WorkloadIdentity;
  console?: WorkloadIdentity;
  pipeline?: WorkloadIdentity;
}

/** Creates one `WorkloadIdentity` per enabled workload, named `<name>-id-<workload>`. */
export function workloadIdentities(
  name: string,
  args: WorkloadIdentitiesArgs,
  opts: pulumi.ComponentResourceOptions,
): WorkloadIdentities {
  const { oidcIssuerUrl, modelStoreId, keyVaultId, appInsightsId, console: withConsole, pipeline, ...placement } = args;
  const identity = (workload: keyof typeof WORKLOAD_SERVICE_ACCOUNTS) =>
    new WorkloadIdentity(
      `${name}-id-${workload}`,
      {
        ...placement,
        oidcIssuerUrl,
        namespace: WORKLOAD_NAMESPACE,
        serviceAccountName: WORKLOAD_SERVICE_ACCOUNTS[workload],
        grants: [
          {
            scope: modelStoreId,
            roleDefinitionIdOrName:
              workload === "training" || workload === "pipeline"
                ? "Storage Blob Data Contributor"
                : "Storage Blob Data Reader",
          },
          // The pipeline controller reads no secret and exports no telemetry: the model store is all it needs.
          ...(workload === "pipeline"
            ? []
            : [
                { scope: keyVaultId, roleDefinitionIdOrName: "Key Vault Secrets User" },
                { scope: appInsightsId, roleDefinitionIdOrName: "Monitoring Metrics Publisher" },
              ]),
        ],
      },
      opts,
    );
  return {
    inference: identity("inference"),
    training: identity("training"),
    ...(withConsole ? { console: identity("console") } : {}),
    ...(pipeline ? { pipeline: identity("pipeline") } : {}),
  };
}
