/**
 * Prometheus metrics with Triton's names and `{model, version}` labels, as histograms rather than summaries so
 * they aggregate across pods. One registry per app: no process-global state.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const LATENCY_US = [100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000];
const BATCH = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/**
 * One labelled series of a counter or gauge updated on every request: `inc`/`dec` are plain additions, and the
 * accumulated change reaches prom-client when the metric is collected (every scrape, every `get()`), which
 * spares the request path prom-client's per-call label validation and hashing.
 */
export class LocalSeries {
  private delta = 0;

  constructor(private readonly series: { inc(v: number): void; dec?(v: number): void }) {}

  inc(v = 1): void {
    this.delta += v;
  }

  dec(v = 1): void {
    this.delta -= v;
  }

  /** Adds the accumulated change to the prom-client series. */
  flush(): void {
    const d = this.delta;
    if (d === 0) return;
    this.delta = 0;
    if (d > 0 || !this.series.dec) this.series.inc(d);
    else this.series.dec(-d);
  }
}

/** The per-series state prom-client 15's Histogram keeps (its `hashMap` values); checked when first used. */
interface HistogramEntry {
  labels: Record<string, string>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * One labelled series of a histogram observed on every request: `observe` is a bucket search and three additions
 * (prom-client's costs about 1 µs: label validation, hashing, a closure), and the accumulated observations join
 * prom-client's series when the metric is collected. Buckets, sum and count come out exactly as if observed there.
 */
export class LocalHistogram {
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    private readonly target: Histogram<"model" | "version">,
    private readonly labels: { readonly model: string; readonly version: string },
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > (b[i] as number)) i++;
    (this.counts as unknown as number[])[i]! += 1;
    this.sum += v;
    this.count++;
  }

