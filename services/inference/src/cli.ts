import { type Command } from "commander";

/** Registers `serve` on the root program. */
export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("Serve a model repository over the Open Inference Protocol.")
    .action(() => {
      console.log("serve: not yet available");
    });
}
