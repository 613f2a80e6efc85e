/**
 * `npm run bench -- inference`: the inference service against its floors, side by side in one run.
 * For (a) the tiny tabular classifier and (b) compute-heavy MLPs (32 → 4 × 1024 → 10, and 32 → 8 × 1024 → 10 whose
 * weights do not fit in cache), at several concurrencies:
 *   - http-floor: a bare fastify route returning a constant (what HTTP + JSON cost on this machine);
 *   - compute-floor: onnxruntime in-process, one session, batch 1, back to back (what the model costs);
 *   - service: this service, no batching;
 *   - service+batching: this service with dynamic batching (max_batch_size 64; max_queue_delay 0 for the tabular
 *     model, 500 µs for the MLP).
 * Load comes from a closed-loop generator in a separate Node process (keep-alive connections, one per client), so
 * the client's CPU never runs on the event loop or in the process under test; the HTTP targets run in interleaved
 * rounds (5 in a full run) and report their median round. `serverCpuUsPerReq` is the CPU time (all threads: HTTP,
 * session workers, GC) the serving process spent per answered request, a figure less sensitive to other load on
 * the machine than req/s.
 * Writes `inference.json` and `inference.md` (the table) to `outDir` and prints the table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import Fastify from "fastify";
import * as ort from "onnxruntime-node";
import { loadConfig } from "../services/inference/src/config";
import { availableCpus } from "../services/inference/src/runtime/cpus";
import { intraOpThreads } from "../services/inference/src/models/loaded-version";
import { startInferenceServer } from "../services/inference/src/server";
import { mlp, tabularClassifier } from "../test/support/onnx-models";

/** One measured cell of the table. */
export interface InferenceBenchRow {
  model: "tabular" | "mlp" | "mlp-deep";
  target: "http-floor" | "compute-floor" | "service" | "service+batching";
  /** Concurrent clients; 1 for the compute floor (a single in-process loop). */
  concurrency: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU time of the serving process (every thread) per answered request, in microseconds; absent for the compute floor. */
  serverCpuUsPerReq?: number;
  /** Throughput relative to the HTTP floor at the same concurrency. */
  vsHttpFloor?: number;
  /** Throughput relative to the compute floor. */
  vsComputeFloor?: number;
}

interface LoadResult {
  count: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  /** CPU microseconds the serving process used during the measured window. */
  cpuUs?: number;
}

/**
 * The closed-loop load generator, run as a child process (plain CommonJS, no loader needed). It tells the parent
 * when the measured window opens and closes (`start`/`stop` lines), then prints the result as one JSON line.
 */
const LOADGEN = `
const http = require("node:http");
const { port, path, body, concurrency, warmupMs, durationMs } = JSON.parse(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
const lat = [];
let errors = 0, measuring = false, stop = false, started = 0, ended = 0;
function one() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", agent, headers }, (res) => {
      res.resume();
      res.on("end", () => {
        if (measuring) { if (res.statusCode === 200) lat.push(Number(process.hrtime.bigint() - t0) / 1e6); else errors++; }
        resolve();
      });
    });
    req.on("error", () => { if (measuring) errors++; resolve(); });
    req.end(body);
  });
}
async function client() { while (!stop) await one(); }
setTimeout(() => { measuring = true; started = performance.now(); process.stdout.write("start\\n"); }, warmupMs);
setTimeout(() => { stop = true; measuring = false; ended = performance.now(); process.stdout.write("stop\\n"); }, warmupMs + durationMs);
Promise.all(Array.from({ length: concurrency }, client)).then(() => {
  lat.sort((a, b) => a - b);
  const q = (p) => lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : NaN;
  agent.destroy();
  process.stdout.write(JSON.stringify({ count: lat.length, errors, seconds: (ended - started) / 1000, p50: q(0.5), p99: q(0.99) }) + "\\n");
});
`;

