/**
 * `npm run bench -- inference`: the inference service beside its anchors, in one run on this machine.
 *   - small model (16 → 64 → 1 MLP) over REST at concurrency 1, 16 and 64: the bare fastify route answering a
 *     constant (the HTTP floor), a naive handler calling onnxruntime inline, the service as configured by default,
 *     and the service with dynamic batching (max_queue_delay 0: requests that arrive together run together);
 *   - the 32 → 4 × 1024 → 10 MLP at 64 with and without dynamic batching;
 *   - a compute-heavy model (32 → 8 × 1024 → 10), batched by the service (max_batch_size 32), against onnxruntime
 *     in this process running batch 32 back to back (rows per second);
 *   - 1 MiB FP32 tensors in and out: gRPC raw contents against REST JSON and REST binary.
 * Load comes from a closed-loop generator in its own process (load-generator.mts). Each cell is measured in
 * interleaved rounds (5, or 2 with --quick) and reports its median round, so load from other processes affects the
 * targets alike. `cpuUsPerReq` is the CPU time every thread of the serving process spent per answered request, a
 * figure less sensitive to a busy machine than req/s. `--profile` records a CPU profile of the small model's
 * batched cell at 64 and reports where the time goes. `--service-from <dir>` measures another checkout of the
 * service's `src` (a previous commit's, for before/after figures) with the same harness.
 * Writes `inference.json` and `inference.md` to the output directory and prints the tables.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Fastify from "fastify";
import * as ort from "onnxruntime-node";
import type * as ConfigModule from "../services/inference/src/config";
import type * as ServerModule from "../services/inference/src/server";
import { availableCpus } from "../services/inference/src/runtime/cpus";
import { intraOpThreads } from "../services/inference/src/models/loaded-version";
import { PROTO_PATH } from "../services/inference/src/grpc/server";
import { identity, mlp } from "../test/support/onnx-models";
import type { LoadResult, LoadSpec } from "./load-generator.mjs";
import { type CpuProfile, startProfile, summarizeProfile } from "./profile";
import { writeResults } from "./inference-report";

/** One measured cell. */
export interface InferenceBenchRow {
  readonly case: string;
  readonly target: string;
  readonly concurrency: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly cpuUsPerReq?: number;
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
const GENERATOR = resolve(__dirname, "load-generator.mts");
const ONE_MIB_FLOATS = 262_144;

/** Runs the load generator in its own process; measures this process's CPU over the measured window. */
function load(
  dir: string,
  spec: LoadSpec,
  window?: { start(): void; stop(): void },
): Promise<LoadResult & { cpuUs?: number }> {
  const file = join(dir, `spec-${process.hrtime.bigint()}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [GENERATOR, file], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let cpuAtStart: NodeJS.CpuUsage | undefined;
    let cpuUs: number | undefined;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (!cpuAtStart && out.includes("start\n")) {
        cpuAtStart = process.cpuUsage();
        window?.start();
      }
      if (cpuUs === undefined && cpuAtStart && out.includes("stop\n")) {
        const d = process.cpuUsage(cpuAtStart);
        cpuUs = d.user + d.system;
        window?.stop();
      }
    });
    child.once("error", fail);
    child.once("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !last.startsWith("{")) return fail(new Error(`load generator exited with ${code}: ${out}`));
      done({ ...(JSON.parse(last) as LoadResult), cpuUs });
    });
  });
}

/** In-process onnxruntime, batch `rows` back to back, as the service would configure one instance. */
async function inProcess(bytes: Uint8Array, width: number, rows: number, durationMs: number): Promise<LoadResult> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: intraOpThreads(availableCpus(), 1),
    interOpNumThreads: 1,
    executionProviders: ["cpu"],
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  const feeds = { x: new ort.Tensor("float32", new Float32Array(rows * width).fill(0.5), [rows, width]) };
  for (let i = 0; i < 20; i++) await session.run(feeds);
  const lat: number[] = [];
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    const t0 = performance.now();
    await session.run(feeds);
    lat.push(performance.now() - t0);
  }
  const seconds = (performance.now() - start) / 1000;
  await session.release();
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? Number.NaN;
  return { count: lat.length * rows, errors: 0, seconds, p50: q(0.5), p99: q(0.99) };
}

/** The 15-line handler a user would write first: parse, one inline run, answer. */
async function naiveServer(bytes: Uint8Array) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"], intraOpNumThreads: 1 });
  const app = Fastify({ logger: false });
  app.post<{ Body: { inputs: { shape: number[]; data: number[] }[] } }>("/v2/models/:name/infer", async (req) => {
    const input = req.body.inputs[0] as { shape: number[]; data: number[] };
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from(input.data), input.shape) });
    const y = out.y as ort.Tensor;
    return {
      model_name: "small",
      outputs: [{ name: "y", datatype: "FP32", shape: y.dims, data: Array.from(y.data as Float32Array) }],
    };
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  return app;
}

type Server = { url: string; grpcAddress?: string; close(): Promise<void> };

/** Runs the benchmark; see the module comment. */
export async function runInferenceBench(opts: {
  outDir: string;
  quick?: boolean;
  profile?: boolean;
  serviceFrom?: string;
}): Promise<void> {
  const quick = opts.quick === true;
  const rounds = quick ? 2 : 5;
  const warmupMs = quick ? 300 : 600;
  const durationMs = quick ? 800 : 1500;
  const src = opts.serviceFrom ? resolve(opts.serviceFrom) : resolve(__dirname, "../services/inference/src");
  const { loadConfig } = (await import(join(src, "config.ts"))) as typeof ConfigModule;
  const { startInferenceServer } = (await import(join(src, "server.ts"))) as typeof ServerModule;
  const loadBefore = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), "bench-inference-"));
  const log = (msg: string) => console.log(`[bench inference] ${msg}`);
  const models = {
    small: mlp({ inputs: 16, width: 64, layers: 1, outputs: 1 }),
    mlp: mlp(),
    heavy: mlp({ layers: 8 }),
    big: identity("FP32"),
  };
  const configs: Record<"plain" | "batched", Record<string, object>> = {
    plain: { small: {}, mlp: {}, heavy: {}, big: {} },
    batched: {
      small: { max_batch_size: 64, dynamic_batching: { max_queue_delay_microseconds: 0 } },
      mlp: { max_batch_size: 64, dynamic_batching: { max_queue_delay_microseconds: 500 } },
      heavy: {
        max_batch_size: 32,
        dynamic_batching: { max_queue_delay_microseconds: 2000, preferred_batch_size: [32] },
      },
    },
  };
  for (const [mode, byModel] of Object.entries(configs))
    for (const [name, config] of Object.entries(byModel)) {
      mkdirSync(join(dir, mode, name, "1"), { recursive: true });
      writeFileSync(join(dir, mode, name, "1", "model.onnx"), models[name as keyof typeof models]);
      writeFileSync(join(dir, mode, name, "config.json"), JSON.stringify(config));
    }
  const body = (name: string, width: number, rows = 1) => {
    const file = join(dir, `${name}-${width}.json`);
    const data = Array.from({ length: rows * width }, (_, i) => round(0.1 * (i % 10), 1));
    writeFileSync(file, JSON.stringify({ inputs: [{ name: "x", shape: [rows, width], datatype: "FP32", data }] }));
    return file;
  };
  const bigFloats = new Float32Array(ONE_MIB_FLOATS).map((_, i) => (i % 100) / 8);
  const bigJson = join(dir, "big.json");
  writeFileSync(
    bigJson,
    JSON.stringify({ inputs: [{ name: "input", shape: [ONE_MIB_FLOATS], datatype: "FP32", data: [...bigFloats] }] }),
  );
  const bigRaw = join(dir, "big.raw");
  writeFileSync(bigRaw, Buffer.from(bigFloats.buffer));
  const header = JSON.stringify({
    inputs: [
      {
        name: "input",
        shape: [ONE_MIB_FLOATS],
        datatype: "FP32",
        parameters: { binary_data_size: bigFloats.byteLength },
      },
    ],
    outputs: [{ name: "output", parameters: { binary_data: true } }],
  });
  const bigBinary = join(dir, "big.bin");
  writeFileSync(bigBinary, Buffer.concat([Buffer.from(header), Buffer.from(bigFloats.buffer)]));

  const rows: InferenceBenchRow[] = [];
  const execution: Record<string, string> = {};
  const profiles: { cell: string; summary: ReturnType<typeof summarizeProfile> }[] = [];
  const floor = Fastify({ logger: false });
  floor.post("/v2/models/:name/infer", async () => ({
    model_name: "small",
    outputs: [{ name: "y", datatype: "FP32", shape: [1, 1], data: [0] }],
  }));
  await floor.listen({ host: "127.0.0.1", port: 0 });
  const naive = await naiveServer(models.small);
  const start = (mode: "plain" | "batched") =>
    startInferenceServer(
      loadConfig({
        INFERENCE_MODEL_REPOSITORY: join(dir, mode),
        HOST: "127.0.0.1",
        PORT: "0",
        INFERENCE_GRPC_PORT: "0",
        LOG_LEVEL: "warn",
      }),
      { waitForModels: true, logger: false },
    ) as Promise<Server>;
  const [plain, batched] = [await start("plain"), await start("batched")];
  const port = (url: string) => Number(new URL(url).port);
  const rest = (url: string, path: string, file: string, headers?: Record<string, string>) => (c: number) =>
    ({
      kind: "rest",
      port: port(url),
      path,
      bodyFile: file,
      headers,
      concurrency: c,
      warmupMs,
      durationMs,
    }) as LoadSpec;

  /** Measures `targets` at concurrency `c` in interleaved rounds and keeps each one's median round. */
  const cell = async (
    name: string,
    c: number,
    targets: Record<string, ((c: number) => LoadSpec) | undefined>,
    profileTarget?: string,
  ) => {
    const results = new Map<string, (LoadResult & { cpuUs?: number })[]>();
    for (let r = 0; r < rounds; r++)
      for (const [target, spec] of Object.entries(targets)) {
        if (!spec) continue;
        log(`${name} c=${c} ${target} round ${r + 1}/${rounds}`);
        const profiled = opts.profile === true && target === profileTarget && r === rounds - 1;
        let starting: Promise<() => Promise<CpuProfile>> | undefined;
        let stopping: Promise<CpuProfile> | undefined;
        const window = {
          start: () => void (starting = startProfile()),
          stop: () => void (stopping = starting?.then((stop) => stop())),
        };
        results.set(target, [...(results.get(target) ?? []), await load(dir, spec(c), profiled ? window : undefined)]);
        if (stopping) profiles.push({ cell: `${name} ${target} c=${c}`, summary: summarizeProfile(await stopping) });
      }
    for (const [target, rs] of results) {
      const m = [...rs].sort((a, b) => a.count / a.seconds - b.count / b.seconds)[
        Math.floor(rs.length / 2)
      ] as LoadResult & { cpuUs?: number };
      rows.push({
        case: name,
        target,
        concurrency: c,
        reqPerSec: round(m.count / m.seconds, 0),
        p50Ms: round(m.p50, 3),
        p99Ms: round(m.p99, 3),
        errors: m.errors,
        ...(m.cpuUs !== undefined && m.count > 0 ? { cpuUsPerReq: round(m.cpuUs / m.count, 0) } : {}),
      });
      if (m.errors > 0) log(`${name} ${target}: ${m.errors} errors, first: ${m.firstError}`);
    }
  };
  try {
    const smallBody = body("small", 16);
    for (const c of quick ? [1, 64] : [1, 16, 64])
      await cell(
        "small",
        c,
        {
          "http-floor": rest(
            `http://127.0.0.1:${(floor.server.address() as { port: number }).port}`,
            "/v2/models/small/infer",
            smallBody,
          ),
          naive: rest(
            `http://127.0.0.1:${(naive.server.address() as { port: number }).port}`,
            "/v2/models/small/infer",
            smallBody,
          ),
          service: rest(plain.url, "/v2/models/small/infer", smallBody),
          "service+batching": rest(batched.url, "/v2/models/small/infer", smallBody),
        },
        "service+batching",
      );
    const mlpBody = body("mlp", 32);
    await cell("mlp 4×1024", 64, {
      service: rest(plain.url, "/v2/models/mlp/infer", mlpBody),
      "service+batching": rest(batched.url, "/v2/models/mlp/infer", mlpBody),
    });
    await cell("heavy 8×1024", 64, { "service+batching": rest(batched.url, "/v2/models/heavy/infer", mlpBody) });
    const heavyFloor = await inProcess(models.heavy, 32, 32, durationMs * 2);
    rows.push({
      case: "heavy 8×1024",
      target: "in-process batch 32 (rows/s)",
      concurrency: 1,
      reqPerSec: round(heavyFloor.count / heavyFloor.seconds, 0),
      p50Ms: round(heavyFloor.p50, 3),
      p99Ms: round(heavyFloor.p99, 3),
      errors: 0,
    });
    await cell("1 MiB FP32 in and out", 8, {
      "REST JSON": rest(plain.url, "/v2/models/big/infer", bigJson),
      "REST binary": rest(plain.url, "/v2/models/big/infer", bigBinary, {
        "content-type": "application/octet-stream",
        "inference-header-content-length": String(Buffer.byteLength(header)),
      }),
      gRPC: plain.grpcAddress
        ? (c) => ({
            kind: "grpc",
            port: Number(plain.grpcAddress?.split(":").pop()),
            protoPath: PROTO_PATH,
            request: { model_name: "big", inputs: [{ name: "input", datatype: "FP32", shape: [ONE_MIB_FLOATS] }] },
            rawInputFiles: [bigRaw],
            concurrency: c,
            warmupMs,
            durationMs,
          })
        : undefined,
    });
    // Where each model ended up running (adaptive execution), as the servers report it.
    for (const [mode, server] of [
      ["plain", plain],
      ["batched", batched],
    ] as const) {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      for (const m of text.matchAll(/^inference_execution_inline\{model="([^"]+)",version="1"\} (\d)$/gm))
        execution[`${m[1]} (${mode})`] = m[2] === "1" ? "inline" : "workers";
    }
  } finally {
    await Promise.all([floor.close(), naive.close(), plain.close(), batched.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  writeResults(opts.outDir, rows, profiles, execution, {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    loadAverage: [round(loadBefore), round(loadavg()[0] ?? 0)],
    date: new Date().toISOString(),
    quick,
    service: opts.serviceFrom ?? "this checkout",
  });
}
