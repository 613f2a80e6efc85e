/**
 * gRPC status codes for the service's errors: the HTTP status each REST error answers with, mapped the way gRPC's
 * own HTTP mapping runs the other way (doc/http-grpc-status-mapping.md in grpc/grpc), so a client sees the same
 * failure on both transports.
 */
import { type ServiceError, status } from "@grpc/grpc-js";
import { Metadata } from "@grpc/grpc-js";
import { InferenceError } from "../errors.js";

const BY_HTTP: Readonly<Record<number, status>> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  409: status.ALREADY_EXISTS,
  413: status.RESOURCE_EXHAUSTED,
  429: status.RESOURCE_EXHAUSTED,
  501: status.UNIMPLEMENTED,
  503: status.UNAVAILABLE,
  504: status.DEADLINE_EXCEEDED,
};

/** The gRPC code for an HTTP status: the table above, other 4xx INVALID_ARGUMENT, other 5xx INTERNAL. */
export function grpcCode(httpStatus: number): status {
  return BY_HTTP[httpStatus] ?? (httpStatus >= 400 && httpStatus < 500 ? status.INVALID_ARGUMENT : status.INTERNAL);
}

/** The error a call fails with: the client-safe message and its code; anything unexpected is INTERNAL. */
export function toServiceError(error: unknown): Partial<ServiceError> {
  if (error instanceof InferenceError)
    return { code: grpcCode(error.statusCode), details: error.message, metadata: new Metadata() };
  return { code: status.INTERNAL, details: "internal error", metadata: new Metadata() };
}
