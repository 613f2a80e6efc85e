/**
 * Prometheus metrics with Triton's names and `{model, version}` labels (serving.md §2a), as histograms
 * rather than summaries so they aggregate across pods. One registry per app: no process-global state.
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
  /** The per-request series of `success`, `inferenceCount`, `execCount` or `pending` for one version (one per labels). */
  local(metric: "success" | "inferenceCount" | "execCount" | "pending", model: string, version: string): LocalSeries;
}

/** Creates the metrics in a fresh registry (plus Node process metrics when `processMetrics`). */
export function createMetrics(opts: { processMetrics?: boolean } = {}): InferenceMetrics {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const mv = ["model", "version"] as const;
  const locals = new Map<string, Map<string, LocalSeries>>();
  const flush = (name: string) => (): void => {
    for (const l of locals.get(name)?.values() ?? []) l.flush();
  };
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry], collect: flush(name) });
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram<"model" | "version">({ name, help, labelNames: mv, buckets, registers: [registry] });
  const metrics: Omit<InferenceMetrics, "local"> = {
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
  };
  const local = (
    metric: "success" | "inferenceCount" | "execCount" | "pending",
    model: string,
    version: string,
  ): LocalSeries => {
    const m = metrics[metric];
    const name = (m as unknown as { name: string }).name;
    let byLabels = locals.get(name);
    if (!byLabels) locals.set(name, (byLabels = new Map()));
    const key = `${model}\u0000${version}`;
    let series = byLabels.get(key);
    if (!series) byLabels.set(key, (series = new LocalSeries(m.labels(model, version))));
    return series;
  };
  return { ...metrics, local };
}
