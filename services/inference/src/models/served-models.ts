/**
 * The served models: keeps the loaded versions in line with a source, swaps versions atomically,
 * keeps the old version serving when a new one fails to load, routes canary/shadow traffic and
 * answers readiness (every model the source names has a serving default version).
 */
import { notFound, unavailable } from "../errors.js";
import type { InferenceMetrics } from "../metrics.js";
import type { ModelSourceDriver, ModelSpec } from "../sources/types.js";
import { LoadedVersion } from "./loaded-version.js";
import type { ModelConfig } from "../sources/model-config.js";

/** Minimal structured logger (fastify's pino logger fits). */
export interface ServedModelsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** One version's state, as `POST /v2/repository/index` reports it. */
export interface VersionState {
  readonly name: string;
  readonly version: string;
  readonly state: "READY" | "LOADING" | "UNAVAILABLE";
  readonly reason: string;
}

interface ModelEntry {
  config: ModelConfig;
  versions: Map<number, LoadedVersion>;
  defaultVersion: number;
}

/** Where a request goes: the version that answers, and optionally a shadow that only observes. */
export interface Route {
  readonly primary: LoadedVersion;
  readonly shadow: LoadedVersion | undefined;
}

/** FNV-1a of a request id, finished with murmur3's fmix32 so similar ids spread evenly, mapped to [0, 1). */
export function stickyFraction(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/**
 * The wait before the next poll: the interval while the source answers; after `failures` failed scans in a row,
 * doubling per failure up to 16 times the interval (at most a minute), so an outage is not hammered.
 */
export function pollDelayMs(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(intervalMs * 2 ** Math.min(failures, 4), Math.max(intervalMs, 60_000));
}

/** Options for the store. */
export interface ServedModelsOptions {
  readonly device: "cpu" | "cuda";
  readonly cpuLimit: number;
  readonly metrics: InferenceMetrics;
  readonly log: ServedModelsLogger;
  /** Random source for canary splits of requests without an id (tests inject a fixed one). */
  readonly random?: () => number;
}

/** The set of served models, synchronised with one source. */
export class ServedModels {
  private readonly models = new Map<string, ModelEntry>();
  private expected = new Set<string>();
  private readonly failed = new Map<string, { key: string; reason: string }>();
  private readonly loading = new Set<string>();
  private synced = false;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopWatch: (() => void) | undefined;
  /** Scans that failed in a row (the source unreachable); polling backs off while it is above 0. */
  private scanFailures = 0;

  constructor(
    private readonly source: ModelSourceDriver,
    private readonly opts: ServedModelsOptions,
  ) {}

  /** True once the first sync finished and every model the source names has a serving default version. */
  get ready(): boolean {
    if (!this.synced || this.expected.size === 0) return false;
    for (const name of this.expected) {
      const e = this.models.get(name);
      if (!e || !e.versions.has(e.defaultVersion)) return false;
    }
    return true;
  }

  /** Brings the loaded versions in line with the source; concurrent calls coalesce into one more pass. */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.syncOnce();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async syncOnce(): Promise<void> {
    let scan;
    try {
      scan = await this.source.scan();
      // Every model failing its lookup is the source failing (an outage), not a bad model: keep everything as is.
      if (scan.models.length === 0 && scan.errors.length > 0) {
        throw new Error(scan.errors.map((e) => `${e.model}: ${e.message}`).join("; "));
      }
    } catch (error) {
      this.scanFailures++;
      this.opts.metrics.sourceUp.set(0);
      this.opts.metrics.sourceScanFailures.inc();
      this.opts.log.error(
        { source: this.source.description, err: String(error), consecutiveFailures: this.scanFailures },
        "model source scan failed; keeping the current models",
      );
      return;
    }
    if (this.scanFailures > 0) {
      this.opts.log.info(
        { source: this.source.description, after: this.scanFailures },
        "model source reachable again; polling at the normal interval",
      );
    }
    this.scanFailures = 0;
    this.opts.metrics.sourceUp.set(1);
    for (const e of scan.errors)
      this.opts.log.error({ model: e.model, reason: e.message }, "model skipped; keeping its loaded versions");
    const keep = new Set([...scan.models.map((m) => m.name), ...scan.errors.map((e) => e.model)]);
    for (const spec of scan.models) await this.syncModel(spec);
    for (const [name, entry] of this.models) {
      if (keep.has(name)) continue;
      this.models.delete(name);
      for (const lv of entry.versions.values()) this.unload(lv);
    }
    // A model skipped this time (its lookup failed) keeps counting while its loaded versions serve.
    this.expected = new Set([...scan.models.map((m) => m.name), ...scan.errors.map((e) => e.model)]);
    for (const name of this.expected)
      if (!scan.models.some((m) => m.name === name) && !this.models.has(name)) this.expected.delete(name);
    this.synced = true;
  }

  private async syncModel(spec: ModelSpec): Promise<void> {
    const entry: ModelEntry = this.models.get(spec.name) ?? {
      config: spec.config,
      versions: new Map(),
      defaultVersion: spec.defaultVersion,
    };
    // Routing (versions served, canary weight, shadow) is read per request: only what a loaded version uses reloads it.
    const loadFields = ({ canary: _c, shadow: _s, versionPolicy: _v, ...rest }: ModelConfig): string =>
      JSON.stringify(rest);
    const configChanged = loadFields(entry.config) !== loadFields(spec.config);
    for (const v of spec.versions) {
      const id = `${spec.name}@${v.version}`;
      const current = entry.versions.get(v.version);
      if (current && current.key === v.key && !configChanged) continue;
      if (this.failed.get(id)?.key === v.key && !configChanged) continue;
      const labels = { model: spec.name, version: String(v.version) };
      this.loading.add(id);
      try {
        const lv = await LoadedVersion.load({
          name: spec.name,
          spec: v,
          config: spec.config,
          device: this.opts.device,
          cpuLimit: this.opts.cpuLimit,
          metrics: this.opts.metrics,
          log: this.opts.log,
        });
        // The swap: one map assignment; requests already holding the old version finish on it.
        entry.versions.set(v.version, lv);
        this.models.set(spec.name, entry);
        this.failed.delete(id);
        this.opts.metrics.modelLoad.inc(labels);
        this.opts.metrics.modelReady.set(labels, 1);
        if (lv.info.fallbackReason)
          this.opts.log.warn({ ...labels, reason: lv.info.fallbackReason }, "running on CPU instead of CUDA");
        this.opts.log.info(
          {
            ...labels,
            key: v.key,
            provider: lv.info.provider,
            execution: lv.execution.mode,
            runUs: Math.round(lv.execution.runUs),
            swapped: current !== undefined,
          },
          "model version loaded",
        );
        if (current) void current.retire();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.failed.set(id, { key: v.key, reason });
        this.opts.metrics.modelLoadFailure.inc(labels);
        this.opts.log.error(
          { ...labels, key: v.key, reason, serving: current ? "previous artifact" : "nothing" },
          "model version failed to load",
        );
      } finally {
        this.loading.delete(id);
      }
    }
    // Versions the source dropped are unloaded, except the one serving unversioned requests
    // while the new default failed to load (a bad rollout never takes the model offline).
    const wanted = new Set(spec.versions.map((v) => v.version));
    const fallback = entry.versions.has(spec.defaultVersion) ? undefined : entry.defaultVersion;
    for (const [version, lv] of entry.versions) {
      if (wanted.has(version) || version === fallback) continue;
      entry.versions.delete(version);
      this.unload(lv);
    }
    entry.config = spec.config;
    if (entry.versions.has(spec.defaultVersion)) entry.defaultVersion = spec.defaultVersion;
    if (entry.versions.size > 0) this.models.set(spec.name, entry);
  }

  private unload(lv: LoadedVersion): void {
    const labels = { model: lv.name, version: String(lv.version) };
    this.opts.metrics.modelReady.set(labels, 0);
    this.opts.metrics.modelUnload.inc(labels);
    this.opts.log.info(labels, "model version unloading after in-flight requests");
    void lv.retire();
  }

  /** Names of the served models. */
  names(): string[] {
    return [...this.models.keys()].sort();
  }

  /** Loaded versions of a model (ascending); 404 for an unknown model. */
  versions(name: string): LoadedVersion[] {
    const e = this.models.get(name);
    if (!e) throw notFound(`unknown model "${name}"`);
    return [...e.versions.values()].sort((a, b) => a.version - b.version);
  }

  /** A specific version, or the default one; 404 when unknown, 503 while it is still loading. */
  get(name: string, version?: string): LoadedVersion {
    const e = this.models.get(name);
    if (!e) {
      if ([...this.loading].some((id) => id.startsWith(`${name}@`))) throw unavailable(`model "${name}" is loading`);
      const failure = [...this.failed].find(([id]) => id.startsWith(`${name}@`));
      if (failure) throw unavailable(`model "${name}" failed to load: ${failure[1].reason}`);
      throw notFound(`unknown model "${name}"`);
    }
    const v = version === undefined ? e.defaultVersion : /^[1-9][0-9]*$/.test(version) ? Number(version) : Number.NaN;
    const lv = e.versions.get(v);
    if (lv) return lv;
    if (this.loading.has(`${name}@${v}`)) throw unavailable(`model "${name}" version "${version}" is loading`);
    throw notFound(`model "${name}" has no version "${version ?? e.defaultVersion}"`);
  }

  /** Where an inference request goes: explicit version, or default/canary by weight (sticky per id), plus any shadow. */
  route(name: string, version: string | undefined, requestId: string | undefined): Route {
    if (version !== undefined) return { primary: this.get(name, version), shadow: undefined };
    const e = this.models.get(name);
    let primary = this.get(name);
    const canary = e?.config.canary;
    if (e && canary && canary.version !== primary.version) {
      const challenger = e.versions.get(canary.version);
      const u = requestId !== undefined ? stickyFraction(requestId) : (this.opts.random ?? Math.random)();
      if (challenger && u < canary.weight) primary = challenger;
    }
    const s = e?.config.shadow;
    const shadow = s && s.version !== primary.version ? e.versions.get(s.version) : undefined;
    return { primary, shadow };
  }

  /** Every known version's state (Triton's repository index). */
  index(): VersionState[] {
    const out: VersionState[] = [];
    for (const [name, e] of this.models)
      for (const v of e.versions.keys()) out.push({ name, version: String(v), state: "READY", reason: "" });
    for (const id of this.loading) {
      const [name = "", version = ""] = id.split("@");
      out.push({ name, version, state: "LOADING", reason: "" });
    }
    for (const [id, f] of this.failed) {
      const [name = "", version = ""] = id.split("@");
      out.push({ name, version, state: "UNAVAILABLE", reason: f.reason });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || Number(a.version) - Number(b.version));
  }

  /** Polls the source every `intervalMs` and on its change notifications. */
  startWatching(intervalMs: number): void {
    const poll = (): void => {
      this.timer = setTimeout(
        () => {
          void this.sync().finally(() => {
            if (this.timer !== undefined) poll();
          });
        },
        pollDelayMs(intervalMs, this.scanFailures),
      );
      this.timer.unref();
    };
    poll();
    let debounce: NodeJS.Timeout | undefined;
    this.stopWatch = this.source.watch?.(() => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void this.sync(), 200);
      debounce.unref();
    });
  }

  /** Stops watching and unloads everything (after in-flight requests). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopWatch?.();
    await this.running;
    const all = [...this.models.values()].flatMap((e) => [...e.versions.values()]);
    this.models.clear();
    await Promise.all(all.map((lv) => lv.retire()));
    await this.source.close();
  }
}
