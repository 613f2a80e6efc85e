/**
 * The benchmark's closed-loop load generator, run as its own process (`node bench/load-generator.mts '<json>'`; Node
 * 24 strips the types) so its CPU never runs in the process under test. Each client keeps one connection and sends
 * its next request as soon as the previous answer arrived. It prints `start` and `stop` when the measured window
 * opens and closes (the parent samples the server's CPU time then), and finally one JSON line of results.
 * REST clients share a keep-alive agent with one socket per client; gRPC clients each get their own channel.
 */
import { readFileSync } from "node:fs";
import http from "node:http";

/** What to load and for how long. */
export type LoadSpec = {
  /** REST: POST the bytes of `bodyFile` to `path`; gRPC: ModelInfer with `request` through `protoPath`. */
  readonly kind: "rest" | "grpc";
  readonly port: number;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly path?: string;
  readonly bodyFile?: string;
  readonly headers?: Record<string, string>;
  readonly protoPath?: string;
  /** The ModelInferRequest; raw_input_contents come from `rawInputFiles`. */
  readonly request?: Record<string, unknown>;
  readonly rawInputFiles?: readonly string[];
};

/** The measured window's outcome. */
export type LoadResult = {
  readonly count: number;
  readonly errors: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  /** The first failure, to tell a misconfigured target from a slow one. */
  readonly firstError?: string;
};

type Sender = () => Promise<string | undefined>;

function restSender(spec: LoadSpec): Sender {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const body = readFileSync(spec.bodyFile ?? "");
  const headers = { "content-type": "application/json", ...spec.headers, "content-length": String(body.length) };
  return () =>
    new Promise((resolve) => {
      const req = http.request(
        { host: "127.0.0.1", port: spec.port, path: spec.path, method: "POST", agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => res.statusCode !== 200 && chunks.push(c));
          res.on("end", () =>
            resolve(res.statusCode === 200 ? undefined : `${res.statusCode} ${Buffer.concat(chunks).toString()}`),
          );
        },
      );
      req.on("error", (e) => resolve(e.message));
      req.end(body);
    });
}

async function grpcSenders(spec: LoadSpec): Promise<Sender[]> {
  const grpc = await import("@grpc/grpc-js");
  const loader = await import("@grpc/proto-loader");
  const definition = loader.loadSync(spec.protoPath ?? "", { keepCase: true, longs: String, defaults: false });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    inference: { GRPCInferenceService: new (address: string, creds: unknown, options: object) => GrpcClient };
  };
  type GrpcClient = {
    ModelInfer(req: unknown, cb: (e: Error | null) => void): void;
    close(): void;
  };
  const request = {
    ...spec.request,
    raw_input_contents: (spec.rawInputFiles ?? []).map((f) => readFileSync(f)),
  };
  return Array.from({ length: spec.concurrency }, (_, i) => {
    // A distinct option per client keeps grpc-js from sharing one subchannel (one TCP connection) among them all.
    const client = new pkg.inference.GRPCInferenceService(`127.0.0.1:${spec.port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": -1,
      "grpc.max_send_message_length": -1,
      "ai-platform.client": i,
    });
    return () => new Promise<string | undefined>((resolve) => client.ModelInfer(request, (e) => resolve(e?.message)));
  });
}

async function main(spec: LoadSpec): Promise<LoadResult> {
  const senders: Sender[] =
    spec.kind === "grpc" ? await grpcSenders(spec) : new Array<Sender>(spec.concurrency).fill(restSender(spec));
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let measuring = false;
  let stop = false;
  let started = 0;
  let ended = 0;
  const client = async (send: Sender): Promise<void> => {
    while (!stop) {
      const t0 = performance.now();
      const error = await send();
      if (!measuring) continue;
      if (error === undefined) latencies.push(performance.now() - t0);
      else {
        errors++;
        firstError ??= error.slice(0, 300);
      }
    }
  };
  setTimeout(() => {
    measuring = true;
    started = performance.now();
    process.stdout.write("start\n");
  }, spec.warmupMs);
  setTimeout(() => {
    stop = true;
    measuring = false;
    ended = performance.now();
    process.stdout.write("stop\n");
  }, spec.warmupMs + spec.durationMs);
  await Promise.all(senders.map(client));
  latencies.sort((a, b) => a - b);
  const q = (p: number): number =>
    latencies.length > 0 ? (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0) : NaN;
  return { count: latencies.length, errors, seconds: (ended - started) / 1000, p50: q(0.5), p99: q(0.99), firstError };
}

const spec = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as LoadSpec;
main(spec).then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
