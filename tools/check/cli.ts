import { type Command } from "commander";

/** Registers `check` on the root program. */
export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description("Evaluate the policy pack offline.")
    .action(() => {
      console.log("check: not yet available");
    });
}
