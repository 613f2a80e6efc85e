/**
 * Exports a trained model to ONNX with its preprocessing inside the graph. One input per feature column, named as
 * the column, shape [N]: numbers FP32 (NaN = missing), text BYTES. Inside: text → OneHotEncoder (unknown or missing
 * → all zeros), numbers → [N,1], Concat → Imputer (training means) → Sub/Div (standardisation, not for trees) → the
 * model → `label` [N] (BYTES class names, or INT64 class values) + `probabilities` FP32 [N, C] (classification), or
 * `prediction` FP32 [N]. Class names and the input columns are in the model's metadata (`classes`, `features`).
 * Opsets: ai.onnx 17, ai.onnx.ml 3 (OneHotEncoder, Imputer, LabelEncoder, TreeEnsemble*); IR version 8.
 */
import onnxProto from "onnx-proto";
import type { TensorSpec } from "@ai-platform/registry";
import type { ClassLabels, FeatureSpec } from "../data/table.js";
import type { Tree, TrainedModel } from "../ml/model.js";

const { onnx } = onnxProto;

/** ONNX opset of the default domain our graphs use. */
export const onnxOpset = 17;
/** ai.onnx.ml opset (TreeEnsembleClassifier/Regressor and Imputer are current there). */
export const onnxMlOpset = 3;
/** IR version written into the model. */
export const onnxIrVersion = 8;
/** The encoded feature matrix inside the graph (every column concatenated, before imputation). */
const encodedName = "features";

/** What the graph needs besides the fitted model: its input columns and class labels. */
export interface ExportMeta {
  features: readonly FeatureSpec[];
  classes?: ClassLabels;
}

type Attr = onnxProto.onnx.IAttributeProto;
const A = onnx.AttributeProto.AttributeType;

const attr = {
  i: (name: string, i: number): Attr => ({ name, type: A.INT, i }),
  f: (name: string, f: number): Attr => ({ name, type: A.FLOAT, f }),
  s: (name: string, s: string): Attr => ({ name, type: A.STRING, s: new TextEncoder().encode(s) }),
  ints: (name: string, ints: number[]): Attr => ({ name, type: A.INTS, ints }),
  floats: (name: string, floats: number[]): Attr => ({ name, type: A.FLOATS, floats }),
  strings: (name: string, strings: string[]): Attr => ({
    name,
    type: A.STRINGS,
    strings: strings.map((s) => new TextEncoder().encode(s)),
  }),
};

function floatTensor(name: string, dims: number[], values: number[]): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
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

/** Flattens a forest into TreeEnsemble node attributes; `leafEntries` maps a leaf to its (target, weight) pairs. */
function treeAttributes(
  trees: Tree[],
  prefix: "class" | "target",
  leafEntries: (value: number[]) => [number, number][],
): Attr[] {
  const n = {
    tree: [] as number[],
    node: [] as number[],
    feat: [] as number[],
    val: [] as number[],
    mode: [] as string[],
    t: [] as number[],
    f: [] as number[],
  };
  const w = { tree: [] as number[], node: [] as number[], id: [] as number[], weight: [] as number[] };
  trees.forEach((tree, ti) => {
    tree.feature.forEach((feature, ni) => {
      const leaf = feature < 0;
      n.tree.push(ti);
      n.node.push(ni);
      n.feat.push(leaf ? 0 : feature);
      n.val.push(leaf ? 0 : (tree.threshold[ni] ?? 0));
      n.mode.push(leaf ? "LEAF" : "BRANCH_LT");
      n.t.push(leaf ? 0 : (tree.left[ni] ?? 0));
      n.f.push(leaf ? 0 : (tree.right[ni] ?? 0));
      if (leaf)
        for (const [id, weight] of leafEntries(tree.value[ni] ?? [])) {
          w.tree.push(ti);
          w.node.push(ni);
          w.id.push(id);
          w.weight.push(weight);
        }
    });
  });
  return [
    attr.ints("nodes_treeids", n.tree),
    attr.ints("nodes_nodeids", n.node),
    attr.ints("nodes_featureids", n.feat),
    attr.floats("nodes_values", n.val),
    attr.strings("nodes_modes", n.mode),
    attr.ints("nodes_truenodeids", n.t),
    attr.ints("nodes_falsenodeids", n.f),
    attr.ints(`${prefix}_treeids`, w.tree),
    attr.ints(`${prefix}_nodeids`, w.node),
    attr.ints(`${prefix}_ids`, w.id),
    attr.floats(`${prefix}_weights`, w.weight),
  ];
}

