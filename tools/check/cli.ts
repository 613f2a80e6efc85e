/**
 * `ai-platform check`: registration only; the pack and the plan load when the command runs, so `--help` stays fast.
 */
import { writeFileSync } from "node:fs";
import { type Command, Option } from "commander";
import type { CheckOptions } from "./run";

/** Registers `check` on the root program. */
export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description(
      "Evaluate the policy pack offline over a planned stack or a resources file; exits 1 on a mandatory violation.",
    )
    .option("--stack <name>", "plan this stack under mocks (stacks/Pulumi.<name>.yaml) and check it")
    .option("--resources <file>", 'check a JSON file of [{ "type", "name", "parent", "inputs" }]')
    .addOption(new Option("--format <format>", "report format").choices(["table", "json", "sarif"]).default("table"))
    .option("--policy-config <file>", "policy pack config (default: policies/config/<stack>.json)")
    .option("--output <file>", "write the report to a file instead of stdout")
    .action(async (opts: CheckOptions) => {
      const { runCheck } = await import("./run.js");
      let outcome: Awaited<ReturnType<typeof runCheck>>;
      try {
        outcome = await runCheck(opts);
      } catch (e) {
        console.error((e as Error).message);
        process.exitCode = 2;
        return;
      }
      if (opts.output) {
        writeFileSync(opts.output, `${outcome.report}\n`);
        console.log(
          `${outcome.result.mandatory} mandatory, ${outcome.result.advisory} advisory findings; report written to ${opts.output}`,
        );
      } else console.log(outcome.report);
      if (outcome.result.mandatory > 0) process.exitCode = 1;
    });
}
