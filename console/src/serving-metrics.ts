/**
 * The serving view's numbers, read from the inference service's own Prometheus `/metrics`: which versions are
 * loaded, requests, failures and latency per version, shadow agreement, and drift PSI per feature. Each scrape is
 * kept (up to `capacity`) so rates and PSI can be shown over time.
 */
import { createRequire } from "node:module";

/** Counters of one served version at one moment. */
export interface VersionCounters {
  ready: boolean;
  success: number;
  failure: number;
  /** Sum and count of `nv_inference_request_duration_us`. */
  durationSumUs: number;
  durationCount: number;
  /** Drift PSI by feature. */
  psi: Record<string, number>;
  /** Shadow comparisons by challenger version, by result (`agree`, `disagree`, `error`). */
  shadow: Record<string, Record<string, number>>;
}

/** One scrape: `models[name][version]`. */
export interface MetricsSample {
  at: number;
  models: Record<string, Record<string, VersionCounters>>;
}

interface PromFamily {
  name: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

// The package ships no types; its one export parses the text format into prom2json-shaped families.
const parsePrometheusTextFormat = createRequire(import.meta.url)("parse-prometheus-text-format") as (
  text: string,
) => PromFamily[];

/** Turns Prometheus text into a sample (only the families the console shows). */
export function sampleFromText(text: string, at: number): MetricsSample {
  const models: MetricsSample["models"] = {};
  const entry = (labels: Record<string, string> | undefined): VersionCounters | undefined => {
    const model = labels?.model;
    const version = labels?.version;
    if (model === undefined || version === undefined) return undefined;
    const byVersion = (models[model] ??= {});
    return (byVersion[version] ??= {
      ready: false,
      success: 0,
      failure: 0,
      durationSumUs: 0,
      durationCount: 0,
      psi: {},
      shadow: {},
    });
  };
  // The parser folds a labelled histogram into one unlabelled series, so histograms are read as their plain
  // `_sum`/`_count` series: without their HELP/TYPE lines every sample line keeps its labels.
  const histograms = new Set([...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]));
  const plain = text.replace(/^# (?:HELP|TYPE) (\S+).*$/gm, (line, name: string) => (histograms.has(name) ? "" : line));
  for (const family of parsePrometheusTextFormat(plain)) {
    for (const m of family.metrics) {
      const e = entry(m.labels);
      if (!e) continue;
      const value = Number(m.value ?? 0);
      switch (family.name) {
        case "nv_model_ready":
          e.ready = value === 1;
          break;
        case "nv_inference_request_success":
          e.success += value;
          break;
        case "nv_inference_request_failure":
          e.failure += value;
          break;
        case "nv_inference_request_duration_us_sum":
          e.durationSumUs += value;
          break;
        case "nv_inference_request_duration_us_count":
          e.durationCount += value;
          break;
        case "inference_feature_psi":
          if (m.labels?.feature !== undefined) e.psi[m.labels.feature] = value;
          break;
        case "inference_shadow_comparisons_total": {
          const challenger = m.labels?.challenger;
          const result = m.labels?.result;
          if (challenger !== undefined && result !== undefined)
            (e.shadow[challenger] ??= {})[result] = (e.shadow[challenger]?.[result] ?? 0) + value;
          break;
        }
      }
    }
  }
  return { at, models };
}

/** Rates of one version between two samples. */
export interface VersionRates {
  requestsPerSecond: number;
  errorsPerSecond: number;
  /** Mean request latency over the interval, ms; undefined without requests. */
  meanLatencyMs: number | undefined;
}

/** Rates between `before` and `after` for every version present in `after`. */
export function ratesBetween(
  before: MetricsSample,
  after: MetricsSample,
): Record<string, Record<string, VersionRates>> {
  const seconds = Math.max((after.at - before.at) / 1000, 1e-9);
  const out: Record<string, Record<string, VersionRates>> = {};
  for (const [model, versions] of Object.entries(after.models)) {
    for (const [version, now] of Object.entries(versions)) {
      const then = before.models[model]?.[version];
      const count = now.durationCount - (then?.durationCount ?? 0);
      (out[model] ??= {})[version] = {
        requestsPerSecond: Math.max(0, now.success - (then?.success ?? 0)) / seconds,
        errorsPerSecond: Math.max(0, now.failure - (then?.failure ?? 0)) / seconds,
        meanLatencyMs: count > 0 ? (now.durationSumUs - (then?.durationSumUs ?? 0)) / count / 1000 : undefined,
      };
    }
  }
  return out;
}

/** Scrapes `<inferenceUrl>/metrics` and keeps the last `capacity` samples. */
export class MetricsSampler {
  private readonly samples: MetricsSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The last scrape's failure, if it failed. */
  lastError: string | undefined;

  constructor(
    private readonly inferenceUrl: string,
    private readonly capacity = 240,
    private readonly now: () => number = Date.now,
  ) {}

  /** Scrapes once and records the sample; a failure is kept in `lastError` (the view says so) and returns undefined. */
  async sample(): Promise<MetricsSample | undefined> {
    try {
      const response = await fetch(`${this.inferenceUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const sample = sampleFromText(await response.text(), this.now());
      this.samples.push(sample);
      if (this.samples.length > this.capacity) this.samples.shift();
      this.lastError = undefined;
      return sample;
    } catch (error) {
      this.lastError = `${this.inferenceUrl}/metrics: ${(error as Error).message}`;
      return undefined;
    }
  }

  /** Samples oldest first. */
  history(): readonly MetricsSample[] {
    return this.samples;
  }

  /** Samples every `intervalMs` until {@link stop}. */
  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
