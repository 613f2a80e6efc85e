/**
 * The inference response as JSON text, written straight from the output tensors: no intermediate arrays (no
 * `Array.from` per element), no generic `JSON.stringify` walk, and the fixed parts (model name and version, each
 * output's name, datatype and shape prefix) escaped once per model version. The text is what `JSON.stringify` of
 * the protocol's `$inference_response` gives, except that INT64/UINT64 keep every digit.
 */
import { type Datatype, type TensorData, datatypeOfOrt, float16Bits, halfToNumber } from "./datatypes.js";

/** Numbers as JSON: NaN and ±Infinity have no JSON form and become null, as in `JSON.stringify`. */
function finiteJoin(values: ArrayLike<number>): string {
  let out = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    out += (i === 0 ? "" : ",") + (Number.isFinite(v) ? String(v) : "null");
  }
  return out;
}

/** A tensor's data as the inside of a JSON array. */
export function jsonData(t: TensorData): string {
  const d = t.data;
  if (Array.isArray(d)) return JSON.stringify(d).slice(1, -1);
  switch (t.type) {
    case "bool": {
      let out = "";
      for (let i = 0; i < d.length; i++) out += (i === 0 ? "" : ",") + (d[i] ? "true" : "false");
      return out;
    }
    case "float16": {
      const bits = float16Bits(d);
      const values = new Array<number>(bits.length);
      for (let i = 0; i < bits.length; i++) values[i] = halfToNumber(bits[i] as number);
      return finiteJoin(values);
    }
    case "float32":
    case "float64": {
      // A typed array's own join formats each element as String(v) does; only NaN/Infinity (the only number
      // strings with an "N" or "I") need the slower pass.
      const joined = (d as Float32Array).join(",");
      return joined.includes("N") || joined.includes("I") ? finiteJoin(d as Float32Array) : joined;
    }
    default:
      return (d as Int32Array).join(",");
  }
}

/** Writes the JSON of one model version's responses. */
export class ResponseJson {
  private readonly prefix: string;
  private readonly heads = new Map<string, string>();

  constructor(model: { readonly name: string; readonly version: number }) {
    this.prefix = `{"model_name":${JSON.stringify(model.name)},"model_version":${JSON.stringify(String(model.version))}`;
  }

  /** `{"name":…,"datatype":…,"shape":[`, escaped once per output and datatype. */
  private head(name: string, datatype: Datatype): string {
    const key = `${datatype}\u0000${name}`;
    let h = this.heads.get(key);
    if (h === undefined)
      this.heads.set(key, (h = `{"name":${JSON.stringify(name)},"datatype":"${datatype}","shape":[`));
    return h;
  }

  /**
   * The response text; outputs marked binary carry `binary_data_size` (their bytes, from `binarySize`, follow the
   * JSON in the same order).
   */
  write(
    id: string | undefined,
    outputs: readonly { readonly name: string; readonly binary: boolean }[],
    tensors: Record<string, TensorData>,
    binarySize: (name: string) => number,
  ): string {
    let out = this.prefix;
    if (id !== undefined) out += `,"id":${JSON.stringify(id)}`;
    out += ',"outputs":[';
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i] as { name: string; binary: boolean };
      const t = tensors[o.name];
      if (!t) throw new Error(`model produced no output "${o.name}"`);
      out += (i === 0 ? "" : ",") + this.head(o.name, datatypeOfOrt(t.type) ?? "BYTES") + t.dims.join(",") + "],";
      out += o.binary ? `"parameters":{"binary_data_size":${binarySize(o.name)}}}` : `"data":[${jsonData(t)}]}`;
    }
    return `${out}]}`;
  }
}
