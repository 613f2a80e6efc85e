/**
 * Tensor data codecs: JSON `data` (nested or flat, row-major) and the binary tensor data extension
 * (little-endian, no padding, BOOL one byte, BYTES as 4-byte LE length + bytes), in both directions.
 */
import { badRequest } from "../errors.js";
import {
  DATATYPES,
  type Datatype,
  type NumericArray,
  type TensorData,
  elementCount,
  float16Bits,
  halfToNumber,
} from "./datatypes.js";

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v);
  if (Array.isArray(v)) return "an array";
  return v === null ? "null" : typeof v === "object" ? "an object" : String(v);
}

/** Flattens nested arrays row-major; a non-array `data` is one element. */
function flatten(data: unknown): unknown[] {
  if (!Array.isArray(data)) return [data];
  let nested = false;
  for (const v of data)
    if (Array.isArray(v)) {
      nested = true;
      break;
    }
  if (!nested) return data;
  const out: unknown[] = [];
  const stack: unknown[] = [data];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out.push(v);
  };
  walk(stack[0]);
  return out;
}

/**
 * JSON `data` → tensor. Checks the element count against `shape`, each element's JS type and integer range,
 * and (unless allowed) rejects non-finite floats. FP16 must use the binary extension, as in Triton.
 */
export function decodeJson(
  name: string,
  datatype: Datatype,
  shape: readonly number[],
  data: unknown,
  allowNonFinite: boolean,
): TensorData {
  const info = DATATYPES[datatype];
  if (datatype === "FP16") {
    throw badRequest(`input "${name}": FP16 data cannot be sent as JSON; use the binary tensor data extension`);
  }
  const flat = flatten(data);
  const expected = elementCount(shape);
  if (flat.length !== expected) {
    throw badRequest(`input "${name}": shape [${shape.join(",")}] needs ${expected} elements, data has ${flat.length}`);
  }
  const where = (i: number, want: string): never => {
    throw badRequest(`input "${name}": element ${i} is ${describe(flat[i])}, expected ${want} for ${datatype}`);
  };
  if (datatype === "BYTES") {
    for (let i = 0; i < flat.length; i++) if (typeof flat[i] !== "string") where(i, "a string");
    return { type: "string", dims: shape, data: flat as string[] };
  }
  const out = info.make(flat.length);
  if (datatype === "BOOL") {
    const u8 = out as Uint8Array;
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== "boolean") where(i, "true or false");
      u8[i] = v ? 1 : 0;
    }
  } else if (info.range) {
    const [lo, hi] = info.range;
    const big = info.big === true;
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) where(i, `an integer in [${lo}, ${hi}]`);
      if (big) (out as BigInt64Array)[i] = BigInt(v as number);
      else (out as Int32Array)[i] = v as number;
    }
  } else {
    const f = out as Float32Array;
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      // JSON has no NaN: where a model takes missing values (allowNonFinite), null is one.
      if (v === null && allowNonFinite) {
        f[i] = Number.NaN;
        continue;
      }
      if (typeof v !== "number") where(i, "a number");
      f[i] = v as number;
      if (!allowNonFinite && !Number.isFinite(f[i])) {
        throw badRequest(
          `input "${name}": element ${i} overflows ${datatype} to a non-finite value, which this model does not accept`,
        );
      }
    }
  }
  return { type: info.ort, dims: shape, data: out };
}

/** Rejects NaN/±Infinity in a float tensor that arrived as binary data. */
export function checkFinite(name: string, t: TensorData): void {
  const reject = (i: number, v: number): never => {
    throw badRequest(`input "${name}": element ${i} is ${v}, and this model does not accept non-finite values`);
  };
  if (t.type === "float16") {
    // Exponent bits all ones: ±Infinity or NaN.
    const bits = float16Bits(t.data as Uint16Array);
    for (let i = 0; i < bits.length; i++)
      if (((bits[i] as number) & 0x7c00) === 0x7c00) reject(i, halfToNumber(bits[i] as number));
    return;
  }
  if (t.type !== "float32" && t.type !== "float64") return;
  // One pass without a branch per element on the type; v - v is NaN exactly for NaN and ±Infinity.
  const a = t.data as Float32Array;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (v - v !== 0) reject(i, v);
  }
}

/** Binary bytes → tensor; the byte count must match the shape exactly. */
export function decodeBinary(name: string, datatype: Datatype, shape: readonly number[], bytes: Buffer): TensorData {
  const info = DATATYPES[datatype];
  const count = elementCount(shape);
  if (datatype === "BYTES") {
    const out: string[] = [];
    let off = 0;
    while (off < bytes.length) {
      if (off + 4 > bytes.length) throw badRequest(`input "${name}": truncated BYTES length prefix at byte ${off}`);
      const len = bytes.readUInt32LE(off);
      off += 4;
      if (off + len > bytes.length)
        throw badRequest(`input "${name}": BYTES element ${out.length} runs past the binary data`);
      out.push(bytes.toString("utf8", off, off + len));
      off += len;
    }
    if (out.length !== count)
      throw badRequest(
        `input "${name}": shape [${shape.join(",")}] needs ${count} elements, binary data has ${out.length}`,
      );
    return { type: "string", dims: shape, data: out };
  }
  if (bytes.length !== count * info.size) {
    throw badRequest(
      `input "${name}": shape [${shape.join(",")}] of ${datatype} needs ${count * info.size} bytes, binary_data_size is ${bytes.length}`,
    );
  }
  const out = info.make(count);
  new Uint8Array(out.buffer).set(bytes);
  if (datatype === "BOOL") {
    for (let i = 0; i < count; i++)
      if ((out[i] as number) > 1)
        throw badRequest(`input "${name}": BOOL element ${i} is byte ${out[i]}, expected 0 or 1`);
  }
  return { type: info.ort, dims: shape, data: out };
}

/** Tensor → binary bytes (a view, no copy, for numeric tensors). */
export function encodeBinary(t: TensorData): Buffer {
  const d = t.data;
  if (!Array.isArray(d)) {
    const a = d as NumericArray;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  }
  const parts: Buffer[] = [];
  for (const s of d) {
    const b = Buffer.from(String(s), "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length, 0);
    parts.push(len, b);
  }
  return Buffer.concat(parts);
}
