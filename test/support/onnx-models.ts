/**
 * ONNX models built in memory with onnx-proto, so tests and benchmarks never download anything.
 * Every builder is deterministic: the same arguments give the same bytes.
 */
import { onnx } from "onnx-proto";

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

/** Open Inference Protocol datatype → ONNX element type, for the identity/cast models. */
export const onnxElemType = {
  BOOL: T.BOOL,
  UINT8: T.UINT8,
  UINT16: T.UINT16,
  UINT32: T.UINT32,
  UINT64: T.UINT64,
  INT8: T.INT8,
  INT16: T.INT16,
  INT32: T.INT32,
  INT64: T.INT64,
  FP16: T.FLOAT16,
  FP32: T.FLOAT,
  FP64: T.DOUBLE,
  BYTES: T.STRING,
} as const;

/** A datatype the identity models cover. */
export type ModelDatatype = keyof typeof onnxElemType;

type Dim = number | string;

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

function floatTensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  // Little-endian raw bytes: much faster to encode than a repeated float field for large weight matrices.
  const raw = new Uint8Array(new Float32Array(values).buffer);
  return { name, dims, dataType: T.FLOAT, rawData: raw };
}

function encode(graph: onnx.IGraphProto, opset = 17): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: "ai-platform-tests",
    opsetImport: [{ domain: "", version: opset }],
    graph,
  }).finish();
}

/** A seeded linear congruential generator: weights that look random but never change. */
function weights(count: number, seed: number, scale: number): number[] {
  let state = seed >>> 0;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = ((state / 0x1_0000_0000) * 2 - 1) * scale;
  }
  return out;
}

/**
 * The tiny tabular classifier: input `features` FP32 [N, 4] → Gemm(4→8) → Relu → Gemm(8→3) → Softmax,
 * outputs `label` INT64 [N] (ArgMax) and `probabilities` FP32 [N, 3]. Shaped like the models training exports.
 */
export function tabularClassifier(opts: { seed?: number } = {}): Uint8Array {
  const seed = opts.seed ?? 7;
  return encode({
    name: "tabular",
    input: [valueInfo("features", T.FLOAT, ["N", 4])],
    output: [valueInfo("label", T.INT64, ["N"]), valueInfo("probabilities", T.FLOAT, ["N", 3])],
    initializer: [
      floatTensor("W1", [4, 8], weights(32, seed, 1)),
      floatTensor("B1", [8], weights(8, seed + 1, 0.1)),
      floatTensor("W2", [8, 3], weights(24, seed + 2, 1)),
      floatTensor("B2", [3], weights(3, seed + 3, 0.1)),
    ],
    node: [
      { opType: "Gemm", input: ["features", "W1", "B1"], output: ["h"] },
      { opType: "Relu", input: ["h"], output: ["r"] },
      { opType: "Gemm", input: ["r", "W2", "B2"], output: ["logits"] },
      {
        opType: "Softmax",
        input: ["logits"],
        output: ["probabilities"],
        attribute: [{ name: "axis", type: A.INT, i: 1 }],
      },
      {
        opType: "ArgMax",
        input: ["probabilities"],
        output: ["label"],
        attribute: [
          { name: "axis", type: A.INT, i: 1 },
          { name: "keepdims", type: A.INT, i: 0 },
        ],
      },
    ],
  });
}

/**
 * A compute-heavy MLP: input `x` FP32 [N, inputs] → `layers` hidden Gemm+Relu layers of `width` → Gemm → output
 * `y` FP32 [N, outputs]. The benchmark uses 32 → 4 × 1024 → 10 (about 3.2 M multiply-adds per row, 12 MiB of
 * weights) and 32 → 8 × 1024 → 10 (`layers: 8`, about 7.4 M multiply-adds, 28 MiB, more than a typical L3 cache),
 * so batch-1 runs are bound by streaming the weights while small payloads keep HTTP cheap.
 */
export function mlp(
  opts: { inputs?: number; width?: number; layers?: number; outputs?: number; seed?: number } = {},
): Uint8Array {
  const width = opts.width ?? 1024;
  const inputs = opts.inputs ?? 32;
  const outputs = opts.outputs ?? 10;
  const layers = opts.layers ?? 4;
  const seed = opts.seed ?? 11;
  const initializer: onnx.ITensorProto[] = [];
  const node: onnx.INodeProto[] = [];
  let prev = "x";
  let fanIn = inputs;
  for (let l = 0; l <= layers; l++) {
    const last = l === layers;
    const fanOut = last ? outputs : width;
    initializer.push(floatTensor(`W${l}`, [fanIn, fanOut], weights(fanIn * fanOut, seed + l, Math.sqrt(2 / fanIn))));
    initializer.push(floatTensor(`B${l}`, [fanOut], new Array<number>(fanOut).fill(0)));
    if (last) node.push({ opType: "Gemm", input: [prev, `W${l}`, `B${l}`], output: ["y"] });
    else {
      node.push({ opType: "Gemm", input: [prev, `W${l}`, `B${l}`], output: [`g${l}`] });
      node.push({ opType: "Relu", input: [`g${l}`], output: [`a${l}`] });
    }
    prev = `a${l}`;
    fanIn = fanOut;
  }
  return encode({
    name: "mlp",
    input: [valueInfo("x", T.FLOAT, ["N", inputs])],
    output: [valueInfo("y", T.FLOAT, ["N", outputs])],
    initializer,
    node,
  });
}