/** Runs the load generator in a child process against `port`; measures this process's CPU over the window. */
function load(
  port: number,
  path: string,
  body: string,
  concurrency: number,
  warmupMs: number,
  durationMs: number,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const args = JSON.stringify({ port, path, body, concurrency, warmupMs, durationMs });
    const child = spawn(process.execPath, ["-e", LOADGEN, args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let cpuAtStart: NodeJS.CpuUsage | undefined;
    let cpuUs: number | undefined;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (cpuAtStart === undefined && out.includes("start\n")) cpuAtStart = process.cpuUsage();
      if (cpuUs === undefined && cpuAtStart && out.includes("stop\n")) {
        const d = process.cpuUsage(cpuAtStart);
        cpuUs = d.user + d.system;
      }
    });
    child.once("error", reject);
    child.once("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !last.startsWith("{"))
        return reject(new Error(`load generator exited with ${code}: ${out.slice(-500)}`));
      resolve({ ...(JSON.parse(last) as LoadResult), cpuUs });
    });
  });
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

async function computeFloor(
  bytes: Uint8Array,
  input: { name: string; width: number },
  durationMs: number,
): Promise<LoadResult> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: intraOpThreads(availableCpus(), 1), // what the service gives one instance
    interOpNumThreads: 1,
    executionProviders: ["cpu"],
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  const feeds = { [input.name]: new ort.Tensor("float32", new Float32Array(input.width).fill(0.5), [1, input.width]) };
  for (let i = 0; i < 50; i++) await session.run(feeds);
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
  return { count: lat.length, errors: 0, seconds, p50: q(0.5), p99: q(0.99) };
}

function toRow(
  model: InferenceBenchRow["model"],
  target: InferenceBenchRow["target"],
  concurrency: number,
  r: LoadResult,
): InferenceBenchRow {
  const row: InferenceBenchRow = {
    model,
    target,
    concurrency,
    reqPerSec: round(r.count / r.seconds, 0),
    p50Ms: round(r.p50, 3),
    p99Ms: round(r.p99, 3),
    errors: r.errors,
  };
  if (r.cpuUs !== undefined && r.count > 0) row.serverCpuUsPerReq = round(r.cpuUs / r.count, 0);
  return row;
}

/** Renders the rows as a markdown table. */
export function inferenceBenchTable(rows: readonly InferenceBenchRow[]): string {
  const lines = [
    "| model | target | concurrency | req/s | p50 ms | p99 ms | errors | server CPU µs/req | vs HTTP floor | vs compute floor |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.model} | ${r.target} | ${r.concurrency} | ${r.reqPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${r.serverCpuUsPerReq ?? ""} | ${r.vsHttpFloor ?? ""} | ${r.vsComputeFloor ?? ""} |`,
    );
  }
  return lines.join("\n");
}

