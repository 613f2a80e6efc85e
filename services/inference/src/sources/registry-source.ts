/**
 * The model registry as a model source: each configured `name@ref` (an alias such as `production`, a version
 * number, or `latest`) is resolved on every poll, so re-aliasing a model swaps the served version. Artifacts are
 * downloaded through the ArtifactStore, which verifies their sha256 (a corrupt artifact fails its load and the
 * old version keeps serving). Canary and shadow refs resolve the same way; a model without them follows the
 * registry's traffic split, which the pipeline controller moves during a rollout.
 */
import type { ArtifactStore, ModelRegistry, ModelVersion } from "@ai-platform/registry";
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from "./model-config.js";
import type { ModelSourceDriver, ModelSpec, VersionSpec } from "./types.js";

/** An opened registry (what `openRegistry` from `@ai-platform/registry` returns). */
export interface RegistryHandle {
  readonly registry: ModelRegistry;
  readonly artifacts: ArtifactStore;
  close(): void;
}

/** One served model: the primary ref and optional canary/shadow refs. */
export interface RegistryModelRef {
  readonly name: string;
  readonly ref: string;
  /** Send `weight` of unversioned traffic to the version `ref` resolves to. */
  readonly canary?: { readonly ref: string; readonly weight: number };
  /** Mirror traffic to the version `ref` resolves to. */
  readonly shadow?: { readonly ref: string };
}

/** The model config every registry model gets from INFERENCE_MAX_BATCH_SIZE / _MAX_QUEUE_DELAY_US / _INSTANCES. */
export function registryModelConfig(serving: {
  maxBatchSize: number;
  maxQueueDelayUs: number;
  instances: number;
}): ModelConfig {
  return {
    ...DEFAULT_MODEL_CONFIG,
    maxBatchSize: serving.maxBatchSize,
    dynamicBatching:
      serving.maxBatchSize > 0
        ? { maxQueueDelayUs: serving.maxQueueDelayUs, preferredBatchSizes: [], maxQueueSize: 1024 }
        : undefined,
    instanceCount: serving.instances,
  };
}

function versionSpec(handle: RegistryHandle, mv: ModelVersion): VersionSpec {
  return {
    version: mv.version,
    key: mv.artifact.sha256,
    load: async () => ({ bytes: await handle.artifacts.get(mv.artifact.uri, mv.artifact.sha256) }),
    baseline: mv.baseline?.features,
  };
}

/**
 * A source over the registry. `open` is called once, on the first scan (so a registry that is not up yet
 * is retried on the next poll); `config` applies to every model (batching, instances).
 */
export function registrySource(
  models: readonly RegistryModelRef[],
  open: () => Promise<RegistryHandle>,
  config: ModelConfig = DEFAULT_MODEL_CONFIG,
): ModelSourceDriver {
  let handle: RegistryHandle | undefined;
  return {
    description: `registry ${models.map((m) => `${m.name}@${m.ref}`).join(",")}`,
    async scan() {
      handle ??= await open();
      const h = handle;
      const out: ModelSpec[] = [];
      const errors: { model: string; message: string }[] = [];
      for (const m of models) {
        try {
          const primary = await h.registry.resolve(m.name, m.ref);
          if (!primary) throw new Error(`no version of model "${m.name}" matches "${m.ref}"`);
          const versions = new Map<number, VersionSpec>([[primary.version, versionSpec(h, primary)]]);
          let canary: ModelConfig["canary"];
          let shadow: ModelConfig["shadow"];
          // Refs configured at deploy time win; otherwise the registry's traffic split (a rollout's canary) applies.
          const traffic = m.canary || m.shadow ? {} : await h.registry.getTraffic(m.name);
          const canaryRef = m.canary?.ref ?? traffic.canary?.version.toString();
          if (canaryRef !== undefined) {
            const c = await h.registry.resolve(m.name, canaryRef);
            if (c) {
              versions.set(c.version, versionSpec(h, c));
              canary = { version: c.version, weight: m.canary?.weight ?? traffic.canary?.weight ?? 0 };
            }
          }
          const shadowRef = m.shadow?.ref ?? traffic.shadow?.version.toString();
          if (shadowRef !== undefined) {
            const s = await h.registry.resolve(m.name, shadowRef);
            if (s) {
              versions.set(s.version, versionSpec(h, s));
              shadow = { version: s.version };
            }
          }
          out.push({
            name: m.name,
            config: { ...config, versionPolicy: { kind: "specific", versions: [...versions.keys()] }, canary, shadow },
            versions: [...versions.values()].sort((a, b) => a.version - b.version),
            defaultVersion: primary.version,
          });
        } catch (error) {
          errors.push({ model: m.name, message: error instanceof Error ? error.message : String(error) });
        }
      }
      return { models: out, errors };
    },
    async close() {
      handle?.close();
      handle = undefined;
    },
  };
}
