import { type Command } from "commander";

/** Registers `bench` on the root program. */
export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("Run a benchmark.")
    .action(() => {
      console.log("bench: not yet available");
    });
}
