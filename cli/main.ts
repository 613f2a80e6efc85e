/**
 * `npx ai-platform <command>`: the one command-line entry for users.
 * Each area registers its own commands; implementations load lazily so `--help` stays fast.
 */
import { Command } from "commander";
import { registerTrainingCommands } from "@ai-platform/training/cli";
import { registerServeCommand } from "@ai-platform/inference/cli";
import { registerPipelineCommands } from "@ai-platform/pipeline/cli";
import { registerLocalCommands } from "../local/cli";
import { registerPlanCommand } from "../tools/plan/cli";
import { registerCheckCommand } from "../tools/check/cli";
import { registerPreflightCommand } from "../tools/preflight/cli";
import { registerBenchCommand } from "../bench/cli";

const program = new Command("ai-platform")
  .description("A secure AI platform on Azure from one `pulumi up`, and on one machine from one `npm start`.")
  .showHelpAfterError()
  .enablePositionalOptions();

registerLocalCommands(program);
registerTrainingCommands(program);
registerServeCommand(program);
registerPipelineCommands(program);
registerPlanCommand(program);
registerCheckCommand(program);
registerPreflightCommand(program);
registerBenchCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`ai-platform: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
