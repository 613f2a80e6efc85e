/**
 * Every stack setting of the `ai-platform` project: its Pulumi config type, its schema and what it
 * means. `Pulumi.yaml` declares exactly these keys (a test keeps the two in step); the resolver in
 * `resolve.ts` parses them, applies the environment's defaults and checks them together.
 */
import { scheduleProblem, servedModelProblem } from "@ai-platform/contracts";
import { z } from "zod";

/** The environments whose defaults differ (see `defaults.ts`). */
export const environments = ["dev", "staging", "prod"] as const;
/** One of {@link environments}. */
export type Environment = (typeof environments)[number];

const cidr = z
  .string()
  .regex(/^(\d{1,3})(\.\d{1,3}){3}\/(\d|[12]\d|3[0-2])$/, "expected an IPv4 CIDR such as 203.0.113.0/24");
const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "expected an object id (GUID)");
const servedModel = z.string().superRefine((value, ctx) => {
  const problem = servedModelProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});
const schedule = z.string().superRefine((value, ctx) => {
  const problem = value === "" ? undefined : scheduleProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

/** One key: its Pulumi config type (how the CLI validates it), its schema and its description. */
export interface KeySpec {
  readonly type: "string" | "integer" | "boolean" | "array";
  readonly schema: z.ZodType;
  readonly description: string;
}

/** The keys, by unqualified name. Descriptions are copied into `Pulumi.yaml`. */
export const configKeys = {
  environment: {
    type: "string",
    schema: z.enum(environments),
    description: "Environment profile whose defaults apply: dev, staging or prod.",
  },
  location: {
    type: "string",
    schema: z.string().regex(/^[a-z0-9]+$/, "expected an Azure region name such as westeurope"),
    description: "Azure region of every resource.",
  },
  namePrefix: {
    type: "string",
    schema: z
      .string()
      .regex(/^[a-z][a-z0-9]{1,7}$/, "expected 2-8 lowercase letters or digits, starting with a letter"),
    description: "Prefix of every resource name (2-8 lowercase alphanumerics); keeps globally unique names short.",
  },
  networkAddressSpace: {
    type: "string",
    schema: cidr,
    description:
      "Address space of the platform VNet (a /16 is split into node, private-endpoint, API-server and agent subnets).",
  },
  zoneRedundant: {
    type: "boolean",
    schema: z.boolean(),
    description: "Spread the cluster, Cosmos DB, storage and registry over availability zones.",
  },
  resourceLocks: {
    type: "boolean",
    schema: z.boolean(),
    description: "Put CanNotDelete locks on stateful resources (Cosmos DB, storage, Key Vault, registry).",
  },
  logRetentionDays: {
    type: "integer",
    schema: z.number().int().min(30).max(730),
    description: "Log Analytics retention in days (30-730).",
  },
  alertEmails: {
    type: "array",
    schema: z.array(z.email()),
    description: "Addresses the monitoring action group notifies; empty creates no e-mail receiver.",
  },
  cosmosZoneRedundant: {
    type: "boolean",
    schema: z.boolean(),
    description:
      "Zone-redundant Cosmos DB account. Zonal accounts are capacity-restricted in several regions (ServiceUnavailable until access is granted); turn on once the region has granted it.",
  },
  cosmosBackupTier: {
    type: "string",
    schema: z.enum(["Continuous7Days", "Continuous30Days"]),
    description: "Cosmos DB continuous-backup tier (point-in-time restore window).",
  },
  clusterKubernetesVersion: {
    type: "string",
    schema: z.string().regex(/^1\.\d{2}$/, 'expected a minor version such as "1.33"'),
    description: "AKS Kubernetes minor version; patches follow the auto-upgrade channel.",
  },
  clusterSkuTier: {
    type: "string",
    schema: z.enum(["Free", "Standard", "Premium"]),
    description: "AKS tier: Free has no uptime SLA; Standard for anything users depend on.",
  },
  clusterSystemVmSize: {
    type: "string",
    schema: z.string().regex(/^Standard_[A-Za-z0-9_]+$/, "expected a VM size such as Standard_D4s_v5"),
    description: "VM size of the system node pool.",
  },
  clusterSystemMinNodes: {
    type: "integer",
    schema: z.number().int().min(1).max(100),
    description: "Minimum system pool nodes (autoscaled).",
  },
  clusterSystemMaxNodes: {
    type: "integer",
    schema: z.number().int().min(1).max(100),
    description: "Maximum system pool nodes (autoscaled).",
  },
  clusterApiServerAccess: {
    type: "string",
    schema: z.enum(["public", "private"]),
    description:
      "public: API server on a public FQDN limited to clusterAuthorizedIpRanges; private: private cluster, reachable only from the VNet.",
  },
  clusterAuthorizedIpRanges: {
    type: "array",
    schema: z.array(
      cidr.refine(
        (c) => !c.endsWith("/0"),
        "a /0 range opens the API server to the internet; list the deployer's egress ranges",
      ),
    ),
    description:
      "CIDRs allowed to reach a public API server (the deployer's egress and operators); required when clusterApiServerAccess is public.",
  },
  clusterApiServerVnetIntegration: {
    type: "boolean",
    schema: z.boolean(),
    description:
      "Project the API server into a delegated subnet (API-server VNet integration); nodes talk to it privately.",
  },
  deployerPrincipalType: {
    type: "string",
    schema: z.enum(["auto", "User", "ServicePrincipal"]),
    description:
      "Kind of the principal running `pulumi up`, for its grants (AKS RBAC Cluster Admin, AcrPush); auto reads it from the deployer's access token (a user on a laptop, a service principal in CI).",
  },
  clusterAdminGroupObjectIds: {
    type: "array",
    schema: z.array(guid),
    description: "Entra groups granted Azure Kubernetes Service RBAC Cluster Admin.",
  },
  gpuEnabled: { type: "boolean", schema: z.boolean(), description: "Create the GPU node pool." },
  gpuVmSize: {
    type: "string",
    schema: z
      .string()
      .regex(/^Standard_N[A-Za-z0-9_]+$/, "expected an N-series GPU VM size such as Standard_NC4as_T4_v3"),
    description: "GPU pool VM size (N-series). Immutable: a change creates a new pool.",
  },
  gpuMinNodes: {
    type: "integer",
    schema: z.number().int().min(0).max(100),
    description: "Minimum GPU nodes; 0 lets the pool scale to zero when no GPU pod is pending.",
  },
  gpuMaxNodes: { type: "integer", schema: z.number().int().min(1).max(100), description: "Maximum GPU nodes." },
  gpuSpot: {
    type: "boolean",
    schema: z.boolean(),
    description:
      "Use spot VMs for the GPU pool (evictable, much cheaper); suits checkpointed training, not latency-bound serving.",
  },
  gpuMigProfile: {
    type: "string",
    schema: z.enum(["None", "MIG1g", "MIG2g", "MIG3g", "MIG4g", "MIG7g"]),
    description: "Multi-Instance GPU profile (A100/H100/H200 only); None uses whole GPUs.",
  },
  registryPrivate: {
    type: "boolean",
    schema: z.boolean(),
    description: "Disable public access to the container registry (Premium, private endpoint only).",
  },
  imageBuildMode: {
    type: "string",
    schema: z.enum(["docker", "acr-tasks"]),
    description:
      "docker: build on the deployer with BuildKit and push with an Entra token; acr-tasks: build inside Azure with ACR Tasks (no Docker needed; works with a private registry).",
  },
  imageSourceUrl: {
    type: "string",
    schema: z.string(),
    description:
      'acr-tasks only: build context ACR Tasks fetches, a git URL pinned to a commit, "https://github.com/org/ai-platform.git#<commit sha>" (a branch never triggers a rebuild). Empty with docker.',
  },
  imageTag: {
    type: "string",
    schema: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "expected a Docker tag"),
    description: "Tag of the built images; workloads deploy the pushed digest, the tag only names the build.",
  },
  deploymentRunner: {
    type: "string",
    schema: z.enum(["outside-vnet", "inside-vnet"]),
    description:
      "Where `pulumi up` runs: outside-vnet (a laptop or hosted CI runner) or inside-vnet (a self-hosted runner that reaches private endpoints).",
  },
  workloadsEnabled: {
    type: "boolean",
    schema: z.boolean(),
    description: "Deploy the inference service and training job onto the cluster.",
  },
  demoBootstrap: {
    type: "boolean",
    schema: z.boolean(),
    description:
      "Run a one-off Job at deploy time that ingests the bundled iris dataset, trains and promotes the first served model, so a fresh platform answers.",
  },
  inferenceDevice: {
    type: "string",
    schema: z.enum(["cpu", "cuda"]),
    description: "Inference device: cpu (system/user nodes) or cuda (GPU pool, CUDA image).",
  },
  inferenceModels: {
    type: "array",
    schema: z.array(servedModel),
    description:
      'Models the inference service loads, as "name@ref" (ref: version, alias or latest), or "*@production" for every model with that alias.',
  },
  inferenceMinReplicas: {
    type: "integer",
    schema: z.number().int().min(1).max(100),
    description: "Minimum inference replicas (autoscaled on CPU).",
  },
  inferenceMaxReplicas: {
    type: "integer",
    schema: z.number().int().min(1).max(100),
    description: "Maximum inference replicas.",
  },
  trainingSchedule: {
    type: "string",
    schema: schedule,
    description:
      "Schedule (UTC) of the training job: five cron fields or a macro such as @daily; empty uses the daily 03:00 default.",
  },
  consoleOperatorGroupId: {
    type: "string",
    schema: z.union([z.literal(""), guid]),
    description:
      "Entra group whose members may promote and roll back in the platform console; empty deploys no console.",
  },
  consoleSignInClientId: {
    type: "string",
    schema: z.union([z.literal(""), guid]),
    description:
      "Client id of the Entra app registration people sign in to the console with (a federated credential for the console's ServiceAccount, the groups claim).",
  },
  consoleProxyImage: {
    type: "string",
    schema: z.union([
      z.literal(""),
      z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9.-]*(?::[0-9]+)?\/[a-z0-9._/-]+(?::[\w][\w.-]{0,127})?@sha256:[0-9a-f]{64}$/,
          "expected an image pinned by digest",
        ),
    ]),
    description:
      "The console's sign-in proxy image (oauth2-proxy 7.8 or later), imported into the platform registry, pinned by digest.",
  },
  pipelineEnabled: {
    type: "boolean",
    schema: z.boolean(),
    description:
      "Deploy the pipeline controller, which runs each model's pipeline policy (retrain, gate, canary, promote or roll back) by itself.",
  },
} as const satisfies Record<string, KeySpec>;

/** A config key name. */
export type ConfigKey = keyof typeof configKeys;

/** The resolved, typed value of every key. */
export type ConfigValues = { -readonly [K in ConfigKey]: z.infer<(typeof configKeys)[K]["schema"]> };

/** Keys without an environment default: every stack must set them. */
export const requiredKeys: readonly ConfigKey[] = ["environment", "location"];
