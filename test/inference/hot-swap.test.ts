import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { addOffset } from "../support/onnx-models";
import { addVersion, buildApp, makeRepo, removeRepo } from "./helpers";

let repo: string;
let app: FastifyInstance;
const body = { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [10, 20] }] };

beforeAll(async () => {
  repo = makeRepo({ swap: { versions: { 1: addOffset(1) } } });
  app = await buildApp(repo);
});
afterAll(async () => {
  await app?.close();
  removeRepo(repo);
});

async function ask(): Promise<{ status: number; version: string; first: number }> {
  const res = await app.inject({ method: "POST", url: "/v2/models/swap/infer", payload: body });
  const json = res.json();
  return { status: res.statusCode, version: json.model_version, first: json.outputs?.[0]?.data?.[0] };
}

function metric(text: string, name: string, labels: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? Number.NaN : Number(line.split(" ").pop());
}

describe("hot swap", () => {
  it("swaps in a new version under concurrent load with zero failed requests", async () => {
    const before = app.models.get("swap");
    let stop = false;
    const seen: { status: number; version: string; first: number }[] = [];
    const client = async () => {
      while (!stop) seen.push(await ask());
    };
    const clients = Array.from({ length: 8 }, client);
    while (seen.length < 50) await ask();
    addVersion(repo, "swap", 2, addOffset(2));
    await app.models.sync();
    const afterSwap = seen.length;
    while (seen.length < afterSwap + 50) await ask();
    stop = true;
    await Promise.all(clients);

    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    expect(new Set(seen.map((s) => `${s.version}:${s.first}`))).toEqual(new Set(["1:11", "2:12"]));
    expect(await ask()).toEqual({ status: 200, version: "2", first: 12 });
    // The old version finished its in-flight requests, then its workers (and sessions) were released.
    await before.retire();
    expect(before.serving).toBe(false);
    expect((await app.inject("/v2/models/swap/versions/1")).statusCode).toBe(404);
    const m = (await app.inject("/metrics")).body;
    expect(metric(m, "nv_model_unload_total", 'model="swap",version="1"')).toBe(1);
    expect(metric(m, "nv_model_load_total", 'model="swap",version="2"')).toBe(1);
  });

  it("keeps the old version serving when a new artifact is corrupt, and reports it", async () => {
    addVersion(repo, "swap", 3, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    await app.models.sync();
    expect(await ask()).toEqual({ status: 200, version: "2", first: 12 });
    expect((await app.inject("/v2/health/ready")).statusCode).toBe(200);
    const index = (await app.inject({ method: "POST", url: "/v2/repository/index" })).json();
    expect(index.find((e: any) => e.version === "2")).toEqual({
      name: "swap",
      version: "2",
      state: "READY",
      reason: "",
    });
    const failed = index.find((e: any) => e.version === "3");
    expect(failed.state).toBe("UNAVAILABLE");
    expect(failed.reason).toMatch(/protobuf parsing failed|Load model|failed/i);
    const m = (await app.inject("/metrics")).body;
    expect(metric(m, "nv_model_load_failure_total", 'model="swap",version="3"')).toBe(1);
  });

  it("rejects an artifact whose sha256 does not match, keeping the old version", async () => {
    addVersion(repo, "swap", 4, addOffset(4), "0".repeat(64));
    await app.models.sync();
    expect(await ask()).toEqual({ status: 200, version: "2", first: 12 });
    const failed = (await app.inject({ method: "POST", url: "/v2/repository/index" }))
      .json()
      .find((e: any) => e.version === "4");
    expect(failed.reason).toBe(
      `sha256 mismatch for ${join(repo, "swap", "4", "model.onnx")}: expected ${"0".repeat(64)}, got ${failed.reason.split(" got ")[1]}`,
    );
    // Fixing the artifact (new bytes, matching hash file) is picked up on the next sync.
    writeFileSync(join(repo, "swap", "4", "model.onnx.sha256"), `${failed.reason.split(" got ")[1]}\n`);
    await app.models.sync();
    expect(await ask()).toEqual({ status: 200, version: "4", first: 14 });
  });
});

describe("a model whose only version cannot load", () => {
  let brokenRepo: string;
  let broken: FastifyInstance;
  beforeAll(async () => {
    brokenRepo = makeRepo({
      good: { versions: { 1: addOffset(1) } },
      bad: { versions: { 1: new Uint8Array([9, 9, 9]) } },
    });
    broken = await buildApp(brokenRepo);
  });
  afterAll(async () => {
    await broken?.close();
    removeRepo(brokenRepo);
  });

  it("keeps the server not ready, serves the other models and says why the model is unavailable", async () => {
    expect((await broken.inject("/v2/health/ready")).json()).toEqual({ ready: false });
    expect((await broken.inject({ method: "POST", url: "/v2/models/good/infer", payload: body })).statusCode).toBe(200);
    const res = await broken.inject({ method: "POST", url: "/v2/models/bad/infer", payload: body });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatch(/^model "bad" failed to load: /);
  });
});
