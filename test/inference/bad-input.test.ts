import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { tabularClassifier } from "../support/onnx-models";
import { buildApp, makeRepo, removeRepo } from "./helpers";

let repo: string;
let app: FastifyInstance;
const good = { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }] };

beforeAll(async () => {
  repo = makeRepo({ tabular: { versions: { 1: tabularClassifier() }, config: { max_batch_size: 8 } } });
  app = await buildApp(repo, { INFERENCE_BODY_LIMIT_BYTES: "4096" });
});
afterAll(async () => {
  await app?.close();
  removeRepo(repo);
});

/** Sends `payload`, expects `status` + `{error}` exactly, then proves the server still serves. */
async function rejects(
  payload: string | Buffer | object,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await app.inject({
    method: "POST",
    url: "/v2/models/tabular/infer",
    headers: { "content-type": "application/json", ...headers },
    payload: payload as string,
  });
  expect([res.statusCode, res.json()]).toEqual([status, { error }]);
  expect(res.body).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
  const after = await app.inject({ method: "POST", url: "/v2/models/tabular/infer", payload: good });
  expect(after.statusCode).toBe(200);
}

function binary(json: object, tail: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const header = Buffer.from(JSON.stringify(json));
  return {
    payload: Buffer.concat([header, tail]),
    headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.length) },
  };
}

const input = (over: object) => ({
  inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4], ...over }],
});

