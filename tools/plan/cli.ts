import { type Command } from "commander";

/** Registers `plan` on the root program. */
export function registerPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("Plan a stack offline under Pulumi mocks.")
    .action(() => {
      console.log("plan: not yet available");
    });
}
