/**
 * Shadow comparison: do a challenger's outputs agree with the primary's? Integers, booleans and strings must
 * be equal; floats within an absolute-or-relative tolerance (default 1e-4), as two equally good exports of one
 * model differ only by rounding.
 */
import type { TensorData } from "../protocol/datatypes.js";

/** True when every output both sides produced has the same shape and (nearly) the same values. */
export function outputsAgree(a: Record<string, TensorData>, b: Record<string, TensorData>, tolerance = 1e-4): boolean {
  const names = Object.keys(a).filter((n) => n in b);
  if (names.length === 0) return false;
  for (const n of names) {
    const x = a[n] as TensorData;
    const y = b[n] as TensorData;
    if (x.type !== y.type || x.dims.join(",") !== y.dims.join(",") || x.data.length !== y.data.length) return false;
    const float = x.type === "float32" || x.type === "float64";
    for (let i = 0; i < x.data.length; i++) {
      const p = x.data[i] as number;
      const q = y.data[i] as number;
      if (float ? Math.abs(p - q) > tolerance * Math.max(1, Math.abs(p)) : p !== q) return false;
    }
  }
  return true;
}

/** A deep copy of request tensors (the primary's buffers move to its worker, so the shadow needs its own). */
export function cloneFeeds(feeds: Record<string, TensorData>): Record<string, TensorData> {
  return Object.fromEntries(
    Object.entries(feeds).map(([k, t]) => [
      k,
      { type: t.type, dims: [...t.dims], data: Array.isArray(t.data) ? [...t.data] : t.data.slice() },
    ]),
  );
}
