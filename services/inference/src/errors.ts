/**
 * Errors the protocol layer turns into `{"error": "<message>"}` with an HTTP status.
 * Anything else is an internal error: logged with its stack, answered with a generic 500.
 */

/** An error whose message is safe to show to the client, with the status it maps to. */
export class InferenceError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = "InferenceError";
  }
}

/** 400: the request is malformed or does not match the model (Triton INVALID_ARG). */
export function badRequest(message: string): InferenceError {
  return new InferenceError(400, message);
}

/** 404: unknown model or version (Triton NOT_FOUND). */
export function notFound(message: string): InferenceError {
  return new InferenceError(404, message);
}

/** 503: not ready, draining, or a full queue (Triton UNAVAILABLE). */
export function unavailable(message: string): InferenceError {
  return new InferenceError(503, message);
}

/** 504: a model run passed its deadline; its worker was terminated and replaced (Triton DEADLINE_EXCEEDED). */
export function deadlineExceeded(message: string): InferenceError {
  return new InferenceError(504, message);
}
