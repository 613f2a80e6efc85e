/**
 * The inference benchmark's report: the targets it checks, the markdown tables (cells, execution modes, profiles)
 * and the JSON, written to the output directory and printed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { InferenceBenchRow } from "./inference";
import type { summarizeProfile } from "./profile";

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

const get = (rows: readonly InferenceBenchRow[], c: string, t: string, n: number) =>
  rows.find((r) => r.case === c && r.target === t && r.concurrency === n)?.reqPerSec ?? Number.NaN;

/** The targets: each ratio and whether it is met. */
export function benchTargets(rows: readonly InferenceBenchRow[]) {
  const p99 = (c: string, t: string) => rows.find((r) => r.case === c && r.target === t)?.p99Ms ?? Number.NaN;
  const small64 = get(rows, "small", "service+batching", 64);
  return {
    smallVsFloorAt64: round(small64 / get(rows, "small", "http-floor", 64)),
    smallDefaultVsFloorAt64: round(get(rows, "small", "service", 64) / get(rows, "small", "http-floor", 64)),
    smallNeverBelowNaive: [1, 16, 64].every(
      (c) =>
        !(
          get(rows, "small", "service", c) < get(rows, "small", "naive", c) &&
          get(rows, "small", "service+batching", c) < get(rows, "small", "naive", c)
        ),
    ),
    mlpBatchingSpeedup: round(get(rows, "mlp 4×1024", "service+batching", 64) / get(rows, "mlp 4×1024", "service", 64)),
    mlpP99BatchedVsPlain: round(p99("mlp 4×1024", "service+batching") / p99("mlp 4×1024", "service")),
    heavyVsInProcess: round(
      get(rows, "heavy 8×1024", "service+batching", 64) / get(rows, "heavy 8×1024", "in-process batch 32 (rows/s)", 1),
    ),
    grpcVsRestJson: round(
      get(rows, "1 MiB FP32 in and out", "gRPC", 8) / get(rows, "1 MiB FP32 in and out", "REST JSON", 8),
    ),
    grpcVsRestBinary: round(
      get(rows, "1 MiB FP32 in and out", "gRPC", 8) / get(rows, "1 MiB FP32 in and out", "REST binary", 8),
    ),
  };
}

/** Writes `inference.json` and `inference.md` to `outDir` and prints the markdown. */
export function writeResults(
  outDir: string,
  rows: readonly InferenceBenchRow[],
  profiles: { cell: string; summary: ReturnType<typeof summarizeProfile> }[],
  execution: Record<string, string>,
  machine: Record<string, unknown>,
): void {
  const targets = benchTargets(rows);
  const table = [
    "| case | target | concurrency | req/s | p50 ms | p99 ms | errors | CPU µs/req |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.case} | ${r.target} | ${r.concurrency} | ${r.reqPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${r.cpuUsPerReq ?? ""} |`,
    ),
  ];
  const md = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load average ${(machine.loadAverage as number[]).join(" → ")}, ${machine.date}${machine.quick ? ", quick run" : ""}; service: ${machine.service}.`,
    "",
    ...table,
    "",
    `Targets: small batched / HTTP floor at 64 = ${targets.smallVsFloorAt64} (default config ${targets.smallDefaultVsFloorAt64}; goal ≥ 0.85); never below naive: ${targets.smallNeverBelowNaive}; ` +
      `MLP 4 × 1024 batching = ${targets.mlpBatchingSpeedup}× (p99 batched / plain ${targets.mlpP99BatchedVsPlain}; goal ≥ 4×, ≤ 1); ` +
      `heavy batched / in-process batch 32 = ${targets.heavyVsInProcess} (goal ≥ 0.85); gRPC / REST JSON = ${targets.grpcVsRestJson}, gRPC / REST binary = ${targets.grpcVsRestBinary} (goal ≥ 1).`,
    "",
    `Execution at the end of the run: ${
      Object.entries(execution)
        .map(([m, where]) => `${m} ${where}`)
        .join(", ") || "not reported"
    }.`,
    ...profiles.flatMap((p) => [
      "",
      `Profile of ${p.cell} (${p.summary.busyMs} ms busy on the serving thread):`,
      "",
      "| where | share of busy CPU |",
      "|---|---:|",
      ...p.summary.areas.map(([a, share]) => `| ${a} | ${share}% |`),
    ]),
  ].join("\n");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, "inference.json"),
    `${JSON.stringify({ machine, targets, execution, rows, profiles }, null, 2)}\n`,
  );
  writeFileSync(join(outDir, "inference.md"), `${md}\n`);
  console.log(md);
}
