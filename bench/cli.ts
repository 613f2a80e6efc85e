import { Command, Option } from "commander";

const suites = ["inference", "training", "console"] as const;
type Suite = (typeof suites)[number];

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
      new Command().createArgument("[suite...]", "inference, training, console (default: all)").choices(suites),
    )
    .addOption(new Option("--out <dir>", "where the markdown tables and JSON go").default("bench/results"))
    .option("--quick", "a shorter inference run (fewer requests per point)", false)
    .action(async (chosen: Suite[], options: { out: string; quick: boolean }) => {
      for (const suite of chosen.length > 0 ? chosen : suites) {
        if (suite === "inference") {
          const { runInferenceBench } = await import("./inference.js");
          await runInferenceBench({ outDir: options.out, quick: options.quick });
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
