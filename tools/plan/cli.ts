import * as fs from "node:fs";
import { type Command } from "commander";
// Both modules are light (node built-ins only): the Pulumi runtime loads in the plan's child process.
import { planStackResult } from "./plan";
import { renderCounts, renderMermaid, renderTree } from "./render";

/** Registers `plan` on the root program: `npm run plan -- --stack <name> [--json <file>] [--diagram <file>]`. */
export function registerPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("Plan a stack offline: run the real stacks/ program under Pulumi mocks and print the resource tree.")
    .requiredOption("-s, --stack <name>", "stack to plan (reads stacks/Pulumi.<name>.yaml)")
    .option(
      "--json <file>",
      "write every resource as { type, name, parent, parentType, dependsOn, physicalName, inputs } to this file",
    )
    .option("--diagram <file>", "write a Mermaid diagram of the platform to this file")
    .option("--project-dir <dir>", "directory holding Pulumi.yaml (default: this repository)")
    .action(async (opts: { stack: string; json?: string; diagram?: string; projectDir?: string }) => {
      const result = await planStackResult(
        opts.stack,
        opts.projectDir === undefined ? {} : { projectDir: opts.projectDir },
      );
      const root = `${result.project}-${result.stack}`;
      console.log(renderTree(result.resources, root));
      console.log("");
      console.log(renderCounts(result.resources));
      console.log("");
      console.log(`outputs: ${JSON.stringify(result.outputs, null, 2)}`);
      const { advisories, renderAdvisories } = await import("../preflight/advisories.js");
      const notes = advisories(result);
      if (notes.length > 0) console.log(`\nAzure limits to check before \`pulumi up\`:\n${renderAdvisories(notes)}`);
      if (opts.json !== undefined) {
        const rows = result.resources.map(({ type, name, parent, parentType, dependsOn, physicalName, inputs }) => ({
          type,
          name,
          parent,
          parentType,
          dependsOn,
          physicalName,
          inputs,
        }));
        fs.writeFileSync(opts.json, JSON.stringify(rows, null, 2) + "\n");
        console.log(`wrote ${rows.length} resources to ${opts.json}`);
      }
      if (opts.diagram !== undefined) {
        fs.writeFileSync(opts.diagram, renderMermaid(result.resources, root));
        console.log(`wrote the Mermaid diagram to ${opts.diagram}`);
      }
    });
}
