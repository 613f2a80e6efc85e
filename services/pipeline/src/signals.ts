// The root project compiles this file too, without this workspace's include list: point it at the declaration.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./vendor.d.ts" />
/**
 * What the inference service says about a model, read from its own Prometheus metrics (`GET /metrics` of every
 * replica, summed; PSI is the highest any replica reports): per-version request and failure counters, load
 * failures, the latency histogram, shadow agreement and input drift.
 */
import parsePrometheusTextFormat from "parse-prometheus-text-format";

/** The cumulative counters of one served version. */
export interface VersionSignals {
  success: number;
  failure: number;
  /** Rows inferred (a batch of n counts n): the drift histograms' sample size. */
  rows: number;
  loadFailures: number;
  /**
   * `nv_inference_request_duration_us` as cumulative `[le, count]` pairs, ascending; `le` stays the exposition's
   * text ("+Inf" included) so the pairs survive a JSON round trip in the pipeline document.
   */
  latencyBuckets: [string, number][];
  /** Shadow comparisons where this version was the challenger, by result. */
  shadow: { agree: number; disagree: number; error: number };
  /** PSI per feature of the inputs this version served versus its training baseline. */
  psi: Record<string, number>;
}

/** One model's signals by version number. */
export type ServingSignals = Map<number, VersionSignals>;

/** A source of a model's serving signals (scraped replicas locally; tests can pass another reader). */
export type SignalSource = (model: string) => Promise<ServingSignals>;

type Sample = { labels?: Record<string, string>; value?: string };
type Family = { name: string; type: string; metrics: Sample[] };

/** The upper bound of a histogram bucket's `le` label. */
export function bucketBound(le: string): number {
  return le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le);
}

function empty(): VersionSignals {
  return {
    success: 0,
    failure: 0,
    rows: 0,
    loadFailures: 0,
    latencyBuckets: [],
    shadow: { agree: 0, disagree: 0, error: 0 },
    psi: {},
  };
}

/** Adds one replica's exposition text for `model` into `into`. */
export function addExposition(into: ServingSignals, model: string, text: string): void {
  // The parser folds every series of a histogram into one (labels lost); without the TYPE line each `_bucket`
  // sample keeps its labels, `le` included.
  const untypedHistograms = text.replace(/^# TYPE \S+ histogram$/gm, "");
  const families = parsePrometheusTextFormat(untypedHistograms) as Family[];
  const at = (labels: Record<string, string> | undefined, key = "version"): VersionSignals | undefined => {
    if (labels?.model !== model) return undefined;
    const v = Number(labels[key]);
    if (!Number.isInteger(v)) return undefined;
    let s = into.get(v);
    if (!s) into.set(v, (s = empty()));
    return s;
  };
  for (const f of families) {
    for (const m of f.metrics) {
      const value = Number(m.value);
      switch (f.name) {
        case "nv_inference_request_success": {
          const s = at(m.labels);
          if (s) s.success += value;
          break;
        }
        case "nv_inference_request_failure": {
          const s = at(m.labels);
          if (s) s.failure += value;
          break;
        }
        case "nv_inference_count": {
          const s = at(m.labels);
          if (s) s.rows += value;
          break;
        }
        case "nv_model_load_failure_total": {
          const s = at(m.labels);
          if (s) s.loadFailures += value;
          break;
        }
        case "nv_inference_request_duration_us_bucket": {
          const s = at(m.labels);
          const le = m.labels?.le;
          if (!s || le === undefined) break;
          const merged = new Map(s.latencyBuckets);
          merged.set(le, (merged.get(le) ?? 0) + value);
          s.latencyBuckets = [...merged].sort((a, b) => bucketBound(a[0]) - bucketBound(b[0]));
          break;
        }
        case "inference_shadow_comparisons_total": {
          const s = at(m.labels, "challenger");
          const result = m.labels?.result;
          if (s && (result === "agree" || result === "disagree" || result === "error")) s.shadow[result] += value;
          break;
        }
        case "inference_feature_psi": {
          const s = at(m.labels);
          const feature = m.labels?.feature;
          if (s && feature !== undefined && Number.isFinite(value))
            s.psi[feature] = Math.max(s.psi[feature] ?? 0, value);
          break;
        }
      }
    }
  }
}

/**
 * A source that scrapes `GET <url>/metrics` of each inference replica. A replica that cannot be read fails the
 * read: a decision on partial figures could promote a canary whose errors sit on the unread replica.
 */
export function scrapeSignals(urls: () => readonly string[] | Promise<readonly string[]>): SignalSource {
  return async (model) => {
    const out: ServingSignals = new Map();
    for (const url of await urls()) {
      const response = await fetch(new URL("/metrics", url), { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`GET ${url}/metrics: HTTP ${response.status}`);
      addExposition(out, model, await response.text());
    }
    return out;
  };
}
