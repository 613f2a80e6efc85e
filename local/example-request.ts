/**
 * The ready-to-paste inference request `npm start` prints: an Open Inference Protocol v2 `infer` call built from
 * the served model's signature and a real row of its dataset, so it works as printed.
 */

import type { InferRequestBody, TensorSpec } from "@ai-platform/contracts";

export type { InferRequestBody, TensorSpec } from "@ai-platform/contracts";

/** The example: where to send it, what to send, and the same as one `curl` line. */
export interface ExampleRequest {
  url: string;
  body: InferRequestBody;
  curl: string;
}

/** One row of inputs: for a single-input model its feature values in order; otherwise values by input name. */
export type SampleRow =
  readonly (number | string)[] | Readonly<Record<string, readonly (number | string)[] | number | string>>;

/** Quotes `value` for a POSIX shell: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function tensorShape(spec: TensorSpec, length: number): number[] {
  const shape = spec.shape.length === 0 ? [1, length] : spec.shape.map((d, i) => (i === 0 ? 1 : d));
  const fixed = shape
    .slice(1)
    .filter((d) => d >= 0)
    .reduce((a, b) => a * b, 1);
  const dynamic = shape.slice(1).filter((d) => d < 0).length;
  if (dynamic > 1)
    throw new Error(`input ${spec.name}: more than one dynamic non-batch dimension (${spec.shape.join("x")})`);
  const resolved = shape.map((d, i) => (i > 0 && d < 0 ? length / fixed : d));
  const size = resolved.reduce((a, b) => a * b, 1);
  if (size !== length || !Number.isInteger(size)) {
    throw new Error(`input ${spec.name}: shape ${spec.shape.join("x")} does not fit a row of ${length} value(s)`);
  }
  return resolved;
}

function coerce(spec: TensorSpec, values: readonly (number | string)[]): (number | string | boolean)[] {
  if (spec.datatype === "BYTES") return values.map(String);
  if (spec.datatype === "BOOL") return values.map((v) => v === 1 || v === "true");
  return values.map((v) => {
    const n = typeof v === "number" ? v : Number(v);
    if (!Number.isFinite(n)) throw new Error(`input ${spec.name}: "${String(v)}" is not a number (${spec.datatype})`);
    return spec.datatype.startsWith("FP") ? n : Math.trunc(n);
  });
}

/**
 * Builds the example for `model` served at `inferenceUrl` (no trailing slash needed). Throws naming the input when
 * the row does not fit the signature.
 */
export function exampleRequest(
  inferenceUrl: string,
  model: string,
  inputs: readonly TensorSpec[],
  row: SampleRow,
): ExampleRequest {
  if (inputs.length === 0) throw new Error(`model ${model}: its signature has no inputs`);
  const valuesFor = (spec: TensorSpec): readonly (number | string)[] => {
    if (Array.isArray(row)) {
      if (inputs.length !== 1)
        throw new Error(`model ${model} has ${inputs.length} inputs; give the row by input name`);
      return row as readonly (number | string)[];
    }
    const value = (row as Record<string, readonly (number | string)[] | number | string>)[spec.name];
    if (value === undefined) throw new Error(`input ${spec.name}: the sample row has no value for it`);
    return Array.isArray(value) ? value : [value as number | string];
  };
  const body: InferRequestBody = {
    inputs: inputs.map((spec) => {
      const values = valuesFor(spec);
      return {
        name: spec.name,
        datatype: spec.datatype,
        shape: tensorShape(spec, values.length),
        data: coerce(spec, values),
      };
    }),
  };
  const url = `${inferenceUrl.replace(/\/+$/, "")}/v2/models/${encodeURIComponent(model)}/infer`;
  const curl = `curl -sS -X POST ${shellQuote(url)} -H 'content-type: application/json' -d ${shellQuote(JSON.stringify(body))}`;
  return { url, body, curl };
}
