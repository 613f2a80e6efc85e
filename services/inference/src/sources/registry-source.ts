/**
 * The model registry as a model source: each configured `name@ref` (an alias such as `production`, a version
 * number, or `latest`) is resolved on every poll, so re-aliasing a model swaps the served version. Artifacts are
 * downloaded through the ArtifactStore, which verifies their sha256 (a corrupt artifact fails its load and the
 * old version keeps serving). Canary and shadow refs resolve the same way; a model without them follows the
 * registry's traffic split, which the pipeline controller moves during a rollout.
 *
 * The name `*` (`*@production`) serves every registered model that has the alias: models that gain it are picked
 * up on the next poll and models that lose it (or are deleted) are dropped. A per-pod cap on models and artifact
 * bytes keeps the pod within its memory; a model beyond the cap stays listed in the repository index and answers
 * 503 naming the cap, until a poll finds room for it.
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

/** How much one pod serves at most; `0` = no limit. */
export interface ServingLimits {
  /** Models (INFERENCE_MAX_MODELS). */
  readonly maxModels: number;
  /** Sum of the served versions' artifact sizes in bytes (INFERENCE_MAX_MODEL_BYTES). */
  readonly maxBytes: number;
}

/** A version that is never loaded: its load fails with `reason`, so the model answers 503 with it. */
function declinedSpec(mv: ModelVersion, reason: string): VersionSpec {
  return {
    version: mv.version,
    key: `${mv.artifact.sha256}:declined`,
    load: () => Promise.reject(new Error(reason)),
    baseline: undefined,
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
  limits: ServingLimits = { maxModels: 0, maxBytes: 0 },
): ModelSourceDriver {
  let handle: RegistryHandle | undefined;
  /** Models admitted under the cap on earlier polls keep their place ahead of newcomers. */
  let admitted: string[] = [];
  return {
    description: `registry ${models.map((m) => `${m.name}@${m.ref}`).join(",")}`,
    async scan() {
      handle ??= await open();
      const h = handle;
      const out: ModelSpec[] = [];
      const errors: { model: string; message: string }[] = [];
      const named = models.filter((m) => m.name !== "*");
      const wildcards = models.filter((m) => m.name === "*");
      const expanded: { ref: RegistryModelRef; optional: boolean }[] = named.map((ref) => ({ ref, optional: false }));
      if (wildcards.length > 0) {
        const taken = new Set(named.map((m) => m.name));
        for (const name of await h.registry.listModels())
          for (const w of wildcards)
            if (!taken.has(name)) {
              taken.add(name);
              expanded.push({ ref: { name, ref: w.ref }, optional: true });
            }
      }
      const order = (name: string): number => (admitted.includes(name) ? admitted.indexOf(name) : admitted.length);
      expanded.sort((a, b) => order(a.ref.name) - order(b.ref.name) || a.ref.name.localeCompare(b.ref.name));
      const nowAdmitted: string[] = [];
      let bytes = 0;
      for (const { ref: m, optional } of expanded) {
        try {
          const primary = await h.registry.resolve(m.name, m.ref);
          if (!primary && optional) continue; // `*@alias`: a model without the alias is simply not served
          if (!primary) throw new Error(`no version of model "${m.name}" matches "${m.ref}"`);
          const size = primary.artifact.sizeBytes;
          const over =
            limits.maxModels > 0 && nowAdmitted.length >= limits.maxModels
              ? `this pod serves at most ${limits.maxModels} models (INFERENCE_MAX_MODELS)`
              : limits.maxBytes > 0 && bytes + size > limits.maxBytes
                ? `this pod serves at most ${limits.maxBytes} bytes of models (INFERENCE_MAX_MODEL_BYTES); ${m.name} needs ${size} more`
                : undefined;
          if (over) {
            out.push({
              name: m.name,
              config: { ...config, versionPolicy: { kind: "specific", versions: [primary.version] } },
              versions: [declinedSpec(primary, `not served: ${over}`)],
              defaultVersion: primary.version,
            });
            continue;
          }
          nowAdmitted.push(m.name);
          bytes += size;
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
            config: {
              ...config,
              // Models trained here impute missing numbers, so NaN (JSON null) is a valid input for them.
              allowNonFinite: config.allowNonFinite || primary.acceptsMissing === true,
              versionPolicy: { kind: "specific", versions: [...versions.keys()] },
              canary,
              shadow,
            },
            versions: [...versions.values()].sort((a, b) => a.version - b.version),
            defaultVersion: primary.version,
          });
        } catch (error) {
          errors.push({ model: m.name, message: error instanceof Error ? error.message : String(error) });
        }
      }
      admitted = nowAdmitted;
      return { models: out, errors };
    },
    async close() {
      handle?.close();
      handle = undefined;
    },
  };
}
