/**
 * The Open Inference Protocol's gRPC half, `inference.GRPCInferenceService`, next to REST on its own port: every
 * RPC over the same served models, inference path (errors, metrics, batching, canary, shadow) and credentials as
 * REST. ServerLive and ServerReady stay open like the REST probes; every other call needs the credentials REST
 * needs, sent as `authorization` or `x-api-key` metadata.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { FastifyInstance } from "fastify";
import { SERVER_NAME, SERVER_VERSION, SERVER_EXTENSIONS } from "../plugins/health.js";
import { type JwtVerifier, credentialCheck } from "../plugins/security.js";
import { type GrpcInferRequest, decodeInferRequest, encodeInferResponse } from "./codec.js";
import { toServiceError } from "./status.js";

/** The service definition, written from the protocol's published messages. */
export const PROTO_PATH = fileURLToPath(new URL("../../proto/grpc_predict_v2.proto", import.meta.url));

/** Loader options: field names as in the .proto, int64 as numbers, oneof names, no defaults filled in. */
export const PROTO_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, oneofs: true };

/** How to serve gRPC. */
export interface GrpcOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Largest accepted message (REST's body limit). */
  readonly maxMessageBytes: number;
  readonly apiKey?: string;
  readonly verifyJwt?: JwtVerifier;
}

/** A listening gRPC server. */
export interface RunningGrpcServer {
  /** The bound port. */
  readonly port: number;
  /** Stops accepting calls, lets in-flight ones finish (forcing them closed after `deadlineMs`). */
  close(deadlineMs: number): Promise<void>;
}

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** Starts `inference.GRPCInferenceService` for `app`'s models on `host:port`. */
export async function startGrpcServer(app: FastifyInstance, opts: GrpcOptions): Promise<RunningGrpcServer> {
  const definition = protoLoader.loadSync(PROTO_PATH, PROTO_OPTIONS);
  const service = (
    grpc.loadPackageDefinition(definition) as unknown as {
      inference: { GRPCInferenceService: { service: grpc.ServiceDefinition } };
    }
  ).inference.GRPCInferenceService.service;
  const ctx = app.inference;
  const check = credentialCheck({ apiKey: opts.apiKey, verifyJwt: opts.verifyJwt });
  const header = (call: grpc.ServerUnaryCall<unknown, unknown>, key: string): string | undefined => {
    const v = call.metadata.get(key)[0];
    return v === undefined ? undefined : String(v);
  };

  /** A unary handler: credentials (unless open), then `run`, errors mapped to gRPC codes. */
  const unary =
    <Req, Res>(run: (request: Req) => Res | Promise<Res>, open = false): Unary<Req, Res> =>
    (call, callback) => {
      const authorized = open || !check ? undefined : check(header(call, "authorization"), header(call, "x-api-key"));
      Promise.resolve(authorized)
        .then(() => run(call.request))
        .then(
          (response) => callback(null, response),
          (error: unknown) => {
            const e = toServiceError(error);
            if (e.code === grpc.status.INTERNAL) app.log.error({ err: error }, "gRPC call failed");
            callback(e);
          },
        );
    };

  let calls = 0;
  const handlers: grpc.UntypedServiceImplementation = {
    ServerLive: unary(() => ({ live: true }), true),
    ServerReady: unary(() => ({ ready: ctx.store.ready && !ctx.state.draining }), true),
    ModelReady: unary((r: { name: string; version: string }) => ({
      ready: ctx.store.get(r.name, r.version || undefined).serving,
    })),
    ServerMetadata: unary(() => ({ name: SERVER_NAME, version: SERVER_VERSION, extensions: [...SERVER_EXTENSIONS] })),
    ModelMetadata: unary((r: { name: string; version: string }) => {
      const lv = ctx.store.get(r.name, r.version || undefined);
      return {
        name: r.name,
        versions: r.version ? [String(lv.version)] : ctx.store.versions(r.name).map((v) => String(v.version)),
        platform: "onnxruntime_onnx",
        inputs: lv.inputs,
        outputs: lv.outputs,
      };
    }),
    ModelInfer: unary((r: GrpcInferRequest) =>
      ctx.runInference(
        {
          name: r.model_name,
          version: r.model_version || undefined,
          id: r.id || undefined,
          requestId: `grpc-${++calls}`,
        },
        (lv) => decodeInferRequest(r, lv),
        (lv, decoded, result) => encodeInferResponse(lv, r.id, decoded, result.outputs),
      ),
    ),
  };

  const server = new grpc.Server({
    "grpc.max_receive_message_length": opts.maxMessageBytes,
    "grpc.max_send_message_length": -1,
  });
  server.addService(service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${opts.port}`,
      grpc.ServerCredentials.createInsecure(),
      (e, p) => (e ? reject(e) : resolve(p)),
    ),
  );
  return {
    port,
    close: (deadlineMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, deadlineMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