  /** Adds the accumulated observations to the prom-client series. */
  flush(): void {
    if (this.count === 0) return;
    const entry = this.entry();
    for (let i = 0; i < this.bounds.length; i++) {
      const bound = this.bounds[i] as number;
      entry.bucketValues[bound] = (entry.bucketValues[bound] ?? 0) + (this.counts[i] as number);
    }
    entry.sum += this.sum;
    entry.count += this.count;
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  private entry(): HistogramEntry {
    const map = (this.target as unknown as { hashMap?: Record<string, HistogramEntry> }).hashMap;
    const find = () =>
      Object.values(map ?? {}).find(
        (e) => e.labels.model === this.labels.model && e.labels.version === this.labels.version,
      );
    let entry = find();
    if (!entry) {
      this.target.zero(this.labels);
      entry = find();
    }
    if (!entry || typeof entry.sum !== "number" || typeof entry.bucketValues !== "object")
      throw new Error("prom-client's Histogram no longer keeps hashMap entries; LocalHistogram needs updating");
    return entry;
  }
}

/** Why a request failed (Triton's `reason` label). */
export type FailureReason = "REJECTED" | "BACKEND" | "OTHER";

/** Every metric the service exports. */
export interface InferenceMetrics {
  readonly registry: Registry;
  readonly success: Counter<"model" | "version">;
  readonly failure: Counter<"model" | "version" | "reason">;
  readonly inferenceCount: Counter<"model" | "version">;
  readonly execCount: Counter<"model" | "version">;
  readonly pending: Gauge<"model" | "version">;
  readonly requestDuration: Histogram<"model" | "version">;
  readonly queueDuration: Histogram<"model" | "version">;
  readonly computeDuration: Histogram<"model" | "version">;
  readonly batchSize: Histogram<"model" | "version">;
  readonly modelLoad: Counter<"model" | "version">;
  readonly modelUnload: Counter<"model" | "version">;
  readonly modelLoadFailure: Counter<"model" | "version">;
  readonly modelReady: Gauge<"model" | "version">;
  readonly featurePsi: Gauge<"model" | "version" | "feature">;
  readonly shadow: Counter<"model" | "version" | "challenger" | "result">;
  /** 1 while the version runs its executions inline on the event loop, 0 on the worker pool. */
  readonly executionInline: Gauge<"model" | "version">;
  /** Versions moved from the event loop to the worker pool because inline runs exceeded the budget. */
  readonly executionMoved: Counter<"model" | "version">;
  /** 1 while the model source (registry or repository) answers its scans, 0 while it is unreachable. */
  readonly sourceUp: Gauge;
  /** Model source scans that failed (an outage of Cosmos DB or the repository). */
  readonly sourceScanFailures: Counter;
  /** The per-request series of `success`, `inferenceCount`, `execCount` or `pending` for one version (one per labels). */
  local(metric: "success" | "inferenceCount" | "execCount" | "pending", model: string, version: string): LocalSeries;
  /** The per-request series of a latency or batch-size histogram for one version (one per labels). */
  localHistogram(
    metric: "requestDuration" | "queueDuration" | "computeDuration" | "batchSize",
    model: string,
    version: string,
  ): LocalHistogram;
}

/** Creates the metrics in a fresh registry (plus Node process metrics when `processMetrics`). */
export function createMetrics(opts: { processMetrics?: boolean } = {}): InferenceMetrics {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const mv = ["model", "version"] as const;
  const locals = new Map<string, Map<string, { flush(): void }>>();
  const flush = (name: string) => (): void => {
    for (const l of locals.get(name)?.values() ?? []) l.flush();
  };
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry], collect: flush(name) });
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram<"model" | "version">({
      name,
      help,
      labelNames: mv,
      buckets,
      registers: [registry],
      collect: flush(name),
    });
  const metrics: Omit<InferenceMetrics, "local" | "localHistogram"> = {
    registry,
    success: counter("nv_inference_request_success", "Successful inference requests.", mv),
    failure: counter(
      "nv_inference_request_failure",
      "Failed inference requests, by reason (REJECTED, BACKEND, OTHER).",
      ["model", "version", "reason"],
    ),
    inferenceCount: counter("nv_inference_count", "Inferences performed (a batch of n counts n).", mv),
    execCount: counter("nv_inference_exec_count", "Model executions (a batch counts once).", mv),
    pending: new Gauge({
      name: "nv_inference_pending_request_count",
      help: "Requests received and not yet answered.",
      labelNames: mv,
      registers: [registry],
      collect: flush("nv_inference_pending_request_count"),
    }),
    requestDuration: histogram(
      "nv_inference_request_duration_us",
      "End-to-end inference request handling time in microseconds.",
      LATENCY_US,
    ),
    queueDuration: histogram(
      "nv_inference_queue_duration_us",
      "Time requests waited in the scheduling queue in microseconds.",
      LATENCY_US,
    ),
    computeDuration: histogram(
      "nv_inference_compute_infer_duration_us",
      "Time in onnxruntime per execution in microseconds.",
      LATENCY_US,
    ),
    batchSize: histogram("nv_inference_batch_size", "Rows per model execution.", BATCH),
    modelLoad: counter("nv_model_load_total", "Model versions loaded.", mv),
    modelUnload: counter("nv_model_unload_total", "Model versions unloaded.", mv),
    modelLoadFailure: counter(
      "nv_model_load_failure_total",
      "Model version loads that failed (corrupt, unreadable or sha256 mismatch).",
      mv,
    ),
    modelReady: new Gauge({
      name: "nv_model_ready",
      help: "1 while the model version serves.",
      labelNames: mv,
      registers: [registry],
    }),
    featurePsi: new Gauge({
      name: "inference_feature_psi",
      help: "Population stability index of served inputs versus the training baseline, per feature.",
      labelNames: ["model", "version", "feature"],
      registers: [registry],
    }),
    shadow: counter(
      "inference_shadow_comparisons_total",
      "Shadow requests by agreement with the primary (agree, disagree, error).",
      ["model", "version", "challenger", "result"],
    ),
    executionInline: new Gauge({
      name: "inference_execution_inline",
      help: "1 while the model version runs inline on the event loop, 0 while it runs on the worker pool.",
      labelNames: mv,
      registers: [registry],
    }),
    executionMoved: counter(
      "inference_execution_moved_to_workers_total",
      "Model versions moved from the event loop to the worker pool because inline runs exceeded their budget.",
      mv,
    ),
    sourceUp: new Gauge({
      name: "inference_model_source_up",
      help: "1 while the model source (registry or repository) answers, 0 while scans fail; loaded models keep serving.",
      registers: [registry],
    }),
    sourceScanFailures: new Counter({
      name: "inference_model_source_scan_failures_total",
      help: "Model source scans that failed (the registry or repository unreachable).",
      registers: [registry],
    }),
  };
  const bound = <S extends { flush(): void }>(name: string, model: string, version: string, make: () => S): S => {
    let byLabels = locals.get(name);
    if (!byLabels) locals.set(name, (byLabels = new Map()));
    const key = `${model}\u0000${version}`;
    let series = byLabels.get(key);
    if (!series) byLabels.set(key, (series = make()));
    return series as S;
  };
  const nameOf = (m: unknown): string => (m as { name: string }).name;
  const local = (
    metric: "success" | "inferenceCount" | "execCount" | "pending",
    model: string,
    version: string,
  ): LocalSeries => {
    const m = metrics[metric];
    return bound(nameOf(m), model, version, () => new LocalSeries(m.labels(model, version)));
  };
  const localHistogram = (
    metric: "requestDuration" | "queueDuration" | "computeDuration" | "batchSize",
    model: string,
    version: string,
  ): LocalHistogram => {
    const m = metrics[metric];
    const buckets = metric === "batchSize" ? BATCH : LATENCY_US;
    return bound(nameOf(m), model, version, () => new LocalHistogram(m, { model, version }, buckets));
  };
  return { ...metrics, local, localHistogram };
}
