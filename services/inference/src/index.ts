/**
 * `@ai-platform/inference`: an Open Inference Protocol (KServe V2) server on fastify and onnxruntime-node.
 * `build` makes the app without listening; `startInferenceServer` listens; `runServer` is the container entry.
 */
export { build, type InferenceDeps } from "./app.js";
export { loadConfig, ConfigError, type InferenceConfig, type ModelSource } from "./config.js";
export { startInferenceServer, runServer, drain, type RunningInferenceServer, type StartOptions } from "./server.js";
export { repositorySource } from "./sources/repository-source.js";
export { registrySource, type RegistryModelRef, type RegistryHandle } from "./sources/registry-source.js";
export type { ModelSourceDriver, ModelSpec, VersionSpec, FeatureBaseline } from "./sources/types.js";
export { createMetrics, type InferenceMetrics } from "./metrics.js";
export { entraJwtVerifier } from "./plugins/entra.js";
export { parseModelConfig, DEFAULT_MODEL_CONFIG, type ModelConfig } from "./sources/model-config.js";
