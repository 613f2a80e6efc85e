import * as fs from "node:fs";
import type { Command } from "commander";

/** `-c key=value`, repeatable, into a map. */
function collectConfig(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0) throw new Error(`--config expects key=value, got "${value}"`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Registers `preflight`: `npm run preflight -- --stack <name> [--json <file>] [-c key=value]…`. */
export function registerPreflightCommand(program: Command): void {
  program
    .command("preflight")
    .description(
      "Check a stack offline for what would fail a first `pulumi up`: Azure names, grants before use, incompatible settings, ordering.",
    )
    .requiredOption("-s, --stack <name>", "stack to check (reads stacks/Pulumi.<name>.yaml)")
    .option("--json <file>", "also write the findings as JSON to this file")
    .option(
      "-c, --config <key=value>",
      "override a stack setting, as `pulumi preview -c` (repeatable)",
      collectConfig,
      {},
    )
    .option("--project-dir <dir>", "directory holding Pulumi.yaml (default: this repository)")
    .action(async (opts: { stack: string; json?: string; config: Record<string, string>; projectDir?: string }) => {
      const { preflightStack, renderFindings } = await import("./run.js");
      const { advisories, renderAdvisories } = await import("./advisories.js");
      const { plan, findings } = await preflightStack(opts.stack, {
        config: opts.config,
        ...(opts.projectDir === undefined ? {} : { projectDir: opts.projectDir }),
      });
      console.log(
        `preflight ${plan.project}-${plan.stack}: ${plan.resources.length} planned resources, ${findings.length} findings`,
      );
      console.log(renderFindings(findings));
      const notes = advisories(plan);
      if (notes.length > 0)
        console.log(`\nAzure limits to check before \`pulumi up\` (not failures):\n${renderAdvisories(notes)}`);
      if (opts.json !== undefined)
        fs.writeFileSync(opts.json, JSON.stringify({ stack: opts.stack, findings, advisories: notes }, null, 2) + "\n");
      if (findings.length > 0) process.exitCode = 1;
    });
}
