/**
 * One loaded model version: its session pool, optional dynamic batcher, signature, metrics and drift.
 * Requests hold a reference while they run; a retired version closes its workers (releasing the sessions'
 * memory) only when the last in-flight request has finished, so a hot swap never fails a request.
 */
import type { InferenceMetrics } from "../metrics.js";
import { type TensorData, type TensorMeta, datatypeOfOrt } from "../protocol/datatypes.js";
import { ResponseJson } from "../protocol/response-json.js";
import { AdaptiveExecutor } from "../runtime/adaptive-executor.js";
import { DynamicBatcher } from "../runtime/batcher.js";
import { type RunResult, SessionPool, type SessionInfo } from "../runtime/session-pool.js";
import type { ModelArtifact, VersionSpec } from "../sources/types.js";
import { DriftTracker } from "./drift.js";
import type { ModelConfig } from "../sources/model-config.js";

/** The result of one request: outputs plus timings in microseconds. */
export interface InferResult extends RunResult {
  readonly queueUs: number;
}

/**
 * This version's metric series, bound once (label lookups per request are measurable at 10k req/s); the
 * counters touched on every request are local series that reach prom-client when scraped.
 */
export function bindMeters(m: InferenceMetrics, model: string, version: string) {
  return {
    success: m.local("success", model, version),
    rejected: m.failure.labels(model, version, "REJECTED"),
    backend: m.failure.labels(model, version, "BACKEND"),
    inferenceCount: m.local("inferenceCount", model, version),
    execCount: m.local("execCount", model, version),
    pending: m.local("pending", model, version),
    requestDuration: m.localHistogram("requestDuration", model, version),
    queueDuration: m.localHistogram("queueDuration", model, version),
    computeDuration: m.localHistogram("computeDuration", model, version),
    batchSize: m.localHistogram("batchSize", model, version),
  };
}

/** A version's bound metric series. */
export type Meters = ReturnType<typeof bindMeters>;

/** How to load a version. */
export interface LoadOptions {
  readonly name: string;
  readonly spec: VersionSpec;
  readonly config: ModelConfig;
  readonly device: "cpu" | "cuda";
  /** CPU cores for this pod; divided among the instances for onnxruntime's intra-op threads. */
  readonly cpuLimit: number;
  readonly metrics: InferenceMetrics;
  /** Told when the version leaves the event loop for the worker pool (inline runs over budget). */
  readonly log: { warn(obj: object, msg: string): void };
}

function toMeta(m: SessionInfo["inputs"][number]): TensorMeta | undefined {
  const datatype = m.isTensor && m.type ? datatypeOfOrt(m.type) : undefined;
  if (!datatype) return undefined;
  return { name: m.name, datatype, shape: (m.shape ?? []).map((d) => (typeof d === "number" && d >= 0 ? d : -1)) };
}

/**
 * onnxruntime intra-op threads per session: the CPU limit minus one core kept for the HTTP event loop (when there
 * are at least two), shared among the instances, at least one. 2 CPUs, 1 instance → 1; 8 CPUs, 2 instances → 3.
 */
export function intraOpThreads(cpuLimit: number, instances: number): number {
  const forInference = cpuLimit >= 2 ? cpuLimit - 1 : cpuLimit;
  return Math.max(1, Math.floor(forInference / instances));
}

function budgetOf(config: ModelConfig): number | undefined {
  return config.execution.mode === "auto" ? config.execution.inlineBudgetUs : undefined;
}

/** A model version that serves requests. */
export class LoadedVersion {
  private inFlight = 0;
  private retired = false;
  private closing: Promise<void> | undefined;
  private markClosed: () => void = () => undefined;
  private readonly closed = new Promise<void>((resolve) => (this.markClosed = resolve));
  /** This version's metric series. */
  readonly meters: Meters;
  /** Writes this version's JSON responses (names and fixed parts escaped once). */
  readonly responseJson: ResponseJson;
  /** Input drift against training's baseline; undefined when the version has none. */
  readonly drift: DriftTracker | undefined;

  private constructor(
    readonly name: string,
    readonly version: number,
    readonly key: string,
    readonly config: ModelConfig,
    readonly inputs: readonly TensorMeta[],
    readonly outputs: readonly TensorMeta[],
    readonly info: SessionInfo,
    private readonly pool: SessionPool,
    private readonly executor: AdaptiveExecutor,
    private readonly batcher: DynamicBatcher | undefined,
    private readonly metrics: InferenceMetrics,
    drift: DriftTracker | undefined,
  ) {
    this.meters = bindMeters(metrics, name, String(version));
    this.responseJson = new ResponseJson({ name, version });
    this.drift = drift;
  }

