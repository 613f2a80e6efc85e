/**
 * Bring your own model and serve every production model: an ONNX model built here (as scikit-learn or PyTorch
 * would export it) is registered with its signature, opset and sha256, evaluated on a dataset's held-out rows and
 * served; a model trained on text and missing values answers raw rows, nulls included, once promoted, without a
 * restart of the inference service; bad files are refused with the reason.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { onnx } from "onnx-proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRegistry } from "@ai-platform/registry";
import { build } from "../../services/inference/src/app";
import { loadConfig } from "../../services/inference/src/config";
import { registrySource } from "../../services/inference/src/sources/registry-source";
import { ingestFile } from "../../services/training/src/data/ingest.js";
import { trainModel } from "../../services/training/src/pipeline/train.js";
import { promoteModel } from "../../services/training/src/pipeline/promote.js";
import { registerModel } from "../../services/training/src/pipeline/register.js";
import { scoreDataset } from "../../services/training/src/pipeline/score.js";
import { useEmulators } from "../support/emulators";

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;
const bytesOf = (s: string) => new TextEncoder().encode(s);
const info = (name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
    },
  },
});

/** A logistic model over columns x1, x2 (FP32 [N]) with string classes a/b, as an exporter would write it. */
function logisticOnnx(opts: { op?: string; noInputs?: boolean } = {}): Uint8Array {
  const f = (name: string, dims: number[], floatData: number[]) => ({ name, dims, dataType: T.FLOAT, floatData });
  const graph = onnx.GraphProto.create({
    name: "byo",
    input: opts.noInputs ? [] : [info("x1", T.FLOAT, ["N"]), info("x2", T.FLOAT, ["N"])],
    output: [info("label", T.STRING, ["N"]), info("probabilities", T.FLOAT, ["N", 2])],
    initializer: [
      { name: "col", dims: [2], dataType: T.INT64, int64Data: [-1, 1] },
      f("W", [2, 2], [1, -1, -1, 1]),
      f("b", [2], [0, 0.01]), // a tie (x1 = x2) is "b", as in the data
      ...(opts.noInputs ? [f("x1", [1], [0]), f("x2", [1], [0])] : []),
    ],
    node: [
      { opType: "Reshape", input: ["x1", "col"], output: ["c1"] },
      { opType: "Reshape", input: ["x2", "col"], output: ["c2"] },
      { opType: "Concat", input: ["c1", "c2"], output: ["x"], attribute: [{ name: "axis", type: A.INT, i: 1 }] },
      { opType: opts.op ?? "Gemm", input: ["x", "W", "b"], output: ["logits"] },
      {
        opType: "Softmax",
        input: ["logits"],
        output: ["probabilities"],
        attribute: [{ name: "axis", type: A.INT, i: 1 }],
      },
      {
        opType: "ArgMax",
        input: ["probabilities"],
        output: ["index"],
        attribute: [
          { name: "axis", type: A.INT, i: 1 },
          { name: "keepdims", type: A.INT, i: 0 },
        ],
      },
      {
        opType: "LabelEncoder",
        domain: "ai.onnx.ml",
        input: ["index"],
        output: ["label"],
        attribute: [
          { name: "keys_int64s", type: A.INTS, ints: [0, 1] },
          { name: "values_strings", type: A.STRINGS, strings: [bytesOf("a"), bytesOf("b")] },
        ],
      },
    ],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "test",
    graph,
    opsetImport: [
      { domain: "", version: 17 },
      { domain: "ai.onnx.ml", version: 3 },
    ],
    metadataProps: [{ key: "classes", value: '["a","b"]' }],
  });
  return onnx.ModelProto.encode(model).finish();
}

