import { type Command } from "commander";

/** Registers `start` on the root program. */
export function registerLocalCommands(program: Command): void {
  program
    .command("start")
    .description("Run the whole platform on this machine.")
    .action(() => {
      console.log("start: not yet available");
    });
}