/** Runs the benchmark and writes `inference.json` + `inference.md` into `outDir`. `quick` shortens every cell. */
export async function runInferenceBench(opts: { outDir: string; quick?: boolean }): Promise<void> {
  const quick = opts.quick === true;
  const concurrencies = quick ? [1, 64] : [1, 16, 64];
  const warmupMs = quick ? 300 : 1000;
  const durationMs = quick ? 700 : 2000;
  const rounds = quick ? 1 : 5;
  const models = {
    // The tiny model's compute (~15 µs) is far below one HTTP request's cost: waiting for company would only add
    // latency, so it batches only what queues while its instance is busy. The MLP waits up to 500 µs for a fuller batch.
    tabular: { bytes: tabularClassifier(), input: { name: "features", width: 4 }, maxQueueDelayUs: 0 },
    mlp: { bytes: mlp(), input: { name: "x", width: 32 }, maxQueueDelayUs: 500 },
    // Twice as deep (28 MiB of weights instead of 12): on a CPU whose cache holds the 4-layer model's weights, a
    // single row of that one costs ~0.25 ms and the unbatched service is bound by HTTP as much as by compute; this
    // one streams its weights from memory on every batch-1 run (~1.5 ms), the compute-bound case the target is about.
    "mlp-deep": { bytes: mlp({ layers: 8 }), input: { name: "x", width: 32 }, maxQueueDelayUs: 500 },
  } as const;
  const loadBefore = loadavg()[0] ?? 0;
  const repoRoot = mkdtempSync(join(tmpdir(), "bench-inference-"));
  const rows: InferenceBenchRow[] = [];
  const log = (msg: string) => console.log(`[bench inference] ${msg}`);
  try {
    for (const mode of ["plain", "batched"] as const) {
      for (const [name, m] of Object.entries(models)) {
        mkdirSync(join(repoRoot, mode, name, "1"), { recursive: true });
        writeFileSync(join(repoRoot, mode, name, "1", "model.onnx"), m.bytes);
        const config =
          mode === "batched"
            ? { max_batch_size: 64, dynamic_batching: { max_queue_delay_microseconds: m.maxQueueDelayUs } }
            : {};
        writeFileSync(join(repoRoot, mode, name, "config.json"), JSON.stringify(config));
      }
    }
    const bodies = Object.fromEntries(
      Object.entries(models).map(([name, m]) => [
        name,
        JSON.stringify({
          inputs: [
            {
              name: m.input.name,
              shape: [1, m.input.width],
              datatype: "FP32",
              data: Array.from({ length: m.input.width }, (_, i) => round(0.1 * (i % 10), 1)),
            },
          ],
        }),
      ]),
    ) as Record<keyof typeof models, string>;

    const computeFloors = new Map<string, number>();
    for (const [name, m] of Object.entries(models) as [keyof typeof models, (typeof models)[keyof typeof models]][]) {
      log(`compute-floor ${name}`);
      const row = toRow(name, "compute-floor", 1, await computeFloor(m.bytes, m.input, durationMs));
      computeFloors.set(name, row.reqPerSec);
      rows.push(row);
    }

    // HTTP floor: the same request bodies to a bare route returning a constant.
    const floor = Fastify({ logger: false });
    floor.post("/v2/models/:name/infer", async () => ({
      model_name: "constant",
      outputs: [{ name: "y", datatype: "FP32", shape: [1, 1], data: [0] }],
    }));
    await floor.listen({ host: "127.0.0.1", port: 0 });
    const servers = await Promise.all(
      (["plain", "batched"] as const).map((mode) =>
        startInferenceServer(
          loadConfig({
            INFERENCE_MODEL_REPOSITORY: join(repoRoot, mode),
            HOST: "127.0.0.1",
            PORT: "0",
            LOG_LEVEL: "warn",
          }),
          { waitForModels: true, logger: false },
        ),
      ),
    );
    const targets: { target: InferenceBenchRow["target"]; port: number }[] = [
      { target: "http-floor", port: (floor.server.address() as { port: number }).port },
      { target: "service", port: Number(new URL(servers[0]?.url ?? "").port) },
      { target: "service+batching", port: Number(new URL(servers[1]?.url ?? "").port) },
    ];
    try {
      // The three HTTP targets are measured in interleaved rounds and each reports its median round, so load
      // from other processes on a shared machine affects them alike instead of favouring whichever ran first.
      for (const name of Object.keys(models) as (keyof typeof models)[]) {
        for (const c of concurrencies) {
          const results = new Map<string, LoadResult[]>();
          for (let round = 0; round < rounds; round++) {
            for (const t of targets) {
              log(`${name} c=${c} ${t.target} round ${round + 1}/${rounds}`);
              const r = await load(
                t.port,
                `/v2/models/${name}/infer`,
                bodies[name],
                c,
                round === 0 ? warmupMs : 100,
                durationMs,
              );
              results.set(t.target, [...(results.get(t.target) ?? []), r]);
            }
          }
          const medians = new Map(
            targets.map((t) => {
              const rs = [...(results.get(t.target) ?? [])].sort((a, b) => a.count / a.seconds - b.count / b.seconds);
              return [t.target, toRow(name, t.target, c, rs[Math.floor(rs.length / 2)] as LoadResult)];
            }),
          );
          const floorRow = medians.get("http-floor") as InferenceBenchRow;
          for (const row of medians.values()) {
            if (row.target !== "http-floor") {
              row.vsHttpFloor = round(row.reqPerSec / floorRow.reqPerSec);
              row.vsComputeFloor = round(row.reqPerSec / (computeFloors.get(name) ?? Number.NaN));
            }
            rows.push(row);
          }
        }
      }
    } finally {
      await Promise.all([floor.close(), ...servers.map((s) => s.close())]);
    }
  } finally {
    rmSync(repoRoot, { recursive: true, force: true });
  }

  const order = ["http-floor", "compute-floor", "service", "service+batching"];
  const modelOrder = Object.keys(models);
  rows.sort(
    (a, b) =>
      modelOrder.indexOf(a.model) - modelOrder.indexOf(b.model) ||
      order.indexOf(a.target) - order.indexOf(b.target) ||
      a.concurrency - b.concurrency,
  );
  const cell = (model: string, target: string, c: number) =>
    rows.find((r) => r.model === model && r.target === target && r.concurrency === c);
  const top = Math.max(...concurrencies);
  const speedup = (model: string) => {
    const plain = cell(model, "service", top);
    const batched = cell(model, "service+batching", top);
    return plain && batched
      ? { speedup: round(batched.reqPerSec / plain.reqPerSec), p99Ratio: round(batched.p99Ms / plain.p99Ms) }
      : undefined;
  };
  const mlpTop = speedup("mlp");
  const deepTop = speedup("mlp-deep");
  const targets = {
    tabularServiceVsHttpFloor: Object.fromEntries(
      concurrencies.map((c) => [c, cell("tabular", "service", c)?.vsHttpFloor]),
    ),
    tabularBatchedVsHttpFloor: Object.fromEntries(
      concurrencies.map((c) => [c, cell("tabular", "service+batching", c)?.vsHttpFloor]),
    ),
    mlpBatchingSpeedupAtTop: mlpTop?.speedup,
    mlpP99BatchedVsPlainAtTop: mlpTop?.p99Ratio,
    mlpDeepBatchingSpeedupAtTop: deepTop?.speedup,
    mlpDeepP99BatchedVsPlainAtTop: deepTop?.p99Ratio,
  };
  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    availableCpus: availableCpus(),
    node: process.version,
    onnxruntime: ort.env.versions.node,
    quick,
    /** 1-minute load average before and after: other processes sharing the cores make every figure noisier. */
    loadAverage: [round(loadBefore), round(loadavg()[0] ?? 0)],
    date: new Date().toISOString(),
  };
  const table = inferenceBenchTable(rows);
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, "inference.json"), `${JSON.stringify({ machine, targets, rows }, null, 2)}\n`);
  const md = [
    `Machine: ${machine.cpu}, ${machine.cores} cores (${machine.availableCpus} usable), Node ${machine.node}, onnxruntime-node ${machine.onnxruntime}, load average ${machine.loadAverage.join(" → ")}${quick ? ", quick run" : ""}, ${machine.date}.`,
    "",
    table,
    "",
    `Targets: tabular service / HTTP floor = ${JSON.stringify(targets.tabularServiceVsHttpFloor)} (goal ≥ 0.7); ` +
      `batching speed-up at concurrency ${top}: MLP 4 × 1024 = ${targets.mlpBatchingSpeedupAtTop}× (p99 batched / plain ${targets.mlpP99BatchedVsPlainAtTop}), ` +
      `MLP 8 × 1024 = ${targets.mlpDeepBatchingSpeedupAtTop}× (p99 batched / plain ${targets.mlpDeepP99BatchedVsPlainAtTop}) (goal ≥ 3 with p99 ≤ 1).`,
  ].join("\n");
  writeFileSync(join(opts.outDir, "inference.md"), `${md}\n`);
  console.log(md);
}