describe("bad input gets a precise 4xx and the server keeps serving", () => {
  it.each([
    ["malformed JSON", '{"inputs": [', 400, "malformed JSON body: Unexpected end of JSON input"],
    ["an empty body", "", 400, "request body is empty"],
    ["a body that is not an object", "[1,2]", 400, "body must be object"],
    ["no inputs", {}, 400, "body must have required property 'inputs'"],
    ["an unknown top-level field", { ...good, inptus: [] }, 400, 'body must NOT have additional properties "inptus"'],
    [
      "an unknown input field",
      input({ dtype: "FP32" }),
      400,
      'body.inputs.0 must NOT have additional properties "dtype"',
    ],
    ["a non-integer shape", input({ shape: [1, 4.5] }), 400, "body.inputs.0.shape.1 must be integer"],
    ["a negative dimension", input({ shape: [-1, 4] }), 400, "body.inputs.0.shape.0 must be >= 0"],
    ["an unknown input", input({ name: "x" }), 400, 'unknown input "x"; the model\'s inputs are "features"'],
    [
      "a wrong datatype",
      input({ datatype: "FP64" }),
      400,
      'input "features": datatype FP64 does not match the model\'s FP32',
    ],
    ["an unsupported datatype", input({ datatype: "BF16" }), 400, 'input "features": unsupported datatype "BF16"'],
    ["a wrong rank", input({ shape: [4] }), 400, 'input "features": shape [4] does not match the model\'s [-1,4]'],
    [
      "a wrong static dimension",
      input({ shape: [1, 3], data: [1, 2, 3] }),
      400,
      'input "features": shape [1,3] does not match the model\'s [-1,4]',
    ],
    [
      "an element-count mismatch",
      input({ data: [1, 2, 3] }),
      400,
      'input "features": shape [1,4] needs 4 elements, data has 3',
    ],
    [
      "a string element",
      input({ data: [1, 2, "3", 4] }),
      400,
      'input "features": element 2 is "3", expected a number for FP32',
    ],
    [
      "a null element",
      input({ data: [1, null, 3, 4] }),
      400,
      'input "features": element 1 is null, expected a number for FP32',
    ],
    [
      "an overflow to Infinity",
      input({ data: [1, 2, 3, 1e39] }),
      400,
      'input "features": element 3 overflows FP32 to a non-finite value, which this model does not accept',
    ],
    [
      "a NaN literal",
      '{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[NaN,1,2,3]}]}',
      400,
      'malformed JSON body: Unexpected token \'N\', ..."","data":[NaN,1,2,3]"... is not valid JSON',
    ],
    [
      "missing data",
      { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32" }] },
      400,
      'input "features": missing data (or parameters.binary_data_size)',
    ],
    [
      "an unknown output",
      { ...good, outputs: [{ name: "labels" }] },
      400,
      'unknown output "labels"; the model\'s outputs are "label", "probabilities"',
    ],
    [
      "a batch above max_batch_size",
      input({ shape: [9, 4], data: new Array(36).fill(0) }),
      400,
      'input "features": batch size 9 exceeds max_batch_size 8',
    ],
    [
      "a duplicated input",
      { inputs: [good.inputs[0], good.inputs[0]] },
      400,
      'input "features" is given more than once',
    ],
    ["a body over the limit", { ...good, id: "x".repeat(5000) }, 413, "request body exceeds the limit of 4096 bytes"],
  ])("%s", async (_what, payload, status, error) => {
    await rejects(payload as object, status, error);
  });

  it("rejects NaN and Infinity in binary FP32 data", async () => {
    const b = binary(
      input({ data: undefined, parameters: { binary_data_size: 16 } }),
      Buffer.from(new Float32Array([1, Number.NaN, 2, 3]).buffer),
    );
    await rejects(
      b.payload,
      400,
      'input "features": element 1 is NaN, and this model does not accept non-finite values',
      b.headers,
    );
    const c = binary(
      input({ data: undefined, parameters: { binary_data_size: 16 } }),
      Buffer.from(new Float32Array([1, 2, Infinity, 3]).buffer),
    );
    await rejects(
      c.payload,
      400,
      'input "features": element 2 is Infinity, and this model does not accept non-finite values',
      c.headers,
    );
  });

  it("rejects inconsistent binary sizes", async () => {
    const short = binary(input({ data: undefined, parameters: { binary_data_size: 16 } }), Buffer.alloc(12));
    await rejects(
      short.payload,
      400,
      'input "features": binary_data_size 16 runs past the end of the binary data',
      short.headers,
    );
    const wrong = binary(input({ data: undefined, parameters: { binary_data_size: 12 } }), Buffer.alloc(12));
    await rejects(
      wrong.payload,
      400,
      'input "features": shape [1,4] of FP32 needs 16 bytes, binary_data_size is 12',
      wrong.headers,
    );
    const extra = binary(input({ data: undefined, parameters: { binary_data_size: 16 } }), Buffer.alloc(20));
    await rejects(extra.payload, 400, "binary data has 4 bytes that no input claims", extra.headers);
    await rejects(Buffer.from("{}"), 400, "binary request without the Inference-Header-Content-Length header", {
      "content-type": "application/octet-stream",
    });
    await rejects(
      Buffer.from("{}"),
      400,
      "Inference-Header-Content-Length 99 must be an integer between 0 and the body length 2",
      {
        "content-type": "application/octet-stream",
        "inference-header-content-length": "99",
      },
    );
  });

  it("rejects other content types with 415 and unknown routes with 404", async () => {
    await rejects("inputs=1", 415, "unsupported content type; send application/json or application/octet-stream", {
      "content-type": "text/plain",
    });
    const res = await app.inject({ method: "GET", url: "/v2/nothing" });
    expect([res.statusCode, res.json()]).toEqual([404, { error: "no route GET /v2/nothing" }]);
  });

  it("answers 404 for an unknown model or version on infer", async () => {
    const a = await app.inject({ method: "POST", url: "/v2/models/nope/infer", payload: good });
    expect([a.statusCode, a.json()]).toEqual([404, { error: 'unknown model "nope"' }]);
    const b = await app.inject({ method: "POST", url: "/v2/models/tabular/versions/2/infer", payload: good });
    expect([b.statusCode, b.json()]).toEqual([404, { error: 'model "tabular" has no version "2"' }]);
  });
});
