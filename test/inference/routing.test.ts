import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FastifyInstance } from "fastify";
import { psi } from "../../services/inference/src/models/drift";
import { addOffset, tabularClassifier } from "../support/onnx-models";
import { buildApp, makeRepo, removeRepo } from "./helpers";

let repo: string;
let app: FastifyInstance;

/** A seeded generator for canary splits of requests without an id. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 0x1_0000_0000;
}

beforeAll(async () => {
  const pinned = { version_policy: { specific: { versions: [1] } } };
  repo = makeRepo({
    canary: {
      versions: { 1: addOffset(1), 2: addOffset(2) },
      config: { ...pinned, canary: { version: 2, weight: 0.25 } },
    },
    agree: { versions: { 1: addOffset(1), 2: addOffset(1) }, config: { ...pinned, shadow: { version: 2 } } },
    differ: { versions: { 1: addOffset(1), 2: addOffset(5) }, config: { ...pinned, shadow: { version: 2 } } },
    drift: { versions: { 1: tabularClassifier() } },
  });
  const edges = { mean: 1, std: 0.5, binEdges: [0, 1, 2], binFractions: [0.5, 0.5] };
  writeFileSync(
    join(repo, "drift", "1", "baseline.json"),
    JSON.stringify({ features: ["f0", "f1", "f2", "f3"].map((name) => ({ name, ...edges })) }),
  );
  app = await buildApp(repo, {}, { random: lcg(42) });
});
afterAll(async () => {
  await app?.close();
  removeRepo(repo);
});

const x = (id?: string) => ({
  ...(id ? { id } : {}),
  inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [0, 0] }],
});
async function versionFor(model: string, id?: string): Promise<string> {
  const res = await app.inject({ method: "POST", url: `/v2/models/${model}/infer`, payload: x(id) });
  expect(res.statusCode).toBe(200);
  const json = res.json();
  expect(json.outputs[0].data[0]).toBe(Number(json.model_version)); // the answer comes from the version it names
  return json.model_version;
}

describe("canary", () => {
  it("splits requests with ids by weight, sticky per id", async () => {
    const versions = [];
    for (let i = 0; i < 400; i++) versions.push(await versionFor("canary", `req-${i}`));
    const share = versions.filter((v) => v === "2").length / 400;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    for (let i = 0; i < 40; i++) expect(await versionFor("canary", `req-${i}`)).toBe(versions[i]);
  });

  it("splits requests without ids by weight", async () => {
    let v2 = 0;
    for (let i = 0; i < 400; i++) if ((await versionFor("canary")) === "2") v2++;
    expect(v2 / 400).toBeGreaterThan(0.2);
    expect(v2 / 400).toBeLessThan(0.3);
  });

  it("still honours explicit versions", async () => {
    const res = await app.inject({ method: "POST", url: "/v2/models/canary/versions/2/infer", payload: x() });
    expect(res.json().model_version).toBe("2");
  });
});

describe("shadow", () => {
  it("mirrors requests to the challenger without changing responses, and records agreement", async () => {
    for (let i = 0; i < 10; i++) {
      expect(await versionFor("agree")).toBe("1");
      expect(await versionFor("differ")).toBe("1");
    }
    await vi.waitFor(async () => {
      const m = (await app.inject("/metrics")).body;
      expect(m).toContain(
        'inference_shadow_comparisons_total{model="agree",version="1",challenger="2",result="agree"} 10',
      );
      expect(m).toContain(
        'inference_shadow_comparisons_total{model="differ",version="1",challenger="2",result="disagree"} 10',
      );
    });
  });
});

describe("drift and metrics", () => {
  it("exports PSI per feature against the training baseline", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v2/models/drift/infer",
      payload: {
        inputs: [{ name: "features", shape: [2, 4], datatype: "FP32", data: [0.5, 0.5, 0.5, 1.5, 0.2, 0.2, 0.2, 1.2] }],
      },
    });
    expect(res.statusCode).toBe(200);
    const m = (await app.inject("/metrics")).body;
    const shifted = psi([0.5, 0.5], [1, 0]);
    expect(m).toContain(`inference_feature_psi{model="drift",version="1",feature="f0"} ${shifted}`);
    expect(m).toContain(`inference_feature_psi{model="drift",version="1",feature="f3"} ${psi([0.5, 0.5], [0, 1])}`);
  });

  it("counts successes, failures by reason, executions and durations with Triton's names", async () => {
    await app.inject({
      method: "POST",
      url: "/v2/models/drift/infer",
      payload: { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, 3] }] },
    });
    const m = (await app.inject("/metrics")).body;
    expect(m).toContain('nv_inference_request_success{model="drift",version="1"} 1');
    expect(m).toContain('nv_inference_request_failure{model="drift",version="1",reason="REJECTED"} 1');
    // Without max_batch_size the model does not batch: as in Triton, a request counts as one inference.
    expect(m).toContain('nv_inference_count{model="drift",version="1"} 1');
    expect(m).toContain('nv_inference_exec_count{model="drift",version="1"} 1');
    expect(m).toContain('nv_inference_batch_size_bucket{le="1",model="drift",version="1"} 1');
    expect(m).toContain('nv_inference_compute_infer_duration_us_count{model="drift",version="1"} 1');
    expect(m).toContain('nv_inference_queue_duration_us_count{model="drift",version="1"} 1');
    expect(m).toContain('nv_inference_request_duration_us_count{model="drift",version="1"} 1');
    expect(m).toContain('nv_model_ready{model="drift",version="1"} 1');
    expect(m).toContain("# TYPE nv_inference_request_duration_us histogram");
  });
});