/** The tensor signature the inference service exposes for this model. */
export function signatureOf(model: TrainedModel, meta: ExportMeta): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  return {
    inputs: meta.features.map((f) => ({
      name: f.name,
      datatype: f.kind === "number" ? "FP32" : "BYTES",
      shape: [-1],
    })),
    outputs:
      model.task === "classification"
        ? [
            { name: "label", datatype: meta.classes?.type === "int64" ? "INT64" : "BYTES", shape: [-1] },
            { name: "probabilities", datatype: "FP32", shape: [-1, model.outputs] },
          ]
        : [{ name: "prediction", datatype: "FP32", shape: [-1] }],
  };
}

/** Serialises `model` to ONNX bytes. */
export function exportOnnx(model: TrainedModel, graphName: string, meta: ExportMeta): Uint8Array {
  const { means, stds } = model.standardizer;
  const d = means.length;
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const inits: onnxProto.onnx.ITensorProto[] = [];
  const c = model.outputs;
  const INT64 = onnx.TensorProto.DataType.INT64;
  if (meta.features.some((f) => f.kind === "number"))
    inits.push({ name: "as_column", dims: [2], dataType: INT64, int64Data: [-1, 1] });
  if (meta.features.some((f) => f.kind === "category"))
    inits.push({ name: "as_vector", dims: [1], dataType: INT64, int64Data: [-1] });
  const columnReaders = new Set<onnxProto.onnx.INodeProto>();
  const parts = meta.features.map((f, j) => {
    const out = `encoded_${j}`;
    const reader: onnxProto.onnx.INodeProto =
      f.kind === "number"
        ? { opType: "Reshape", input: [f.name, "as_column"], output: [out] }
        : { opType: "Reshape", input: [f.name, "as_vector"], output: [`flat_${j}`] };
    columnReaders.add(reader);
    nodes.push(reader);
    if (f.kind === "number") return out;
    nodes.push({
      opType: "OneHotEncoder",
      domain: "ai.onnx.ml",
      input: [`flat_${j}`],
      output: [out],
      attribute: [attr.strings("cats_strings", f.categories), attr.i("zeros", 1)],
    });
    return out;
  });
  nodes.push({ opType: "Concat", input: parts, output: [encodedName], attribute: [attr.i("axis", 1)] });
  nodes.push({
    opType: "Imputer",
    domain: "ai.onnx.ml",
    input: [encodedName],
    output: ["imputed"],
    attribute: [attr.floats("imputed_value_floats", means), attr.f("replaced_value_float", NaN)],
  });
  const p = model.params;
  if (p.kind !== "forest") {
    inits.push(floatTensor("mean", [d], means), floatTensor("std", [d], stds));
    nodes.push(
      { opType: "Sub", input: ["imputed", "mean"], output: ["centered"] },
      { opType: "Div", input: ["centered", "std"], output: ["scaled"] },
    );
  }
  const classify = (logits: string): void => {
    nodes.push({ opType: "Softmax", input: [logits], output: ["probabilities"], attribute: [attr.i("axis", 1)] });
    nodes.push({
      opType: "ArgMax",
      input: ["probabilities"],
      output: ["label_index"],
      attribute: [attr.i("axis", 1), attr.i("keepdims", 0)],
    });
  };
  if (p.kind === "softmax") {
    inits.push(floatTensor("W", [d, c], p.W.flat()), floatTensor("b", [c], p.b));
    nodes.push({ opType: "Gemm", input: ["scaled", "W", "b"], output: ["logits"] });
    classify("logits");
  } else if (p.kind === "mlp") {
    const h = p.b1.length;
    inits.push(
      floatTensor("W1", [d, h], p.W1.flat()),
      floatTensor("b1", [h], p.b1),
      floatTensor("W2", [h, c], p.W2.flat()),
      floatTensor("b2", [c], p.b2),
    );
    nodes.push(
      { opType: "Gemm", input: ["scaled", "W1", "b1"], output: ["hidden_pre"] },
      { opType: "Relu", input: ["hidden_pre"], output: ["hidden"] },
    );
    nodes.push({ opType: "Gemm", input: ["hidden", "W2", "b2"], output: ["logits"] });
    classify("logits");
  } else if (p.kind === "linear") {
    inits.push(floatTensor("w", [d, 1], p.w), floatTensor("b", [1], [p.b]));
    inits.push({ name: "flat", dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [-1] });
    nodes.push(
      { opType: "Gemm", input: ["scaled", "w", "b"], output: ["column"] },
      { opType: "Reshape", input: ["column", "flat"], output: ["prediction"] },
    );
  } else if (model.task === "classification") {
    const nTrees = p.trees.length;
    nodes.push({
      opType: "TreeEnsembleClassifier",
      domain: "ai.onnx.ml",
      input: ["imputed"],
      output: ["ensemble_label", "probabilities"],
      attribute: [
        ...treeAttributes(p.trees, "class", (v) =>
          v.map((frac, k) => [k, Math.fround(frac / nTrees)] as [number, number]),
        ),
        attr.ints(
          "classlabels_int64s",
          Array.from({ length: c }, (_, k) => k),
        ),
        attr.s("post_transform", "NONE"),
      ],
    });
    // The ensemble's own label output has a special binary rule; ArgMax keeps labels consistent with probabilities.
    nodes.push({
      opType: "ArgMax",
      input: ["probabilities"],
      output: ["label_index"],
      attribute: [attr.i("axis", 1), attr.i("keepdims", 0)],
    });
  } else {
    inits.push({ name: "flat", dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [-1] });
    nodes.push({
      opType: "TreeEnsembleRegressor",
      domain: "ai.onnx.ml",
      input: ["imputed"],
      output: ["column"],
      attribute: [
        ...treeAttributes(p.trees, "target", (v) => [[0, Math.fround(v[0] ?? 0)]]),
        attr.i("n_targets", 1),
        attr.s("aggregate_function", "AVERAGE"),
        attr.s("post_transform", "NONE"),
      ],
    });
    nodes.push({ opType: "Reshape", input: ["column", "flat"], output: ["prediction"] });
  }
  const FLOAT = onnx.TensorProto.DataType.FLOAT,
    STRING = onnx.TensorProto.DataType.STRING;
  const names = meta.classes?.names ?? Array.from({ length: c }, (_, k) => String(k));
  const intLabels = meta.classes?.type === "int64";
  if (model.task === "classification")
    nodes.push({
      opType: "LabelEncoder",
      domain: "ai.onnx.ml",
      input: ["label_index"],
      output: ["label"],
      attribute: [
        attr.ints(
          "keys_int64s",
          names.map((_, k) => k),
        ),
        ...(intLabels
          ? [attr.ints("values_int64s", names.map(Number)), attr.i("default_int64", -1)]
          : [attr.strings("values_strings", names), attr.s("default_string", "")]),
      ],
    });
  const outputs =
    model.task === "classification"
      ? [valueInfo("label", intLabels ? INT64 : STRING, ["N"]), valueInfo("probabilities", FLOAT, ["N", c])]
      : [valueInfo("prediction", FLOAT, ["N"])];
  // Inputs are named after the user's columns, so every other tensor gets a prefix no column name shares: a column
  // called "b" must not meet the bias initializer "b". Only the front end's Reshape nodes read the columns.
  const outputNames = new Set(outputs.map((o) => o.name ?? ""));
  const clash = meta.features.find((f) => outputNames.has(f.name));
  if (clash) throw new Error(`feature column "${clash.name}" has the name of a model output; rename the column`);
  const internal = (name: string): string => (outputNames.has(name) || name === "" ? name : `ai_platform.${name}`);
  for (const node of nodes) {
    node.input = (node.input ?? []).map((name, k) => (k === 0 && columnReaders.has(node) ? name : internal(name)));
    node.output = (node.output ?? []).map(internal);
  }
  for (const init of inits) init.name = internal(init.name ?? "");
  const graph = onnx.GraphProto.create({
    name: graphName,
    node: nodes,
    initializer: inits,
    input: meta.features.map((f) => valueInfo(f.name, f.kind === "number" ? FLOAT : STRING, ["N"])),
    output: outputs,
  });
  const proto = onnx.ModelProto.create({
    irVersion: onnxIrVersion,
    producerName: "ai-platform-training",
    producerVersion: "0.1.0",
    graph,
    metadataProps: [
      { key: "features", value: JSON.stringify(meta.features) },
      ...(model.task === "classification" ? [{ key: "classes", value: JSON.stringify(names) }] : []),
      { key: "missing_values", value: "numeric inputs: NaN (JSON null over the inference protocol); text: empty" },
    ],
    opsetImport: [
      { domain: "", version: onnxOpset },
      { domain: "ai.onnx.ml", version: onnxMlOpset },
    ],
  });
  return onnx.ModelProto.encode(proto).finish();
}
