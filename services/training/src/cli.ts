import { type Command } from "commander";

/** Registers `ingest` on the root program. */
export function registerTrainingCommands(program: Command): void {
  program
    .command("ingest")
    .description("Load a CSV or JSONL file into a dataset.")
    .action(() => {
      console.log("ingest: not yet available");
    });
}