  /** Fetches the artifact (sha256-verified by the source), starts the workers, loads and warms every session. */
  static async load(opts: LoadOptions): Promise<LoadedVersion> {
    const artifact: ModelArtifact = await opts.spec.load();
    const instances = opts.config.instanceCount;
    const { pool, info } = await SessionPool.open({
      model: artifact,
      instances,
      intraOpNumThreads: intraOpThreads(opts.cpuLimit, instances),
      device: opts.device,
      maxQueue: opts.config.maxQueueSize,
      runDeadlineMs: opts.config.runDeadlineMs,
    });
    const inputs = info.inputs.map(toMeta).filter((m): m is TensorMeta => m !== undefined);
    const outputs = info.outputs.map(toMeta).filter((m): m is TensorMeta => m !== undefined);
    if (inputs.length !== info.inputs.length) {
      await pool.close();
      throw new Error(
        `model ${opts.name} version ${opts.spec.version} has an input the protocol cannot carry (non-tensor or BF16)`,
      );
    }
    const meters = bindMeters(opts.metrics, opts.name, String(opts.spec.version));
    const labels = { model: opts.name, version: String(opts.spec.version) };
    let executor: AdaptiveExecutor;
    try {
      executor = await AdaptiveExecutor.open({
        pool,
        model: artifact,
        execution: opts.config.execution,
        device: opts.device,
        maxBatchSize: opts.config.maxBatchSize,
        onMoveToWorkers: (runUs) => {
          opts.metrics.executionInline.set(labels, 0);
          opts.metrics.executionMoved.inc(labels);
          opts.log.warn(
            { ...labels, runUs: Math.round(runUs), budgetUs: budgetOf(opts.config) },
            "inline runs exceed the budget; the model version moves to the worker pool",
          );
        },
      });
    } catch (error) {
      await pool.close();
      throw error;
    }
    opts.metrics.executionInline.set(labels, executor.mode === "inline" ? 1 : 0);
    const db = opts.config.dynamicBatching;
    const batcher = db
      ? new DynamicBatcher(
          {
            maxBatchSize: opts.config.maxBatchSize,
            maxQueueDelayUs: db.maxQueueDelayUs,
            preferredBatchSizes: db.preferredBatchSizes,
            maxQueueSize: db.maxQueueSize,
            concurrency: instances,
          },
          (feeds, requests) =>
            executor.run(
              feeds,
              outputs.map((o) => o.name),
              requests,
            ),
          (s) => {
            meters.execCount.inc();
            meters.batchSize.observe(s.batchSize);
            meters.computeDuration.observe(s.computeUs);
          },
        )
      : undefined;
    const drift =
      opts.spec.baseline && opts.spec.baseline.length > 0 ? new DriftTracker(opts.spec.baseline) : undefined;
    return new LoadedVersion(
      opts.name,
      opts.spec.version,
      opts.spec.key,
      opts.config,
      inputs,
      outputs,
      info,
      pool,
      executor,
      batcher,
      opts.metrics,
      drift,
    );
  }

  /** Largest batch along dimension 0 (0: the model does not batch), for request validation. */
  get maxBatchSize(): number {
    return this.config.maxBatchSize;
  }

  /** Whether float inputs may hold NaN/±Infinity, for request validation. */
  get allowNonFinite(): boolean {
    return this.config.allowNonFinite;
  }

  /** Where executions run now, and the run cost measured at warmup (one row, in microseconds). */
  get execution(): { readonly mode: "inline" | "workers"; readonly runUs: number } {
    return { mode: this.executor.mode, runUs: this.executor.cost.oneUs };
  }

  /** True until the version is retired (swapped out or removed), and while its runs do not keep hanging. */
  get serving(): boolean {
    return !this.retired && !this.pool.hung;
  }

  /** Runs one request (through the batcher when configured); `rows` is its first dimension. */
  async infer(
    feeds: Record<string, TensorData>,
    rows: number,
    fetches: readonly string[] | undefined,
  ): Promise<InferResult> {
    this.inFlight++;
    try {
      this.observeDrift(feeds);
      if (this.batcher) return await this.batcher.submit(feeds, rows);
      const started = performance.now();
      const result = await this.executor.run(feeds, fetches ?? this.outputs.map((o) => o.name));
      this.meters.execCount.inc();
      this.meters.batchSize.observe(rows);
      this.meters.computeDuration.observe(result.computeUs);
      const totalUs = (performance.now() - started) * 1000;
      return { ...result, queueUs: Math.max(0, totalUs - result.computeUs) };
    } finally {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) void this.close();
    }
  }

  private observeDrift(feeds: Record<string, TensorData>): void {
    const first = this.inputs[0];
    if (!this.drift || !first) return;
    const numeric = (t: TensorData | undefined): t is TensorData =>
      t !== undefined && !Array.isArray(t.data) && typeof t.data[0] !== "bigint";
    const t = feeds[first.name];
    if (this.inputs.length === 1) {
      if (numeric(t) && t.dims.length === 2) this.drift.observe(t.data as ArrayLike<number>, t.dims[1] as number);
      return;
    }
    // One input per feature (the training service's export): gather the columns, by feature name, into rows.
    const columns = this.drift.features.map((f) => feeds[f.name]);
    const rows = columns[0]?.dims[0] ?? 0;
    if (!columns.every((c) => numeric(c) && c.dims[0] === rows && c.data.length === rows)) return;
    const width = columns.length;
    const matrix = new Float64Array(rows * width);
    columns.forEach((c, f) => {
      for (let r = 0; r < rows; r++) matrix[r * width + f] = (c as TensorData).data[r] as number;
    });
    this.drift.observe(matrix, width);
  }

  /** Stops new requests; the workers close once in-flight requests have finished. Resolves when closed. */
  retire(): Promise<void> {
    this.retired = true;
    if (this.inFlight === 0) void this.close();
    return this.closed;
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      this.batcher?.drain(new Error(`model ${this.name} version ${this.version} unloaded`));
      await Promise.all([this.pool.close(), this.executor.close()]);
      this.markClosed();
    })();
    return this.closing;
  }
}
