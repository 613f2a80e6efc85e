/**
 * `npm run bench -- soak [--minutes 10]`: the inference service under steady load with hot swaps. It measures the
 * maximum throughput (closed loop, 5 s), then sends 80% of it open loop for the given minutes while a new model
 * version lands in the repository every minute (and is swapped in while requests flow). It reports, per minute,
 * requests, errors, p50/p99 and the server's RSS; the targets are 0 errors and RSS growth ≤ 10% from the end of
 * the first minute to the end. Writes `soak.md` and `soak.json`; resolves to whether the targets held.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { loadConfig } from "../services/inference/src/config";
import { startInferenceServer } from "../services/inference/src/server";
import { mlp } from "../test/support/onnx-models";
import type { LoadResult, LoadSpec } from "./load-generator.mjs";
import type { SoakMinute, SoakSpec } from "./soak-load.mjs";

/** Options of {@link runSoakBench}. */
export interface SoakBenchOptions {
  outDir: string;
  /** Minutes of steady load (default 10). */
  minutes?: number;
}

interface MinuteRow extends SoakMinute {
  rssMiB: number;
  servedVersion: string;
}

function child(script: string, specFile: string, onLine: (line: string) => void): Promise<void> {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, [resolve(__dirname, script), specFile], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    createInterface({ input: proc.stdout }).on("line", onLine);
    proc.once("error", fail);
    proc.once("close", (code) => (code === 0 ? done() : fail(new Error(`${script} exited with ${code}`))));
  });
}

/** Runs the soak; see the module comment. */
export async function runSoakBench(opts: SoakBenchOptions): Promise<boolean> {
  const minutes = opts.minutes ?? 10;
  const dir = mkdtempSync(join(tmpdir(), "bench-soak-"));
  const repo = join(dir, "repo");
  const addVersion = (v: number): void => {
    mkdirSync(join(repo, "model", String(v)), { recursive: true });
    writeFileSync(
      join(repo, "model", String(v), "model.onnx"),
      mlp({ inputs: 16, width: 256, layers: 2, outputs: 4, seed: v }),
    );
  };
  addVersion(1);
  const bodyFile = join(dir, "body.json");
  writeFileSync(
    bodyFile,
    JSON.stringify({
      inputs: [{ name: "x", shape: [1, 16], datatype: "FP32", data: Array.from({ length: 16 }, (_, i) => i / 16) }],
    }),
  );
  const server = await startInferenceServer(
    loadConfig({
      INFERENCE_MODEL_REPOSITORY: repo,
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "warn",
      INFERENCE_POLL_INTERVAL_MS: "1000",
    }),
    { waitForModels: true, logger: false },
  );
  const port = Number(new URL(server.url).port);
  const path = "/v2/models/model/infer";
  try {
    const maxSpec: LoadSpec = { kind: "rest", port, path, bodyFile, concurrency: 16, warmupMs: 1000, durationMs: 5000 };
    const maxFile = join(dir, "max.json");
    writeFileSync(maxFile, JSON.stringify(maxSpec));
    let max: LoadResult | undefined;
    await child(
      "load-generator.mts",
      maxFile,
      (line) => line.startsWith("{") && (max = JSON.parse(line) as LoadResult),
    );
    const maxRps = max ? max.count / max.seconds : 0;
    const rate = Math.max(1, Math.floor(maxRps * 0.8));
    console.log(
      `[bench soak] max ${maxRps.toFixed(0)} req/s; soaking at ${rate} req/s for ${minutes} min, a new version every minute`,
    );
    const soakFile = join(dir, "soak.json");
    const spec: SoakSpec = { port, path, bodyFile, rate, minutes };
    writeFileSync(soakFile, JSON.stringify(spec));
    const rows: MinuteRow[] = [];
    let version = 1;
    const swaps = setInterval(() => addVersion(++version), 60_000);
    swaps.unref();
    const versionNow = async (): Promise<string> => {
      const res = await fetch(`${server.url}/v2/models/model`);
      return ((await res.json()) as { versions?: string[] }).versions?.join(",") ?? "?";
    };
    const pending: Promise<void>[] = [];
    await child("soak-load.mts", soakFile, (line) => {
      const minute = JSON.parse(line) as SoakMinute;
      const rssMiB = process.memoryUsage().rss / 2 ** 20;
      pending.push(
        versionNow().then((servedVersion) => {
          rows.push({ ...minute, rssMiB, servedVersion });
          console.log(
            `[bench soak] minute ${minute.minute}: ${minute.requests} req, ${minute.errors} errors, p50 ${minute.p50Ms.toFixed(2)} ms, p99 ${minute.p99Ms.toFixed(2)} ms, RSS ${rssMiB.toFixed(0)} MiB, serving v${servedVersion}`,
          );
        }),
      );
    });
    clearInterval(swaps);
    await Promise.all(pending);
    rows.sort((a, b) => a.minute - b.minute);
    const errors = rows.reduce((n, r) => n + r.errors, 0);
    const first = rows[0]?.rssMiB ?? 0;
    const last = rows.at(-1)?.rssMiB ?? 0;
    const growth = first > 0 ? (last - first) / first : 0;
    const held = errors === 0 && growth <= 0.1;
    const markdown = [
      `### Soak, ${new Date().toISOString().slice(0, 10)} (${cpus().length} vCPUs, load average ${loadavg()[0]!.toFixed(1)})`,
      "",
      `Maximum ${maxRps.toFixed(0)} req/s (closed loop, 16 clients); soak at ${rate} req/s (80%) open loop for ${minutes} min, a new model version every minute (${version - 1} hot swaps).`,
      "",
      "| minute | requests | errors | p50 ms | p99 ms | server RSS MiB | serving version |",
      "|---:|---:|---:|---:|---:|---:|---:|",
      ...rows.map(
        (r) =>
          `| ${r.minute} | ${r.requests} | ${r.errors} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.rssMiB.toFixed(0)} | ${r.servedVersion} |`,
      ),
      "",
      `Errors ${errors} (target 0); RSS growth from minute 1 to the end ${(growth * 100).toFixed(1)}% (target ≤ 10%): ${held ? "held" : "NOT held"}.`,
      "",
    ].join("\n");
    mkdirSync(opts.outDir, { recursive: true });
    writeFileSync(join(opts.outDir, "soak.md"), markdown);
    writeFileSync(
      join(opts.outDir, "soak.json"),
      `${JSON.stringify({ maxRps, rate, minutes, swaps: version - 1, rows, errors, rssGrowth: growth, held }, null, 2)}\n`,
    );
    console.log(markdown);
    return held;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
