/**
 * JSON schemas for the Open Inference Protocol routes (rest_predict_v2.yaml's required fields; unknown
 * fields are rejected so a typo such as `input` for `inputs` fails loudly instead of being ignored).
 * `data` is left to the codec, which checks it element by element against the datatype.
 */

const parameters = {
  type: "object",
  additionalProperties: { type: ["string", "number", "boolean"] },
} as const;

/** Path parameters of model routes. */
export const modelParams = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", minLength: 1 }, version: { type: "string", minLength: 1 } },
} as const;

/** `$inference_request`. */
export const inferRequestSchema = {
  type: "object",
  required: ["inputs"],
  additionalProperties: false,
  properties: {
    id: { type: "string" },
    parameters,
    inputs: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["name", "shape", "datatype"],
        additionalProperties: false,
        properties: {
          name: { type: "string", minLength: 1 },
          shape: { type: "array", items: { type: "integer", minimum: 0 } },
          datatype: { type: "string" },
          parameters,
          data: {},
        },
      },
    },
    outputs: {
      type: "array",
      items: {
        type: "object",
        required: ["name"],
        additionalProperties: false,
        properties: { name: { type: "string", minLength: 1 }, parameters },
      },
    },
  },
} as const;
