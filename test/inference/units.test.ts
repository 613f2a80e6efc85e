import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../services/inference/src/config";
import {
  parseModelConfig,
  selectVersions,
  DEFAULT_MODEL_CONFIG,
} from "../../services/inference/src/sources/model-config";
import { parseCpuMax } from "../../services/inference/src/runtime/cpus";
import { binOf, psi, DriftTracker } from "../../services/inference/src/models/drift";
import { float16Bits, halfToNumber } from "../../services/inference/src/protocol/datatypes";
import { checkFinite, decodeBinary, decodeJson, encodeBinary } from "../../services/inference/src/protocol/codec";
import { ResponseJson, jsonData } from "../../services/inference/src/protocol/response-json";
import type { TensorData } from "../../services/inference/src/protocol/datatypes";
import { stickyFraction } from "../../services/inference/src/models/served-models";
import { outputsAgree } from "../../services/inference/src/models/shadow";
import { intraOpThreads } from "../../services/inference/src/models/loaded-version";
import { createMetrics } from "../../services/inference/src/metrics";

describe("loadConfig", () => {
  it("applies defaults and freezes", () => {
    const c = loadConfig({ INFERENCE_MODEL_REPOSITORY: "/models" });
    expect(c).toEqual({
      host: "0.0.0.0",
      port: 8080,
      grpcPort: undefined,
      source: { kind: "repository", path: "/models" },
      device: "cpu",
      cpuLimit: undefined,
      pollIntervalMs: 5000,
      bodyLimitBytes: 67108864,
      apiKeyFile: undefined,
      jwt: undefined,
      rateLimitPerSecond: undefined,
      loadShedding: { maxEventLoopDelayMs: 1000, maxHeapUsedBytes: 0 },
      drainTimeoutMs: 25000,
      applicationInsightsConnectionString: undefined,
      logLevel: "info",
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("parses registry refs with production as the default alias", () => {
    expect(loadConfig({ INFERENCE_MODELS: "iris@production, churn@3,fraud" }).source).toEqual({
      kind: "registry",
      models: [
        { name: "iris", ref: "production" },
        { name: "churn", ref: "3" },
        { name: "fraud", ref: "production" },
      ],
      serving: { maxBatchSize: 0, maxQueueDelayUs: 0, instances: 1 },
      limits: { maxModels: 0, maxBytes: 0 },
    });
  });

  it("attaches registry canary and shadow refs and serving settings", () => {
    const c = loadConfig({
      INFERENCE_MODELS: "iris@production",
      INFERENCE_CANARY: "iris@candidate=0.1",
      INFERENCE_SHADOW: "iris@latest",
      INFERENCE_MAX_BATCH_SIZE: "32",
      INFERENCE_MAX_QUEUE_DELAY_US: "500",
      INFERENCE_INSTANCES: "2",
    });
    expect(c.source).toEqual({
      kind: "registry",
      models: [
        { name: "iris", ref: "production", canary: { ref: "candidate", weight: 0.1 }, shadow: { ref: "latest" } },
      ],
      serving: { maxBatchSize: 32, maxQueueDelayUs: 500, instances: 2 },
      limits: { maxModels: 0, maxBytes: 0 },
    });
    expect(() => loadConfig({ INFERENCE_MODELS: "iris", INFERENCE_CANARY: "iris@c=2,other@x=0.5" })).toThrow(
      'INFERENCE_CANARY entry "iris@c=2" needs a weight in [0, 1]; INFERENCE_CANARY entry "other@x=0.5" must be name@ref=weight for a model in INFERENCE_MODELS',
    );
  });

  it("keeps a configured 0 instead of replacing it with the default", () => {
    expect(loadConfig({ INFERENCE_MODEL_REPOSITORY: "/m", PORT: "0", INFERENCE_DRAIN_TIMEOUT_MS: "0" })).toMatchObject({
      port: 0,
      drainTimeoutMs: 0,
    });
  });

  it("serves gRPC only when INFERENCE_GRPC_PORT is set", () => {
    expect(loadConfig({ INFERENCE_MODEL_REPOSITORY: "/m", INFERENCE_GRPC_PORT: "8081" }).grpcPort).toBe(8081);
    expect(() => loadConfig({ INFERENCE_MODEL_REPOSITORY: "/m", INFERENCE_GRPC_PORT: "70000" })).toThrow(
      "INFERENCE_GRPC_PORT must be <= 65535 (got 70000)",
    );
  });

  it("names every bad variable at once", () => {
    let error: unknown;
    try {
      loadConfig({
        INFERENCE_MODEL_REPOSITORY: "/m",
        INFERENCE_MODELS: "a@b",
        INFERENCE_DEVICE: "tpu",
        PORT: "http",
        INFERENCE_AUTH_JWT_TENANT_ID: "t",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "set only one of INFERENCE_MODEL_REPOSITORY and INFERENCE_MODELS",
      'INFERENCE_DEVICE must be "cpu" or "cuda" (got "tpu")',
      "set both INFERENCE_AUTH_JWT_TENANT_ID and INFERENCE_AUTH_JWT_AUDIENCE, or neither",
      'PORT must be an integer >= 0 (got "http")',
    ]);
  });

  it("requires a model source", () => {
    expect(() => loadConfig({})).toThrow(
      "set INFERENCE_MODEL_REPOSITORY (a Triton-layout directory) or INFERENCE_MODELS (name@ref,...)",
    );
    expect(() => loadConfig({ INFERENCE_MODELS: "bad name@x" })).toThrow(
      'INFERENCE_MODELS entry "bad name@x" must look like name@ref',
    );
  });
});

describe("parseModelConfig", () => {
  it("reads Triton's fields", () => {
    const c = parseModelConfig("m", {
      max_batch_size: 64,
      dynamic_batching: {
        max_queue_delay_microseconds: 500,
        preferred_batch_size: [16, 32],
        default_queue_policy: { max_queue_size: 10 },
      },
      instance_group: [{ count: 2, kind: "KIND_CPU" }],
      version_policy: { latest: { num_versions: 2 } },
      canary: { version: 3, weight: 0.1 },
    });
    expect(c).toEqual({
      maxBatchSize: 64,
      dynamicBatching: { maxQueueDelayUs: 500, preferredBatchSizes: [16, 32], maxQueueSize: 10 },
      instanceCount: 2,
      versionPolicy: { kind: "latest", count: 2 },
      allowNonFinite: false,
      canary: { version: 3, weight: 0.1 },
      shadow: undefined,
      maxQueueSize: 1024,
      execution: { mode: "auto", inlineBudgetUs: 250 },
      runDeadlineMs: 10_000,
    });
  });

  it.each([
    [
      { mode: "auto", inline_budget_us: 250 },
      { mode: "auto", inlineBudgetUs: 250 },
    ],
    [{ inline_budget_us: 50 }, { mode: "auto", inlineBudgetUs: 50 }],
    [{ mode: "inline" }, { mode: "inline" }],
    [{ mode: "workers" }, { mode: "workers" }],
  ])("reads execution %j", (execution, expected) =>
    expect(parseModelConfig("m", { execution }).execution).toEqual(expected),
  );

  it.each([
    [{ mode: "gpu" }, 'execution must be {mode: "auto" | "inline" | "workers", inline_budget_us?: integer}'],
    [{ mode: "workers", inline_budget_us: 10 }, 'execution.inline_budget_us applies to mode "auto" only'],
    [{ inline_budget_us: 0 }, "execution.inline_budget_us must be an integer >= 1"],
    [{ mode: "auto", budget: 1 }, 'unknown field "execution.budget"'],
  ])("rejects execution %j", (execution, message) =>
    expect(() => parseModelConfig("m", { execution })).toThrow(`m/config.json: ${message}`),
  );

  it("names every bad field", () => {
    expect(() =>
      parseModelConfig("m", {
        dynamic_batching: {},
        instance_group: [{ count: 0 }],
        canary: { version: 2, weight: 2 },
        typo: 1,
      }),
    ).toThrow(
      'm/config.json: unknown field "typo"; dynamic_batching needs max_batch_size >= 1; instance_group[0].count must be an integer >= 1; canary must be {version: integer, weight: number in [0, 1]}',
    );
  });

  it.each([
    [{ kind: "latest", count: 1 }, [1, 2, 3], [3]],
    [{ kind: "latest", count: 2 }, [3, 1, 2], [2, 3]],
    [{ kind: "all" }, [2, 1], [1, 2]],
    [{ kind: "specific", versions: [1, 3, 9] }, [1, 2, 3], [1, 3]],
  ] as const)("version policy %j over %j selects %j", (policy, available, expected) => {
    expect(selectVersions(available, { ...DEFAULT_MODEL_CONFIG, versionPolicy: policy })).toEqual(expected);
  });

  it("adds canary and shadow versions to the policy's selection", () => {
    expect(
      selectVersions([1, 2, 3], {
        ...DEFAULT_MODEL_CONFIG,
        canary: { version: 1, weight: 0.5 },
        shadow: { version: 2 },
      }),
    ).toEqual([1, 2, 3]);
  });
});

describe("pure helpers", () => {
  it.each([
    [1, 1, 1],
    [2, 1, 1],
    [4, 1, 3],
    [8, 2, 3],
    [2, 4, 1],
  ])("intraOpThreads(cpus %i, instances %i) = %i", (cpus, instances, expected) =>
    expect(intraOpThreads(cpus, instances)).toBe(expected),
  );

  it.each([
    ["200000 100000", 2],
    ["150000 100000", 1],
    ["max 100000", undefined],
    ["", undefined],
  ])("parseCpuMax(%j) = %j", (text, expected) => expect(parseCpuMax(text)).toBe(expected));

  it.each([
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0x7c00, Infinity],
  ])("halfToNumber(%i) = %d", (bits, expected) => expect(halfToNumber(bits)).toBe(expected));

  it("reads FP16 half bits from raw bits and, where the runtime has one, from a Float16Array, without copying", () => {
    const bits = new Uint16Array([0x3c00, 0xc000, 0x7bff]);
    expect(float16Bits(bits)).toBe(bits);
    const F16 = (globalThis as { Float16Array?: new (xs: number[]) => ArrayBufferView }).Float16Array;
    if (F16) {
      const halves = new F16([1, -2, 65504]);
      const view = float16Bits(halves);
      expect([...view]).toEqual([0x3c00, 0xc000, 0x7bff]);
      expect(view.buffer).toBe(halves.buffer);
    }
  });

  it("computes PSI: 0 for identical distributions, positive for shifted ones", () => {
    expect(psi([0.25, 0.25, 0.5], [0.25, 0.25, 0.5])).toBe(0);
    expect(psi([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(0.4 * Math.log(1.8) + -0.4 * Math.log(0.2), 12);
  });

  it("bins values, clamping outside the edges", () => {
    expect([-5, 0, 0.99, 1, 2.5, 3, 99].map((x) => binOf([0, 1, 2, 3], x))).toEqual([0, 0, 0, 1, 2, 2, 2]);
  });

  it("tracks drift per feature", () => {
    const t = new DriftTracker([{ name: "a", mean: 0, std: 1, binEdges: [0, 1, 2], binFractions: [0.5, 0.5] }]);
    expect(t.psi()).toEqual({});
    t.observe([0.5, 0.5, 1.5, 1.5], 1);
    expect(t.psi()).toEqual({ a: 0 });
    t.observe([0.5, 0.5], 2); // wrong width: ignored
    expect(t.observed).toBe(4);
  });

  it("assigns request ids to stable fractions in [0, 1)", () => {
    expect(stickyFraction("abc")).toBe(stickyFraction("abc"));
    const xs = Array.from({ length: 1000 }, (_, i) => stickyFraction(`req-${i}`));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.filter((x) => x < 0.5).length / 1000).toBeGreaterThan(0.45);
    expect(xs.filter((x) => x < 0.5).length / 1000).toBeLessThan(0.55);
  });

  it("compares shadow outputs with a float tolerance", () => {
    const f = (v: number[]) => ({ y: { type: "float32" as const, dims: [v.length], data: new Float32Array(v) } });
    expect(outputsAgree(f([1, 2]), f([1.00001, 2]))).toBe(true);
    expect(outputsAgree(f([1, 2]), f([1.1, 2]))).toBe(false);
    expect(outputsAgree(f([1, 2]), f([1]))).toBe(false);
  });
});

describe("codecs", () => {
  it("finds the first non-finite element of FP16, FP32 and FP64 data", () => {
    const check = (type: "float16" | "float32" | "float64", data: ArrayLike<number>) => () =>
      checkFinite("x", {
        type,
        dims: [data.length],
        data:
          type === "float16"
            ? new Uint16Array(data)
            : type === "float32"
              ? new Float32Array(data)
              : new Float64Array(data),
      });
    expect(check("float16", [0x3c00, 0x7bff, 0xfbff])).not.toThrow();
    expect(check("float16", [0x3c00, 0xfc00, 0x7e00])).toThrow("element 1 is -Infinity");
    expect(check("float16", [0x7e00])).toThrow("element 0 is NaN");
    expect(check("float32", [1, 3.4e38, -0])).not.toThrow();
    expect(check("float32", [1, 2, NaN])).toThrow("element 2 is NaN");
    expect(check("float64", [1e308, Infinity])).toThrow("element 1 is Infinity");
  });

  it("decodes nested and flat JSON identically and checks integer ranges", () => {
    expect(
      decodeJson(
        "x",
        "INT8",
        [2, 2],
        [
          [1, -2],
          [3, 4],
        ],
        false,
      ).data,
    ).toEqual(new Int8Array([1, -2, 3, 4]));
    expect(() => decodeJson("x", "INT8", [2], [1, 300], false)).toThrow(
      'input "x": element 1 is 300, expected an integer in [-128, 127] for INT8',
    );
    expect(() => decodeJson("x", "UINT8", [1], [1.5], false)).toThrow(
      'input "x": element 0 is 1.5, expected an integer in [0, 255] for UINT8',
    );
    expect(() => decodeJson("x", "BOOL", [1], [1], false)).toThrow(
      'input "x": element 0 is 1, expected true or false for BOOL',
    );
    expect(() => decodeJson("x", "FP32", [1], ["1"], false)).toThrow(
      'input "x": element 0 is "1", expected a number for FP32',
    );
    expect(() => decodeJson("x", "FP32", [1], [1e39], false)).toThrow(
      'input "x": element 0 overflows FP32 to a non-finite value, which this model does not accept',
    );
    expect(decodeJson("x", "FP32", [1], [1e39], true).data).toEqual(new Float32Array([Infinity]));
    expect(() => decodeJson("x", "FP16", [1], [1], false)).toThrow(
      'input "x": FP16 data cannot be sent as JSON; use the binary tensor data extension',
    );
    expect(decodeJson("x", "INT64", [1], [-(2 ** 40)], false).data).toEqual(new BigInt64Array([-(2n ** 40n)]));
  });

  it("round-trips BYTES through the binary format", () => {
    const t = { type: "string" as const, dims: [3], data: ["a", "", "héllo"] };
    const bytes = encodeBinary(t);
    expect(bytes.length).toBe(4 * 3 + 1 + 0 + 6);
    expect(decodeBinary("s", "BYTES", [3], bytes)).toEqual(t);
    expect(() => decodeBinary("s", "BYTES", [3], bytes.subarray(0, 15))).toThrow(
      'input "s": BYTES element 2 runs past the binary data',
    );
    expect(() => decodeBinary("s", "BYTES", [3], bytes.subarray(0, 11))).toThrow(
      'input "s": truncated BYTES length prefix at byte 9',
    );
  });

  it("encodes JSON outputs per type", () => {
    const json = (t: TensorData) => JSON.parse(`[${jsonData(t)}]`);
    expect(json({ type: "bool", dims: [2], data: new Uint8Array([1, 0]) })).toEqual([true, false]);
    expect(json({ type: "int64", dims: [1], data: new BigInt64Array([5n]) })).toEqual([5]);
    expect(json({ type: "float16", dims: [1], data: new Uint16Array([0x3c00]) })).toEqual([1]);
  });
});

describe("per-request metric series", () => {
  it("reach prom-client on every scrape, one series per model version", async () => {
    const m = createMetrics({ processMetrics: false });
    const success = m.local("success", "a", "1");
    const pending = m.local("pending", "a", "1");
    expect(m.local("success", "a", "1")).toBe(success);
    success.inc();
    success.inc(2);
    pending.inc();
    pending.inc();
    pending.dec();
    m.local("inferenceCount", "a", "2").inc(5);
    let text = await m.registry.metrics();
    expect(text).toContain('nv_inference_request_success{model="a",version="1"} 3');
    expect(text).toContain('nv_inference_pending_request_count{model="a",version="1"} 1');
    expect(text).toContain('nv_inference_count{model="a",version="2"} 5');
    pending.dec();
    success.inc();
    text = await m.registry.metrics();
    expect(text).toContain('nv_inference_request_success{model="a",version="1"} 4');
    expect(text).toContain('nv_inference_pending_request_count{model="a",version="1"} 0');
  });
});

describe("per-request histogram series", () => {
  it("give prom-client exactly the buckets, sum and count it would have counted itself", async () => {
    const local = createMetrics({ processMetrics: false });
    const direct = createMetrics({ processMetrics: false });
    const values = [50, 100, 101, 2000, 999_999, 5_000_000, 7];
    const series = local.localHistogram("requestDuration", "a", "1");
    expect(local.localHistogram("requestDuration", "a", "1")).toBe(series);
    const body = async (m: typeof local) =>
      (await m.registry.getSingleMetricAsString("nv_inference_request_duration_us")).split("\n").slice(2).join("\n");
    values.slice(0, 4).forEach((v) => series.observe(v));
    values.slice(0, 4).forEach((v) => direct.requestDuration.observe({ model: "a", version: "1" }, v));
    expect(await body(local)).toBe(await body(direct));
    values.slice(4).forEach((v) => series.observe(v));
    values.slice(4).forEach((v) => direct.requestDuration.observe({ model: "a", version: "1" }, v));
    const text = await body(local);
    expect(text).toBe(await body(direct));
    expect(text).toContain('nv_inference_request_duration_us_count{model="a",version="1"} 7');
    expect(text).toContain('nv_inference_request_duration_us_bucket{le="100",model="a",version="1"} 3');
  });
});

describe("response JSON", () => {
  const tensors: Record<string, TensorData> = {
    f32: { type: "float32", dims: [2, 3], data: new Float32Array([0.1, -0, 1e-7, NaN, Infinity, -3.5]) },
    f64: { type: "float64", dims: [2], data: new Float64Array([1e300, -Infinity]) },
    f16: { type: "float16", dims: [3], data: new Uint16Array([0x3c00, 0x7c00, 0x7e00]) },
    i64: { type: "int64", dims: [2], data: new BigInt64Array([-(2n ** 53n) + 1n, 7n]) },
    u8: { type: "uint8", dims: [2], data: new Uint8Array([0, 255]) },
    b: { type: "bool", dims: [3], data: new Uint8Array([1, 0, 1]) },
    s: { type: "string", dims: [2], data: ['quo"te', "wörld\n"] },
    bin: { type: "int32", dims: [2], data: new Int32Array([7, -7]) },
  };
  const outputs = Object.keys(tensors).map((name) => ({ name, binary: name === "bin" }));

  it.each([['r"1'], [undefined]])("is what JSON.stringify of the response gives (id %j)", (id) => {
    const model = { name: 'm"x', version: 3 };
    const f32 = [0.1, -0, 1e-7, NaN, Infinity, -3.5].map((v) => Math.fround(v));
    const expected = JSON.stringify({
      model_name: 'm"x',
      model_version: "3",
      ...(id === undefined ? {} : { id }),
      outputs: [
        { name: "f32", datatype: "FP32", shape: [2, 3], data: f32 },
        { name: "f64", datatype: "FP64", shape: [2], data: [1e300, -Infinity] },
        { name: "f16", datatype: "FP16", shape: [3], data: [1, Infinity, NaN] },
        { name: "i64", datatype: "INT64", shape: [2], data: [-(2 ** 53) + 1, 7] },
        { name: "u8", datatype: "UINT8", shape: [2], data: [0, 255] },
        { name: "b", datatype: "BOOL", shape: [3], data: [true, false, true] },
        { name: "s", datatype: "BYTES", shape: [2], data: ['quo"te', "wörld\n"] },
        { name: "bin", datatype: "INT32", shape: [2], parameters: { binary_data_size: 8 } },
      ],
    });
    expect(new ResponseJson(model).write(id, outputs, tensors, () => 8)).toBe(expected);
  });

  it("keeps every digit of 64-bit integers", () => {
    const t = { big: { type: "uint64", dims: [1], data: new BigUint64Array([2n ** 64n - 1n]) } } as const;
    const text = new ResponseJson({ name: "m", version: 1 }).write(
      undefined,
      [{ name: "big", binary: false }],
      t,
      () => 0,
    );
    expect(text).toContain('"data":[18446744073709551615]');
  });
});
