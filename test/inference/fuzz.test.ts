import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../services/training/src/ml/random.js";
import { addOffset, identity, tabularClassifier, twoInputs } from "../support/onnx-models";
import { buildApp, makeRepo, removeRepo } from "./helpers";

// Seeded malformed and hostile requests against every endpoint, JSON and binary. A request may be refused (4xx);
// none may get a 5xx, crash the server or leave it unready. The seed is in the test name: a failure replays exactly.
const SEED = 20261130;
const REQUESTS = 1500;

const models = ["offset", "tabular", "two", "bytes", "missing", "", "..", "%2e%2e", "a".repeat(300), "__proto__"];
const versions = ["1", "2", "0", "-1", "x", "99999999999999999999", "1e3", ""];
const datatypes = ["FP32", "FP64", "INT64", "INT32", "UINT8", "BOOL", "BYTES", "FP16", "BF16", "fp32", "", "NOPE"];

describe(`fuzz (seed ${SEED})`, () => {
  let repo: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    repo = makeRepo({
      offset: { versions: { 1: addOffset(1) }, config: { max_batch_size: 8, dynamic_batching: {} } },
      tabular: { versions: { 1: tabularClassifier() } },
      two: { versions: { 1: twoInputs() } },
      bytes: { versions: { 1: identity("BYTES") } },
    });
    app = await buildApp(repo);
  });
  afterAll(async () => {
    await app?.close();
    removeRepo(repo);
  });

  it(`answers ${REQUESTS} hostile requests without a 5xx, and stays ready`, async () => {
    const random = createRng(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const int = (max: number): number => Math.floor(random() * max);
    const number = (): unknown =>
      pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 64, "1", null, true, [], {}, "NaN", -0]);
    const shape = (): unknown =>
      pick([[], [1], [1, 2], [2, 2], [-1, 2], [0], [1e9, 1e9], [1, 2, 3, 4, 5, 6, 7, 8, 9], "1,2", null, [1.5], [[1]]]);
    const tensor = (): unknown => {
      const t: Record<string, unknown> = {
        name: pick(["x", "features", "input", "input0", "input1", "", "__proto__", "constructor"]),
        shape: shape(),
        datatype: pick(datatypes),
        data: pick([
          Array.from({ length: int(10) }, number),
          Array.from({ length: int(4) }, () => Array.from({ length: int(4) }, number)),
          "AAAA",
          null,
          {},
          [["a", "b"]],
        ]),
      };
      if (random() < 0.2) t.parameters = pick([{ binary_data_size: int(100) }, { binary_data_size: -5 }, "x", null]);
      if (random() < 0.1) delete t[pick(["name", "shape", "datatype", "data"])];
      return t;
    };
    const body = (): unknown => {
      const b: Record<string, unknown> = { inputs: Array.from({ length: int(4) }, tensor) };
      if (random() < 0.3)
        b.outputs = pick([
          [{ name: "y" }],
          [{ name: "nope" }],
          "y",
          [{ name: "y", parameters: { binary_data: true } }],
        ]);
      if (random() < 0.2) b.id = pick(["x", 5, null, "a".repeat(10000)]);
      if (random() < 0.1) b.parameters = pick([{ binary_data_output: true }, null, [], { __proto__: { polluted: 1 } }]);
      if (random() < 0.05) return pick([null, [], "string", 42, { inputs: null }, { inputs: {} }]);
      return b;
    };
    const deep = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);
    const statuses = new Map<number, number>();
    const fiveXX: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const name = pick(models);
      const version = random() < 0.5 ? undefined : pick(versions);
      const base = `/v2/models/${encodeURIComponent(name)}${version === undefined ? "" : `/versions/${version}`}`;
      const kind = int(10);
      let request: InjectOptions & { method: string; url: string };
      if (kind === 0)
        request = { method: "GET", url: pick([base, `${base}/ready`, "/v2", "/v2/health/ready", "/metrics"]) };
      else if (kind === 1)
        request = { method: "POST", url: "/v2/repository/index", payload: pick(["{}", "[]", "x", ""]) };
      else if (kind === 2) {
        // Raw hostile bytes under a JSON content type: truncated, deep, huge numbers, garbage.
        const raw = pick([
          JSON.stringify(body()).slice(0, int(200)),
          deep(10_000),
          `{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[1e999,2]}]}`,
          Buffer.from(Array.from({ length: int(512) }, () => int(256))).toString("latin1"),
          `{"__proto__":{"inputs":[]}}`,
        ]);
        request = {
          method: "POST",
          url: `${base}/infer`,
          headers: { "content-type": "application/json" },
          payload: raw,
        };
      } else if (kind === 3) {
        // Binary extension: a JSON header of a stated length, then tensor bytes (right, short, long or lying).
        const header = Buffer.from(JSON.stringify(body()));
        const tail = Buffer.from(Array.from({ length: int(64) }, () => int(256)));
        const stated = pick([header.length, header.length + 5, -1, 0, 1e12, "abc", header.length - 1]);
        request = {
          method: "POST",
          url: `${base}/infer`,
          headers: {
            "content-type": pick(["application/octet-stream", "application/json", "text/plain"]),
            "inference-header-content-length": String(stated),
          },
          payload: Buffer.concat([header, tail]),
        };
      } else
        request = {
          method: pick(["POST", "POST", "POST", "PUT", "DELETE"]),
          url: `${base}/infer`,
          payload: body() as object,
        };
      const res = await app.inject(request);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500)
        fiveXX.push(`#${i} ${request.method} ${request.url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expect(fiveXX).toEqual([]);
    // The run reached the models: some requests were valid enough to be answered or refused by a model.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect((await app.inject("/v2/health/ready")).statusCode).toBe(200);
    const ok = await app.inject({
      method: "POST",
      url: "/v2/models/offset/infer",
      payload: { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [1, 2] }] },
    });
    expect(ok.json().outputs[0].data).toEqual([2, 3]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);
});