/**
 * `y = x + offset` on FP32 [N, 2]: distinguishes model versions in hot-swap and canary tests
 * (version k is built with `offset: k`, so the answer names the version that computed it).
 */
export function addOffset(offset: number): Uint8Array {
  return encode({
    name: "add_offset",
    input: [valueInfo("x", T.FLOAT, ["N", 2])],
    output: [valueInfo("y", T.FLOAT, ["N", 2])],
    initializer: [floatTensor("c", [1], [offset])],
    node: [{ opType: "Add", input: ["x", "c"], output: ["y"] }],
  });
}

/** `output = Identity(input)` for one datatype; `dims` default to one dynamic dimension. */
export function identity(datatype: ModelDatatype, dims: readonly Dim[] = ["N"]): Uint8Array {
  const elemType = onnxElemType[datatype];
  return encode({
    name: `identity_${datatype.toLowerCase()}`,
    input: [valueInfo("input", elemType, dims)],
    output: [valueInfo("output", elemType, dims)],
    node: [{ opType: "Identity", input: ["input"], output: ["output"] }],
  });
}

/** `output = Cast(input, to)`: FP32 [N] in, `to` out (for datatype-conversion responses). */
export function cast(to: Exclude<ModelDatatype, "BYTES">): Uint8Array {
  return encode({
    name: `cast_${to.toLowerCase()}`,
    input: [valueInfo("input", T.FLOAT, ["N"])],
    output: [valueInfo("output", onnxElemType[to], ["N"])],
    node: [
      {
        opType: "Cast",
        input: ["input"],
        output: ["output"],
        attribute: [{ name: "to", type: A.INT, i: onnxElemType[to] }],
      },
    ],
  });
}

/**
 * Two inputs, the spec's example shape: `input0` UINT32 [2, 2] and `input1` BOOL [3] →
 * `output0` = Cast<FP32>(input0) (FP32 [2, 2]) and `output1` = Not(input1) (BOOL [3]).
 */
export function twoInputs(): Uint8Array {
  return encode({
    name: "two_inputs",
    input: [valueInfo("input0", T.UINT32, [2, 2]), valueInfo("input1", T.BOOL, [3])],
    output: [valueInfo("output0", T.FLOAT, [2, 2]), valueInfo("output1", T.BOOL, [3])],
    node: [
      { opType: "Cast", input: ["input0"], output: ["output0"], attribute: [{ name: "to", type: A.INT, i: T.FLOAT }] },
      { opType: "Not", input: ["input1"], output: ["output1"] },
    ],
  });
}

/**
 * `sum = ReduceSum(Range(0, n, 1))` on an FP32 scalar `n`: its cost grows with a value, not with the input's size,
 * so warmup (n = 0) measures it cheap and a large `n` makes one run as slow as wanted (adaptive execution tests).
 */
export function rangeSum(): Uint8Array {
  return encode({
    name: "range_sum",
    input: [valueInfo("n", T.FLOAT, [])],
    output: [valueInfo("sum", T.FLOAT, [])],
    initializer: [floatTensor("zero", [], [0]), floatTensor("one", [], [1])],
    node: [
      { opType: "Range", input: ["zero", "n", "one"], output: ["r"] },
      { opType: "ReduceSum", input: ["r"], output: ["sum"], attribute: [{ name: "keepdims", type: A.INT, i: 0 }] },
    ],
  });
}

/**
 * `count = Loop(n) { c + 1 }` on an INT64 scalar `n`: constant memory, and each iteration costs onnxruntime a few
 * microseconds, so `n` = 1e9 keeps one run busy for minutes (a hung model for deadline tests); warmup (n = 0) is
 * instant.
 */
export function loopCount(): Uint8Array {
  const body: onnx.IGraphProto = {
    name: "loop_body",
    input: [valueInfo("i", T.INT64, []), valueInfo("cond_in", T.BOOL, []), valueInfo("c_in", T.FLOAT, [])],
    output: [valueInfo("cond_out", T.BOOL, []), valueInfo("c_out", T.FLOAT, [])],
    initializer: [floatTensor("one", [], [1])],
    node: [
      { opType: "Identity", input: ["cond_in"], output: ["cond_out"] },
      { opType: "Add", input: ["c_in", "one"], output: ["c_out"] },
    ],
  };
  return encode({
    name: "loop_count",
    input: [valueInfo("n", T.INT64, [])],
    output: [valueInfo("count", T.FLOAT, [])],
    initializer: [floatTensor("zero", [], [0]), { name: "true", dims: [], dataType: T.BOOL, int32Data: [1] }],
    node: [
      {
        opType: "Loop",
        input: ["n", "true", "zero"],
        output: ["count"],
        attribute: [{ name: "body", type: A.GRAPH, g: body }],
      },
    ],
  });
}
