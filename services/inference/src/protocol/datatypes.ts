/**
 * Open Inference Protocol datatypes and their onnxruntime counterparts (the protocol's tensor data types table).
 * BF16 has no onnxruntime-node type, so it is not served.
 */

/** Every V2 datatype this server accepts. */
export type Datatype =
  | "BOOL"
  | "UINT8"
  | "UINT16"
  | "UINT32"
  | "UINT64"
  | "INT8"
  | "INT16"
  | "INT32"
  | "INT64"
  | "FP16"
  | "FP32"
  | "FP64"
  | "BYTES";

/** onnxruntime-node's element type names (onnxruntime-common `Tensor.Type`). */
export type OrtType =
  | "bool"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "float16"
  | "float32"
  | "float64"
  | "string";

/** A typed array that carries a numeric tensor. */
export type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** A tensor as it travels between the HTTP thread and the session workers (structured-cloneable). */
export interface TensorData {
  readonly type: OrtType;
  readonly dims: readonly number[];
  readonly data: NumericArray | string[];
}

/** One input or output as the protocol describes it (`-1` for dynamic dimensions). */
export interface TensorMeta {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
}

interface TypeInfo {
  readonly ort: OrtType;
  /** Bytes per element in the binary extension; 0 for BYTES (length-prefixed). */
  readonly size: number;
  readonly make: (n: number) => NumericArray;
  /** Integer range for JSON validation; undefined for floats, BOOL and BYTES. */
  readonly range?: readonly [number, number];
  readonly big?: boolean;
}

/** Datatype table: ORT type, element size, array constructor and integer range. */
export const DATATYPES: Readonly<Record<Datatype, TypeInfo>> = Object.freeze({
  BOOL: { ort: "bool", size: 1, make: (n) => new Uint8Array(n) },
  UINT8: { ort: "uint8", size: 1, make: (n) => new Uint8Array(n), range: [0, 255] },
  UINT16: { ort: "uint16", size: 2, make: (n) => new Uint16Array(n), range: [0, 65535] },
  UINT32: { ort: "uint32", size: 4, make: (n) => new Uint32Array(n), range: [0, 4294967295] },
  UINT64: {
    ort: "uint64",
    size: 8,
    make: (n) => new BigUint64Array(n),
    range: [0, Number.MAX_SAFE_INTEGER],
    big: true,
  },
  INT8: { ort: "int8", size: 1, make: (n) => new Int8Array(n), range: [-128, 127] },
  INT16: { ort: "int16", size: 2, make: (n) => new Int16Array(n), range: [-32768, 32767] },
  INT32: { ort: "int32", size: 4, make: (n) => new Int32Array(n), range: [-2147483648, 2147483647] },
  INT64: {
    ort: "int64",
    size: 8,
    make: (n) => new BigInt64Array(n),
    range: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    big: true,
  },
  FP16: { ort: "float16", size: 2, make: (n) => new Uint16Array(n) },
  FP32: { ort: "float32", size: 4, make: (n) => new Float32Array(n) },
  FP64: { ort: "float64", size: 8, make: (n) => new Float64Array(n) },
  BYTES: { ort: "string", size: 0, make: (n) => new Uint8Array(n) },
});

const BY_ORT = new Map<string, Datatype>(Object.entries(DATATYPES).map(([dt, info]) => [info.ort, dt as Datatype]));

/** True when `s` names a datatype this server serves. */
export function isDatatype(s: string): s is Datatype {
  return Object.prototype.hasOwnProperty.call(DATATYPES, s);
}

/** The V2 datatype of an onnxruntime element type, or undefined for types the protocol cannot carry. */
export function datatypeOfOrt(type: string): Datatype | undefined {
  return BY_ORT.get(type);
}

/** Number of elements of a shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The half bits of FP16 data, as a Uint16Array view (no copy). onnxruntime-common hands out a `Float16Array` where the
 * runtime has one (Node 24) and raw bits in a Uint16Array where it does not; the wire always carries the bits.
 */
export function float16Bits(data: ArrayBufferView): Uint16Array {
  return data instanceof Uint16Array ? data : new Uint16Array(data.buffer, data.byteOffset, data.byteLength >>> 1);
}

/** IEEE 754 half (raw bits) → number; FP16 outputs are readable in JSON responses. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
