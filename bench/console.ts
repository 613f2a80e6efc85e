/**
 * `npm run bench -- console`: how fast the console lists a model with many versions. Registers `versions` versions
 * of one model in fresh local emulators, starts the console, and times `GET /models/<name>` (the full version list)
 * and `GET /` over HTTP: the first request and the median of `rounds` more; with Debian's Chromium present, also the
 * browser's navigation to the `load` event. Writes console.md + console.json.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openRegistry, type NewModelVersion } from "@ai-platform/registry";
import { platformDatabaseId } from "../components/data-layout";
import { createPlatformData, startAzurite, startCosmosEmulator } from "../local/emulators";
import { startLocalConsole } from "../local/console";

/** Options of {@link runConsoleBench}. */
export interface ConsoleBenchOptions {
  /** Where console.md and console.json go (created if missing). */
  outDir: string;
  /** Versions of the model (default 500). */
  versions?: number;
  /** Timed requests after the first (default 10). */
  rounds?: number;
}

function version(i: number): NewModelVersion {
  const features = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
  return {
    name: "bench",
    createdBy: "bench",
    artifact: {
      uri: `http://127.0.0.1/models/bench/${i}.onnx`,
      sha256: "0".repeat(64),
      sizeBytes: 1234,
      format: "onnx",
      opset: 17,
      irVersion: 8,
    },
    signature: {
      inputs: features.map((name) => ({ name, datatype: "FP32", shape: [-1, 1] })),
      outputs: [{ name: "probabilities", datatype: "FP32", shape: [-1, 3] }],
    },
    task: "classification",
    labels: ["setosa", "versicolor", "virginica"],
    algorithm: "logistic",
    hyperparameters: { lr: 0.05, l2: 0.001, epochs: 300, patience: 25, batchSize: 64, seed: i },
    metrics: {
      accuracy: 0.9,
      f1_macro: 0.9,
      precision_macro: 0.9,
      recall_macro: 0.9,
      log_loss: 0.2,
      roc_auc: 0.98,
      parity_max_abs_diff: 1e-7,
    },
    dataset: { name: "iris", version: `v${i}`, rowCount: 150, contentHash: "a".repeat(64) },
    baseline: {
      features: features.map((name) => ({
        name,
        mean: 1,
        std: 1,
        binEdges: Array.from({ length: 11 }, (_, k) => k),
        binFractions: Array.from({ length: 10 }, () => 0.1),
      })),
    },
  };
}

async function timed(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  return { ms: performance.now() - started, bytes: body.length };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Runs the benchmark against freshly started emulators and writes the table. */
export async function runConsoleBench(opts: ConsoleBenchOptions): Promise<void> {
  const n = opts.versions ?? 500;
  const rounds = opts.rounds ?? 10;
  const dir = mkdtempSync(join(tmpdir(), "ai-platform-bench-console-"));
  const cosmos = await startCosmosEmulator({ port: 0 });
  const azurite = await startAzurite({ port: 0, location: join(dir, "azurite") });
  const conn = {
    cosmos: { endpoint: cosmos.endpoint, database: platformDatabaseId, key: cosmos.key },
    storage: { blobEndpoint: azurite.blobEndpoint, connectionString: azurite.connectionString },
  };
  const stops: (() => Promise<void>)[] = [() => cosmos.stop(), () => azurite.stop()];
  try {
    await createPlatformData(conn);
    const reg = await openRegistry(conn);
    try {
      for (let i = 1; i <= n; i++) await reg.registry.register(version(i));
      await reg.registry.setAlias("bench", "production", n - 1, { actor: "bench" });
    } finally {
      reg.close();
    }
    // The metrics endpoint is irrelevant here: point the serving view at a closed port.
    const console = await startLocalConsole(conn, {
      port: 0,
      inferenceUrl: "http://127.0.0.1:9",
      metricsIntervalMs: 3_600_000,
    });
    stops.unshift(() => console.stop());
    const rows: { page: string; firstMs: number; medianMs: number; maxMs: number; bytes: number }[] = [];
    for (const [page, path] of [
      ["model (all versions)", "/models/bench"],
      ["models list", "/"],
    ] as const) {
      const first = await timed(console.url + path);
      const rest: number[] = [];
      for (let r = 0; r < rounds; r++) rest.push((await timed(console.url + path)).ms);
      rows.push({ page, firstMs: first.ms, medianMs: median(rest), maxMs: Math.max(...rest), bytes: first.bytes });
    }
    let browserMs: number | undefined;
    if (existsSync("/usr/bin/chromium")) {
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`${console.url}/models/bench`);
        const loads: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const started = performance.now();
          await page.goto(`${console.url}/models/bench`, { waitUntil: "load" });
          loads.push(performance.now() - started);
        }
        browserMs = median(loads);
      } finally {
        await browser.close();
      }
    }
    const load = loadavg()[0]?.toFixed(2);
    const md = [
      `Console, ${n} versions of one model (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, load ${load}):`,
      "",
      "| page | first request | median of " + rounds + " | max | HTML size |",
      "| --- | ---: | ---: | ---: | ---: |",
      ...rows.map(
        (r) =>
          `| ${r.page} | ${r.firstMs.toFixed(0)} ms | ${r.medianMs.toFixed(0)} ms | ${r.maxMs.toFixed(0)} ms | ${(r.bytes / 1024).toFixed(0)} KiB |`,
      ),
      ...(browserMs === undefined
        ? []
        : [`| model page in Chromium, navigation to \`load\` (median) | | ${browserMs.toFixed(0)} ms | | |`]),
      "",
    ].join("\n");
    mkdirSync(opts.outDir, { recursive: true });
    writeFileSync(join(opts.outDir, "console.md"), md);
    writeFileSync(
      join(opts.outDir, "console.json"),
      JSON.stringify({ versions: n, rounds, rows, browserMs, load }, null, 2),
    );
    process.stdout.write(md);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
