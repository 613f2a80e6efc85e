/**
 * The model reference `name@ref`: how stack config, the Kubernetes workloads and the inference service name a
 * registered model. `name` follows the registry's model-name rule; `ref` is what the registry can resolve: a version
 * number (`3`), an alias (`production`, lowercase) or `latest`.
 */

/** A registry model name: a letter or digit, then letters, digits, `.`, `_` or `-` (at most 128 characters). */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A registry alias: lowercase letters, digits or `-`, starting with a letter (at most 63 characters). */
export const MODEL_ALIAS = /^[a-z][a-z0-9-]{0,62}$/;

/** A version number: a positive integer without leading zeros. */
export const MODEL_VERSION = /^[1-9][0-9]*$/;

/** A parsed model reference. */
export interface ModelRef {
  /** The registered model name. */
  readonly name: string;
  /** A version number, an alias or `latest`. */
  readonly ref: string;
}

/** An example for error messages. */
export const MODEL_REF_EXAMPLE = "iris@production";

/** Why `text` is not a model reference, or `undefined` when it is one. */
export function modelRefProblem(text: string): string | undefined {
  const at = text.indexOf("@");
  if (at < 0 || at !== text.lastIndexOf("@"))
    return `must be name@ref with exactly one "@", for example "${MODEL_REF_EXAMPLE}"`;
  const name = text.slice(0, at);
  const ref = text.slice(at + 1);
  if (!MODEL_NAME.test(name))
    return `name "${name}" must start with a letter or digit and use only letters, digits, ".", "_" or "-" (at most 128)`;
  if (!MODEL_VERSION.test(ref) && !MODEL_ALIAS.test(ref))
    return `ref "${ref}" must be a version number (such as 3), an alias in lowercase letters, digits or "-" (such as production), or latest`;
  return undefined;
}

/**
 * Why `text` is neither a model reference nor `*@alias` (every registered model that has the alias), or
 * `undefined`: what the inference service's model list (INFERENCE_MODELS) accepts.
 */
export function servedModelProblem(text: string): string | undefined {
  if (!text.startsWith("*@")) return modelRefProblem(text);
  const alias = text.slice(2);
  return MODEL_ALIAS.test(alias)
    ? undefined
    : `alias "${alias}" of "*@alias" must be lowercase letters, digits or "-", for example "*@production"`;
}

/** Whether `text` is a model reference `name@ref`. */
export function isModelRef(text: string): boolean {
  return modelRefProblem(text) === undefined;
}

/** Parses `name@ref`; throws an `Error` saying what is wrong. */
export function parseModelRef(text: string): ModelRef {
  const problem = modelRefProblem(text);
  if (problem !== undefined) throw new Error(`${JSON.stringify(text)} ${problem}`);
  const at = text.indexOf("@");
  return { name: text.slice(0, at), ref: text.slice(at + 1) };
}
