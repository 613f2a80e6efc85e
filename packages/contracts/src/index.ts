/**
 * `@ai-platform/contracts`: the rules and shapes that more than one layer checks or exchanges, defined once.
 * Stack config, the components, the local platform and both services import them from here. No dependencies, so
 * any layer may import it without pulling anything else in.
 *
 * Note: the names are listed one by one (no `export *`) so that ES modules importing this CommonJS package see
 * every named export.
 */
export {
  MODEL_ALIAS,
  MODEL_NAME,
  MODEL_REF_EXAMPLE,
  MODEL_VERSION,
  isModelRef,
  modelRefProblem,
  parseModelRef,
  servedModelProblem,
  type ModelRef,
} from "./model-ref";
export { CRON_MACROS, DEFAULT_TRAINING_SCHEDULE, assertSchedule, isSchedule, scheduleProblem } from "./schedule";
export { dataPlaneEnv, inferenceEnv, pipelineEnv, type ServiceEnvName } from "./service-env";
export type {
  FeatureBaseline,
  InferParameters,
  InferRequestBody,
  InferRequestInput,
  TensorDatatype,
  TensorSpec,
} from "./wire";
export {
  containerIds,
  platformBlobContainers,
  platformContainers,
  platformDatabaseId,
  type CosmosContainerDefinition,
} from "./data-layout";
