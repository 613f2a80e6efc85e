import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { exampleRequest, shellQuote, type TensorSpec } from "../../local/example-request";

describe("exampleRequest", () => {
  it("builds an OIP infer call from a single [-1, n] input and a row", () => {
    const ex = exampleRequest(
      "http://127.0.0.1:8080/",
      "iris",
      [{ name: "input", datatype: "FP32", shape: [-1, 4] }],
      [5.1, 3.5, 1.4, 0.2],
    );
    expect(ex.url).toBe("http://127.0.0.1:8080/v2/models/iris/infer");
    expect(ex.body).toEqual({
      inputs: [{ name: "input", datatype: "FP32", shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] }],
    });
    expect(ex.curl).toBe(
      `curl -sS -X POST 'http://127.0.0.1:8080/v2/models/iris/infer' -H 'content-type: application/json' ` +
        `-d '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[5.1,3.5,1.4,0.2]}]}'`,
    );
  });

  it.each<[string, TensorSpec, (number | string)[], number[], unknown[]]>([
    ["INT64 truncates", { name: "x", datatype: "INT64", shape: [-1, 2] }, ["3", 4.7], [1, 2], [3, 4]],
    ["dynamic feature dim", { name: "x", datatype: "FP64", shape: [-1, -1] }, [1, 2, 3], [1, 3], [1, 2, 3]],
    ["BYTES as strings", { name: "x", datatype: "BYTES", shape: [-1, 1] }, [7], [1, 1], ["7"]],
  ])("%s", (_name, spec, row, shape, data) => {
    const ex = exampleRequest("http://h", "m", [spec], row);
    expect(ex.body.inputs[0]).toEqual({ name: "x", datatype: spec.datatype, shape, data });
  });

  it("takes one value per input by name for multi-input models", () => {
    const ex = exampleRequest(
      "http://h",
      "m",
      [
        { name: "a", datatype: "FP32", shape: [-1, 1] },
        { name: "b", datatype: "BYTES", shape: [-1, 1] },
      ],
      { a: 1.5, b: "setosa" },
    );
    expect(ex.body.inputs).toEqual([
      { name: "a", datatype: "FP32", shape: [1, 1], data: [1.5] },
      { name: "b", datatype: "BYTES", shape: [1, 1], data: ["setosa"] },
    ]);
  });

  it.each([
    [
      "a row that does not fit",
      [{ name: "x", datatype: "FP32", shape: [-1, 3] }],
      [1, 2],
      "input x: shape -1x3 does not fit a row of 2 value(s)",
    ],
    [
      "a non-number",
      [{ name: "x", datatype: "FP32", shape: [-1, 1] }],
      ["abc"],
      'input x: "abc" is not a number (FP32)',
    ],
    ["no inputs", [], [1], "model m: its signature has no inputs"],
    [
      "a missing named input",
      [
        { name: "a", datatype: "FP32", shape: [-1, 1] },
        { name: "b", datatype: "FP32", shape: [-1, 1] },
      ],
      { a: 1 },
      "input b: the sample row has no value for it",
    ],
  ])("rejects %s", (_name, inputs, row, message) => {
    expect(() => exampleRequest("http://h", "m", inputs as TensorSpec[], row as never)).toThrow(message);
  });
});

describe("shellQuote", () => {
  it("round-trips through a real shell, quotes included", () => {
    const value = `it's "fine" $HOME \`x\``;
    expect(execFileSync("sh", ["-c", `printf %s ${shellQuote(value)}`], { encoding: "utf8" })).toBe(value);
  });
});
