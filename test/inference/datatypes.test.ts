import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { identity, type ModelDatatype } from "../support/onnx-models";
import { buildApp, infer, makeRepo, removeRepo } from "./helpers";

/** Values at the edges of each datatype's JSON range. */
const JSON_VALUES: Record<Exclude<ModelDatatype, "FP16">, unknown[]> = {
  BOOL: [true, false, true],
  UINT8: [0, 7, 255],
  UINT16: [0, 7, 65535],
  UINT32: [0, 7, 4294967295],
  UINT64: [0, 7, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 0, 127],
  INT16: [-32768, 0, 32767],
  INT32: [-2147483648, 0, 2147483647],
  INT64: [-Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER],
  FP32: [-0.25, 0, 1.5],
  FP64: [0.1, -1e300, 1e-300],
  BYTES: ["a", "", "héllo wörld"],
};

/** Binary encodings of three elements per datatype. */
function binaryOf(dt: ModelDatatype): Buffer {
  switch (dt) {
    case "BYTES": {
      const parts = ["a", "", "héllo"].flatMap((s) => {
        const b = Buffer.from(s, "utf8");
        const len = Buffer.alloc(4);
        len.writeUInt32LE(b.length);
        return [len, b];
      });
      return Buffer.concat(parts);
    }
    case "FP16":
      return Buffer.from(new Uint16Array([0x3c00, 0xc000, 0x7bff]).buffer); // 1, -2, 65504
    case "BOOL":
      return Buffer.from([1, 0, 1]);
    case "UINT64":
      return Buffer.from(new BigUint64Array([0n, 2n ** 64n - 1n, 5n]).buffer);
    case "INT64":
      return Buffer.from(new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 5n]).buffer);
    default: {
      const Ctor = {
        UINT8: Uint8Array,
        UINT16: Uint16Array,
        UINT32: Uint32Array,
        INT8: Int8Array,
        INT16: Int16Array,
        INT32: Int32Array,
        FP32: Float32Array,
        FP64: Float64Array,
      }[dt];
      return Buffer.from(new Ctor([1, 2, 3]).buffer);
    }
  }
}

const ALL = Object.keys({ ...JSON_VALUES, FP16: [] }) as ModelDatatype[];
let repo: string;
let app: FastifyInstance;

beforeAll(async () => {
  repo = makeRepo(Object.fromEntries(ALL.map((dt) => [dt.toLowerCase(), { versions: { 1: identity(dt) } }])));
  app = await buildApp(repo);
});
afterAll(async () => {
  await app?.close();
  removeRepo(repo);
});

describe("every datatype", () => {
  it.each(Object.entries(JSON_VALUES))("round-trips %s through JSON", async (dt, data) => {
    const res = await infer(app, dt.toLowerCase(), { inputs: [{ name: "input", shape: [3], datatype: dt, data }] });
    expect(res).toEqual({
      status: 200,
      json: {
        model_name: dt.toLowerCase(),
        model_version: "1",
        outputs: [{ name: "output", datatype: dt, shape: [3], data }],
      },
    });
  });

  it.each(ALL)("round-trips %s through the binary extension", async (dt) => {
    const bytes = binaryOf(dt);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: "input", shape: [3], datatype: dt, parameters: { binary_data_size: bytes.length } }],
        outputs: [{ name: "output", parameters: { binary_data: true } }],
      }),
    );
    const res = await app.inject({
      method: "POST",
      url: `/v2/models/${dt.toLowerCase()}/infer`,
      headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.length) },
      payload: Buffer.concat([header, bytes]),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/octet-stream");
    const n = Number(res.headers["inference-header-content-length"]);
    expect(JSON.parse(res.rawPayload.subarray(0, n).toString())).toEqual({
      model_name: dt.toLowerCase(),
      model_version: "1",
      outputs: [{ name: "output", datatype: dt, shape: [3], parameters: { binary_data_size: bytes.length } }],
    });
    expect(Buffer.compare(res.rawPayload.subarray(n), bytes)).toBe(0);
  });

  it("answers FP16 as JSON numbers when binary output is not asked for", async () => {
    const bytes = binaryOf("FP16");
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: "input", shape: [3], datatype: "FP16", parameters: { binary_data_size: 6 } }],
      }),
    );
    const res = await app.inject({
      method: "POST",
      url: "/v2/models/fp16/infer",
      headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.length) },
      payload: Buffer.concat([header, bytes]),
    });
    expect(res.json().outputs).toEqual([{ name: "output", datatype: "FP16", shape: [3], data: [1, -2, 65504] }]);
  });

  it("makes every output binary with binary_data_output", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v2/models/int32/infer",
      payload: {
        parameters: { binary_data_output: true },
        inputs: [{ name: "input", shape: [2], datatype: "INT32", data: [7, -7] }],
      },
    });
    const n = Number(res.headers["inference-header-content-length"]);
    expect(JSON.parse(res.rawPayload.subarray(0, n).toString()).outputs[0].parameters).toEqual({ binary_data_size: 8 });
    expect([...new Int32Array(new Uint8Array(res.rawPayload.subarray(n)).buffer)]).toEqual([7, -7]);
  });
});
