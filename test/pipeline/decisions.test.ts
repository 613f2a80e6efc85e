// The controller's pure decisions: triggers, canary step verdicts and reading the inference service's metrics
// (from a real prom-client exposition with the inference service's metric names).
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  addExposition,
  baselineOf,
  driftTrigger,
  judgeStep,
  newDataTrigger,
  parsePolicy,
  quantileOf,
  scheduleTrigger,
  type ServingSignals,
  type VersionSignals,
} from "@ai-platform/pipeline";

const policy = parsePolicy(`
data: { dataset: iris }
triggers:
  schedule: "0 3 * * *"
  newData: { minNewRows: 50, minGrowthPercent: 20 }
  drift: { psiThreshold: 0.25, window: 10m, minRows: 100 }
gate: { metric: accuracy }
rollout:
  steps: [{ weight: 0.1, duration: 5m }, { weight: 0.5, duration: 5m }]
  minRequests: 10
  abort: { maxErrorRate: 0.05, maxP99LatencyMs: 100, maxDisagreement: 0.2 }
`);
const minute = 60_000;
const t0 = Date.UTC(2026, 0, 1, 0, 0);

describe("triggers", () => {
  it("drift: PSI above the threshold on any feature, for the whole window, with enough rows", () => {
    const drifted = { psi: { a: 0.05, b: 0.4 }, rows: 500 };
    expect(driftTrigger(policy, drifted, undefined, t0)).toEqual({ driftSince: t0 });
    expect(driftTrigger(policy, drifted, t0, t0 + 9 * minute)).toEqual({ driftSince: t0 });
    expect(driftTrigger(policy, drifted, t0, t0 + 10 * minute).trigger).toEqual({
      kind: "drift",
      figures: { feature: "b", psi: 0.4, psiThreshold: 0.25, aboveForSeconds: 600, rows: 500 },
    });
    // A dip below the threshold breaks the stretch; too few rows prove nothing.
    expect(driftTrigger(policy, { psi: { a: 0.2, b: 0.25 }, rows: 500 }, t0, t0 + 20 * minute)).toEqual({});
    expect(driftTrigger(policy, { psi: { b: 3 }, rows: 99 }, t0, t0 + 20 * minute)).toEqual({});
  });

  it("new data: a later dataset version with enough new rows or growth, once per version", () => {
    const trained = { version: "v1", rowCount: 300 };
    expect(newDataTrigger(policy, { latest: { version: "v2", rowCount: 349 }, trained })).toBeUndefined();
    expect(newDataTrigger(policy, { latest: { version: "v2", rowCount: 350 }, trained })?.figures).toEqual({
      datasetVersion: "v2",
      trainedOn: "v1",
      newRows: 50,
      growthPercent: 16.67,
    });
    const small = { version: "v1", rowCount: 100 };
    expect(newDataTrigger(policy, { latest: { version: "v2", rowCount: 120 }, trained: small })?.kind).toBe("new-data");
    const latest = { version: "v2", rowCount: 400 };
    expect(newDataTrigger(policy, { latest, trained, lastRunVersion: "v2" })).toBeUndefined();
    expect(newDataTrigger(policy, { latest: trained, trained })).toBeUndefined();
  });

  it("schedule: due once per cron time, counted from the last one handled", () => {
    const from = Date.UTC(2026, 0, 1, 2, 0);
    expect(scheduleTrigger(policy, from, Date.UTC(2026, 0, 1, 2, 59))).toEqual({ scheduleFrom: from });
    const due = scheduleTrigger(policy, from, Date.UTC(2026, 0, 1, 3, 1));
    expect(due.trigger).toEqual({
      kind: "schedule",
      figures: { schedule: "0 3 * * *", dueAt: "2026-01-01T03:00:00.000Z" },
    });
    expect(scheduleTrigger(policy, due.scheduleFrom, Date.UTC(2026, 0, 1, 4, 0)).trigger).toBeUndefined();
  });
});

function signals(o: Partial<VersionSignals> = {}): VersionSignals {
  return {
    success: 0,
    failure: 0,
    rows: 0,
    loadFailures: 0,
    latencyBuckets: [],
    shadow: { agree: 0, disagree: 0, error: 0 },
    psi: {},
    ...o,
  };
}
const fast: [string, number][] = [
  ["1000", 0],
  ["100000", 0],
  ["+Inf", 0],
];

