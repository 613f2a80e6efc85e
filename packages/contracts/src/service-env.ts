/**
 * The environment variables through which the platform configures its services. The Kubernetes workloads and the
 * local platform write these names; the services read them. Values are the variable names.
 */

/** Where both services find the platform's data. Set by every workload and by `npm start`. */
export const dataPlaneEnv = {
  /** Cosmos DB account endpoint (`https://<account>.documents.azure.com:443/`). Required. */
  cosmosEndpoint: "COSMOS_ENDPOINT",
  /** Cosmos DB database id. Defaults to the data layout's database. */
  cosmosDatabase: "COSMOS_DATABASE",
  /** Blob service endpoint of the model store. Required. */
  blobEndpoint: "STORAGE_BLOB_ENDPOINT",
  /** Cosmos DB key: only for the local emulator (Azure uses Entra ID). */
  cosmosKey: "COSMOS_KEY",
  /** Storage connection string: only for the local emulator (Azure uses Entra ID). */
  storageConnectionString: "STORAGE_CONNECTION_STRING",
  /** Application Insights connection string for OpenTelemetry export. Optional. */
  applicationInsightsConnectionString: "APPLICATIONINSIGHTS_CONNECTION_STRING",
} as const;

/** The inference service's variables (every one is documented in docs/inference.md). */
export const inferenceEnv = {
  /** Listen address. */
  host: "HOST",
  /** Listen port. */
  port: "PORT",
  /** gRPC listen port (`inference.GRPCInferenceService`); unset = REST only. */
  grpcPort: "INFERENCE_GRPC_PORT",
  /** Registry models to serve: `name@ref[,name@ref]`, or `*@alias` for every model that has the alias. */
  models: "INFERENCE_MODELS",
  /** With `*@alias`: the most models one pod serves (`0` = no limit). */
  maxModels: "INFERENCE_MAX_MODELS",
  /** With `*@alias`: the most artifact bytes one pod serves (`0` = no limit). */
  maxModelBytes: "INFERENCE_MAX_MODEL_BYTES",
  /** A Triton-layout model directory (instead of `models`). */
  modelRepository: "INFERENCE_MODEL_REPOSITORY",
  /** Canary refs with traffic weights: `name@ref=weight[,…]`. */
  canary: "INFERENCE_CANARY",
  /** Shadow refs: `name@ref[,…]`. */
  shadow: "INFERENCE_SHADOW",
  /** `cpu` or `cuda`. */
  device: "INFERENCE_DEVICE",
  /** CPU cores the pod may use. */
  cpuLimit: "INFERENCE_CPU_LIMIT",
  /** How often sources are re-resolved, in milliseconds. */
  pollIntervalMs: "INFERENCE_POLL_INTERVAL_MS",
  /** Entra ID tenant whose tokens are accepted. */
  authJwtTenantId: "INFERENCE_AUTH_JWT_TENANT_ID",
  /** Audience the Entra ID token must carry. */
  authJwtAudience: "INFERENCE_AUTH_JWT_AUDIENCE",
  /** Requests per second per client. */
  rateLimitRps: "INFERENCE_RATE_LIMIT_RPS",
  /** File holding the API key (a mounted secret). */
  apiKeyFile: "INFERENCE_API_KEY_FILE",
} as const;

/** One variable name of {@link dataPlaneEnv} or {@link inferenceEnv}. */
export type ServiceEnvName =
  (typeof dataPlaneEnv)[keyof typeof dataPlaneEnv] | (typeof inferenceEnv)[keyof typeof inferenceEnv];

/** The pipeline controller's variables (documented in docs/pipeline.md). */
export const pipelineEnv = {
  /**
   * DNS name that resolves to every inference replica (a headless Service): the controller reads each one's
   * `/metrics`.
   */
  inferenceHost: "PIPELINE_INFERENCE_HOST",
  /** Port of the inference replicas' HTTP API. */
  inferencePort: "PIPELINE_INFERENCE_PORT",
  /** Seconds between reconcile passes. */
  intervalSeconds: "PIPELINE_INTERVAL_SECONDS",
  /** Port of the controller's own `/metrics` (the stuck-rollout alert reads it). */
  metricsPort: "PIPELINE_METRICS_PORT",
} as const;