describe("register a model trained elsewhere, and serve every production model", () => {
  const emu = useEmulators();
  let app: FastifyInstance;
  const infer = async (name: string, inputs: unknown[]) => {
    const res = await app.inject({ method: "POST", url: `/v2/models/${name}/infer`, payload: { inputs } });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    const lines = ["x1,x2,color,label"];
    for (let i = 0; i < 300; i++) {
      const x1 = ((i * 37) % 100) / 25 - 2;
      const x2 = ((i * 53) % 100) / 25 - 2;
      const color = ["red", "green", "blue"][i % 3];
      lines.push(`${i % 23 === 0 ? "NA" : x1},${x2},${i % 11 === 0 ? "" : color},${3 * x1 - 3 * x2 > 0 ? "a" : "b"}`);
    }
    writeFileSync(join(emu.dir, "byo.csv"), lines.join("\n") + "\n");
    await ingestFile(emu.conn, {
      file: join(emu.dir, "byo.csv"),
      dataset: "byo",
      label: "label",
      rejectedPath: join(emu.dir, "byo.rej"),
    });
    const config = loadConfig({ INFERENCE_MODELS: "*@production", INFERENCE_CPU_LIMIT: "1" });
    if (config.source.kind !== "registry") throw new Error("expected registry mode");
    const source = registrySource(config.source.models, () => openRegistry(emu.conn));
    app = await build(config, { source, autoSync: false, logger: false });
    await app.ready();
    await app.models.sync();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("registers an ONNX file with its signature, opset and sha256, evaluated on the dataset's held-out rows", async () => {
    const file = join(emu.dir, "byo.onnx");
    writeFileSync(file, logisticOnnx());
    const r = await registerModel(emu.conn, {
      name: "byo",
      file,
      description: "exported elsewhere",
      dataset: "byo",
      actor: "test",
    });
    const v = r.version;
    expect(v.signature).toEqual({
      inputs: [
        { name: "x1", datatype: "FP32", shape: [-1] },
        { name: "x2", datatype: "FP32", shape: [-1] },
      ],
      outputs: [
        { name: "label", datatype: "BYTES", shape: [-1] },
        { name: "probabilities", datatype: "FP32", shape: [-1, 2] },
      ],
    });
    expect(v.artifact.opset).toBe(17);
    expect(v.artifact.sha256).toBe(createHash("sha256").update(readFileSync(file)).digest("hex"));
    expect(v.task).toBe("classification");
    expect(v.labels).toEqual(["a", "b"]);
    expect(v.description).toBe("exported elsewhere");
    expect(r.evaluatedRows).toBe(60);
    expect(v.evaluation?.rows).toBe(60);
    // The rows with x1 missing (NaN) cannot be classified by this model; every other row is right.
    expect(v.metrics.accuracy).toBeGreaterThan(0.9);
    expect(v.status).toBe("candidate");
  });

  it("refuses a file that is not ONNX, one onnxruntime cannot load, a graph without inputs, and unknown columns", async () => {
    const cases: [string, Uint8Array | string, string][] = [
      ["text.onnx", "id,x\n1,2\n", "is not an ONNX model"],
      ["badop.onnx", logisticOnnx({ op: "NoSuchOperator" }), "onnxruntime cannot load"],
      ["noinputs.onnx", logisticOnnx({ noInputs: true }), "the graph has no inputs"],
    ];
    for (const [name, content, message] of cases) {
      const file = join(emu.dir, name);
      writeFileSync(file, content);
      await expect(registerModel(emu.conn, { name: "bad", file, actor: "test" })).rejects.toThrow(message);
    }
    await expect(
      registerModel(emu.conn, { name: "bad", file: join(emu.dir, "missing.onnx"), actor: "test" }),
    ).rejects.toThrow("--file: cannot read");
    writeFileSync(join(emu.dir, "ok.onnx"), logisticOnnx());
    writeFileSync(join(emu.dir, "other.csv"), "a,y\n1,0\n2,1\n3,0\n4,1\n");
    await ingestFile(emu.conn, { file: join(emu.dir, "other.csv"), dataset: "other", label: "y" });
    await expect(
      registerModel(emu.conn, { name: "bad", file: join(emu.dir, "ok.onnx"), dataset: "other", actor: "test" }),
    ).rejects.toThrow('--dataset: the model\'s input "x1" is not a column of other');
    const { registry, close } = await openRegistry(emu.conn);
    try {
      expect(await registry.listVersions("bad")).toEqual([]);
    } finally {
      close();
    }
  });

  it("serves the registered model once promoted, without a restart", async () => {
    const row = [
      { name: "x1", datatype: "FP32", shape: [2], data: [1, -1] },
      { name: "x2", datatype: "FP32", shape: [2], data: [-1, 1] },
    ];
    expect((await infer("byo", row)).status).toBe(404);
    await promoteModel(emu.conn, { name: "byo", version: 1, actor: "test" });
    await app.models.sync();
    const out = await infer("byo", row);
    expect(out.status).toBe(200);
    expect(out.body.outputs[0]).toEqual({ name: "label", datatype: "BYTES", shape: [2], data: ["a", "b"] });
  });

  it("serves a model trained on text and missing values: raw rows in, BYTES label out, null = missing", async () => {
    const trained = await trainModel(emu.conn, {
      dataset: "byo",
      model: "mixed",
      algorithm: "forest",
      actor: "test",
    });
    expect(trained.version.signature.inputs.map((i) => `${i.name}:${i.datatype}`)).toEqual([
      "x1:FP32",
      "x2:FP32",
      "color:BYTES",
    ]);
    await promoteModel(emu.conn, { name: "mixed", version: 1, actor: "test" });
    await app.models.sync();
    const rows = [
      { id: "r1", x1: 1.5, x2: -0.5, color: "red" },
      { id: "r2", x1: null, x2: 0.25, color: "purple" }, // missing number, unseen category
      { id: "r3", x1: -1, x2: 1, color: null },
    ];
    const served = await infer("mixed", [
      { name: "x1", datatype: "FP32", shape: [3], data: rows.map((r) => r.x1) },
      { name: "x2", datatype: "FP32", shape: [3, 1], data: rows.map((r) => [r.x2]) }, // [N, 1] is [N]
      { name: "color", datatype: "BYTES", shape: [3], data: rows.map((r) => r.color ?? "") },
    ]);
    expect(served.body.error ?? "").toBe("");
    expect(served.status).toBe(200);
    const label = served.body.outputs.find((o: { name: string }) => o.name === "label");
    const probabilities = served.body.outputs.find((o: { name: string }) => o.name === "probabilities");
    expect(label.datatype).toBe("BYTES");
    writeFileSync(join(emu.dir, "rows.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
    await scoreDataset(emu.conn, {
      model: "mixed",
      file: join(emu.dir, "rows.jsonl"),
      out: join(emu.dir, "out.jsonl"),
    });
    const scored = readFileSync(join(emu.dir, "out.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { rowKey: string; label: string; probabilities: Record<string, number> })
      .sort((a, b) => a.rowKey.localeCompare(b.rowKey));
    expect(label.data).toEqual(scored.map((s) => s.label));
    scored.forEach((s, i) =>
      ["a", "b"].forEach((c, k) => expect(probabilities.data[i * 2 + k]).toBeCloseTo(s.probabilities[c] ?? NaN, 6)),
    );
  });
});