describe("a canary step's verdict", () => {
  const start = baselineOf(
    signals({
      success: 100,
      failure: 1,
      latencyBuckets: [
        ["1000", 90],
        ["100000", 101],
        ["+Inf", 101],
      ],
    }),
  );

  it("passes after its duration with enough requests, and holds before", () => {
    const now = signals({
      success: 130,
      failure: 1,
      latencyBuckets: [
        ["1000", 120],
        ["100000", 131],
        ["+Inf", 131],
      ],
    });
    expect(judgeStep(policy, 0, start, now, 5 * minute)).toEqual({
      kind: "pass",
      figures: {
        step: 0,
        weight: 0.1,
        elapsedSeconds: 300,
        requests: 30,
        failures: 0,
        errorRate: 0,
        p99LatencyMs: 1,
        shadowCompared: 0,
        loadFailures: 0,
      },
    });
    expect(judgeStep(policy, 0, start, now, 4 * minute).kind).toBe("hold");
    expect(judgeStep(policy, 0, start, signals({ success: 105, failure: 1 }), 60 * minute).kind).toBe("hold");
  });

  it("aborts on the error rate, p99 latency, shadow disagreement or a failed load, whatever the time", () => {
    expect(judgeStep(policy, 1, start, signals({ success: 110, failure: 3 }), 0)).toMatchObject({
      kind: "breach",
      reason: "error rate 0.1667 > 0.05 (2 of 12 requests)",
    });
    const slow = signals({
      success: 120,
      failure: 1,
      latencyBuckets: [
        ["1000", 90],
        ["100000", 101],
        ["+Inf", 121],
      ],
    });
    expect(judgeStep(policy, 1, start, slow, 0)).toMatchObject({
      kind: "breach",
      reason: "p99 latency Infinity ms > 100 ms",
    });
    const disagreeing = signals({
      success: 120,
      failure: 1,
      latencyBuckets: fast,
      shadow: { agree: 10, disagree: 5, error: 0 },
    });
    expect(judgeStep(policy, 1, start, disagreeing, 0)).toMatchObject({
      kind: "breach",
      reason: "shadow disagreement 0.3333 > 0.2 (5 of 15)",
    });
    expect(judgeStep(policy, 1, start, signals({ success: 100, failure: 1, loadFailures: 1 }), 0)).toMatchObject({
      kind: "breach",
      reason: "the candidate failed to load in the inference service",
    });
  });

  it("a replica restart (counters below the baseline) counts everything since as new", () => {
    expect(judgeStep(policy, 0, start, signals({ success: 20, failure: 0 }), 5 * minute).figures).toMatchObject({
      requests: 20,
      failures: 0,
    });
    expect(
      quantileOf(
        [
          ["10", 5],
          ["+Inf", 10],
        ],
        [
          ["10", 5],
          ["+Inf", 5],
        ],
        0.5,
      ),
    ).toBe(Number.POSITIVE_INFINITY);
    expect(
      quantileOf(
        [
          ["10", 5],
          ["+Inf", 5],
        ],
        [
          ["10", 5],
          ["+Inf", 5],
        ],
        0.99,
      ),
    ).toBeUndefined();
  });
});

describe("reading the inference service's metrics", () => {
  it("sums counters across replicas per version, keeps each version's histogram and the highest PSI", async () => {
    const out: ServingSignals = new Map();
    for (const replica of [1, 2]) {
      const registry = new Registry();
      const registers = [registry];
      const mv = ["model", "version"];
      const success = new Counter({ name: "nv_inference_request_success", help: "s", labelNames: mv, registers });
      const failure = new Counter({
        name: "nv_inference_request_failure",
        help: "f",
        labelNames: [...mv, "reason"],
        registers,
      });
      const duration = new Histogram({
        name: "nv_inference_request_duration_us",
        help: "d",
        labelNames: mv,
        buckets: [1000, 100000],
        registers,
      });
      const psi = new Gauge({ name: "inference_feature_psi", help: "p", labelNames: [...mv, "feature"], registers });
      const shadow = new Counter({
        name: "inference_shadow_comparisons_total",
        help: "c",
        labelNames: [...mv, "challenger", "result"],
        registers,
      });
      success.inc({ model: "iris", version: "1" }, 10 * replica);
      success.inc({ model: "iris", version: "2" }, 3);
      success.inc({ model: "other", version: "2" }, 1000);
      failure.inc({ model: "iris", version: "2", reason: "BACKEND" }, replica);
      duration.observe({ model: "iris", version: "2" }, 500);
      duration.observe({ model: "iris", version: "1" }, 50_000);
      psi.set({ model: "iris", version: "1", feature: "a" }, replica === 1 ? 0.3 : 0.1);
      shadow.inc({ model: "iris", version: "1", challenger: "2", result: "disagree" }, 2);
      addExposition(out, "iris", await registry.metrics());
    }
    expect([...out.keys()].sort()).toEqual([1, 2]);
    expect(out.get(1)).toMatchObject({ success: 30, failure: 0, psi: { a: 0.3 } });
    expect(out.get(1)?.latencyBuckets).toEqual([
      ["1000", 0],
      ["100000", 2],
      ["+Inf", 2],
    ]);
    expect(out.get(2)).toMatchObject({ success: 6, failure: 3, shadow: { agree: 0, disagree: 4, error: 0 } });
    expect(out.get(2)?.latencyBuckets).toEqual([
      ["1000", 2],
      ["100000", 2],
      ["+Inf", 2],
    ]);
  });
});
