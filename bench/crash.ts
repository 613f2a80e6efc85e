/**
 * `npm run bench -- crash [--iterations 20] [--seed 1]`: seeded kill -9 of the durable emulators during ingest,
 * train, register, promote and score (`crash-iteration.ts`), then checks after each restart. Writes
 * `crash.md` and `crash.json` to the output directory; exits non-zero if any iteration lost an acknowledged write,
 * left the registry inconsistent or could not re-run its command.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { runCrashIteration, type CrashIterationResult } from "./crash-iteration";

/** Options of {@link runCrashBench}. */
export interface CrashBenchOptions {
  outDir: string;
  /** Iterations (default 20); iteration `i` uses seed `seed + i` and operation `i mod 5`. */
  iterations?: number;
  seed?: number;
}

/** Runs the crash suite and writes its table; resolves to whether every iteration held. */
export async function runCrashBench(opts: CrashBenchOptions): Promise<boolean> {
  const iterations = opts.iterations ?? 20;
  const first = opts.seed ?? 1;
  const results: (CrashIterationResult & { seconds: number })[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    const result = await runCrashIteration(first + i);
    results.push({ ...result, seconds: (performance.now() - started) / 1000 });
    const bad = [...result.lost, ...result.registryProblems, ...result.rerunProblems];
    console.log(
      `crash ${i + 1}/${iterations} seed ${result.seed} ${result.operation} kill at ${result.killAfterMs} ms ` +
        `(${result.completedBeforeKill ? "after" : "during"} the command): ${bad.length === 0 ? "ok" : bad.join("; ")}`,
    );
  }
  const failures = results.filter((r) => r.lost.length + r.registryProblems.length + r.rerunProblems.length > 0);
  const header = [
    `### Crash consistency, ${new Date().toISOString().slice(0, 10)} (${cpus().length} vCPUs, load average ${loadavg()[0]!.toFixed(1)})`,
    "",
    "| seed | command | kill at ms | command done before kill | acknowledged probe writes | keys checked | lost | registry problems | re-run problems |",
    "|---:|---|---:|---|---:|---:|---:|---:|---:|",
  ];
  const rows = results.map(
    (r) =>
      `| ${r.seed} | ${r.operation} | ${r.killAfterMs} | ${r.completedBeforeKill ? "yes" : "no"} | ${r.acknowledged} | ${r.keysChecked} | ` +
      `${r.lost.length} | ${r.registryProblems.length} | ${r.rerunProblems.length} |`,
  );
  const summary = `\n${results.length} iterations, ${failures.length} with a problem; ${results.reduce((n, r) => n + r.acknowledged, 0)} acknowledged probe writes checked, ${results.reduce((n, r) => n + r.lost.length, 0)} lost.\n`;
  const markdown = [...header, ...rows, summary].join("\n");
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, "crash.md"), markdown);
  writeFileSync(join(opts.outDir, "crash.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(markdown);
  return failures.length === 0;
}
