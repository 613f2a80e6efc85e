/**
 * The training job image's entry point (`node dist/main.js <ingest|train|score|...> ...`, compiled by tsc): the same
 * commands as `npx ai-platform`, for Kubernetes Jobs/CronJobs/Indexed Jobs. Non-zero exit on any failure.
 */
import { Command } from "commander";
import { registerTrainingCommands } from "./cli.js";

const program = new Command("ai-platform-training")
  .description("ai-platform training job")
  .showHelpAfterError()
  .enablePositionalOptions();
registerTrainingCommands(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`ai-platform-training: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
