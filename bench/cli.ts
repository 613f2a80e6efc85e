import { Command, InvalidArgumentError, Option } from "commander";

const suites = ["inference", "training", "console", "crash", "durability", "soak", "images"] as const;
type Suite = (typeof suites)[number];
/** The suites `npm run bench` runs when none is named; crash, durability and soak are long and run on request. */
const defaultSuites: readonly Suite[] = ["inference", "training", "console"];

interface BenchFlags {
  out: string;
  quick: boolean;
  iterations: number;
  seed: number;
  minutes: number;
  profile: boolean;
  serviceFrom?: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
}

/**
 * Registers `bench [suite...]` on the root program: `npm run bench -- inference`, `npm run bench -- training`,
 * or both. Each suite writes a markdown table and JSON to `--out` and prints the table.
 */
export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description(
      "Measure the services on this machine: inference (HTTP and compute floors, batching), training (ingest, algorithms) and the console (a 500-version model list).",
    )
    .addArgument(
      new Command()
        .createArgument("[suite...]", "inference, training, console (the default), crash, durability, soak")
        .choices(suites),
    )
    .addOption(new Option("--out <dir>", "where the markdown tables and JSON go").default("bench/results"))
    .option("--quick", "a shorter inference run (fewer requests per point)", false)
    .option(
      "--profile",
      "inference: CPU profile of the small model's batched cell, summarised by where the time goes",
      false,
    )
    .option(
      "--service-from <dir>",
      "inference: measure another checkout's services/inference/src (before/after figures)",
    )
    .addOption(new Option("--iterations <n>", "crash: kill -9 iterations").default(20).argParser(positiveInt))
    .addOption(new Option("--seed <n>", "crash: the first iteration's seed").default(1).argParser(positiveInt))
    .addOption(new Option("--minutes <n>", "soak: minutes of steady load").default(10).argParser(positiveInt))
    .action(async (chosen: Suite[], options: BenchFlags) => {
      for (const suite of chosen.length > 0 ? chosen : defaultSuites) {
        if (suite === "crash") {
          const { runCrashBench } = await import("./crash.js");
          const held = await runCrashBench({ outDir: options.out, iterations: options.iterations, seed: options.seed });
          if (!held) process.exitCode = 1;
        } else if (suite === "durability") {
          const { runDurabilityBench } = await import("./durability.js");
          await runDurabilityBench({ outDir: options.out });
        } else if (suite === "soak") {
          const { runSoakBench } = await import("./soak.js");
          const held = await runSoakBench({ outDir: options.out, minutes: options.minutes });
          if (!held) process.exitCode = 1;
        } else if (suite === "inference") {
          const { runInferenceBench } = await import("./inference.js");
          await runInferenceBench({
            outDir: options.out,
            quick: options.quick,
            profile: options.profile,
            serviceFrom: options.serviceFrom,
          });
        } else if (suite === "images") {
          const { runImagesBench } = await import("./images.js");
          await runImagesBench({ outDir: options.out });
        } else if (suite === "console") {
          const { runConsoleBench } = await import("./console.js");
          await runConsoleBench({ outDir: options.out });
        } else {
          const { runTrainingBench } = await import("./training.js");
          await runTrainingBench({ outDir: options.out });
        }
      }
    });
}
