/**
 * The plan's child process: runs a Pulumi program the way the Node.js language host does
 * (`@pulumi/pulumi/cmd/run`: config in the runtime, `require(<main>/)` inside `runInPulumiStack`,
 * a default-exported function awaited), but against Pulumi mocks in preview mode instead of an
 * engine, and writes what was registered to a JSON file.
 *
 * Usage (plan.ts spawns it): `node --import tsx tools/plan/runner.ts <projectDir> <stack> <outFile>`.
 * A fresh process per plan keeps the Pulumi runtime's globals (mocks, stack, config) from leaking
 * between stacks, exactly as separate `pulumi preview` runs would.
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { allRegistered, installMocksWith } from "./mocks";
import { extraState } from "./mock-outputs";
import { physicalName } from "./physical-names";
import { loadProject, loadStackConfig } from "./project";
import type { PlanResult, PlannedResource } from "./types";

const [projectDir, stack, outFile, overrides = "{}"] = process.argv.slice(2);

function fail(message: string): never {
  if (outFile) fs.writeFileSync(outFile, JSON.stringify({ error: message }));
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function describe(error: unknown): string {
  if (error instanceof pulumi.RunError || error instanceof pulumi.ResourceError) return error.message;
  if (!(error instanceof Error)) return String(error);
  // Configuration errors are the user's to fix: their message says what, a source line would not help.
  if (error.name === "StackConfigError" || error.name === "PlanInputError") return error.message;
  // Point at the program's own frame (not the runtime's or this runner's), as `pulumi preview` does.
  const frame = (error.stack ?? "")
    .split("\n")
    .find((l) => /^\s+at /.test(l) && !/node_modules|node:|tools\/plan\//.test(l));
  const where = frame
    ? ` (${frame
        .trim()
        .replace(/^at (.* \()?/, "")
        .replace(/\)$/, "")})`
    : "";
  return `${error.message}${where}`;
}

interface ParentInfo {
  parent?: string;
  parentType?: string;
  /** The explicit `dependsOn` as constructed; resolved to `<type>::<name>` keys once the program is done. */
  dependsOn?: unknown;
}

type Named = { __pulumiType?: string; __name?: string };

/** The scalar string outputs a resource has beyond its inputs. */
function computedOutputs(inputs: Record<string, unknown>, state: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(state).filter(([k, v]) => typeof v === "string" && (k === "id" || !(k in inputs))),
  ) as Record<string, string>;
}

/** `dependsOn` (a resource, a list, or outputs/promises of those) as `<type>::<name>` keys. */
async function dependencyKeys(value: unknown): Promise<string[]> {
  if (value === undefined || value === null) return [];
  if (pulumi.Output.isInstance(value))
    return dependencyKeys(await (value as unknown as { promise(): Promise<unknown> }).promise());
  if (value instanceof Promise) return dependencyKeys(await value);
  if (Array.isArray(value)) return (await Promise.all(value.map(dependencyKeys))).flat();
  if (pulumi.Resource.isInstance(value)) {
    const r = value as unknown as Named;
    return [`${r.__pulumiType}::${r.__name}`];
  }
  return [];
}

async function unwrapOutputs(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown> & { isSecret: Promise<boolean>; promise(): Promise<unknown> };
    if (await output.isSecret) return "[secret]";
    return unwrapOutputs(await output.promise());
  }
  if (pulumi.Resource.isInstance(value)) return undefined;
  if (Array.isArray(value)) return Promise.all(value.map(unwrapOutputs));
  if (typeof value === "object" && value !== null) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await unwrapOutputs(v)] as const),
    );
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return value;
}

async function main(): Promise<void> {
  if (!projectDir || !stack || !outFile) fail("usage: runner.ts <projectDir> <stack> <outFile>");
  const project = loadProject(projectDir);
  const { config, secretKeys } = loadStackConfig(project, stack);
  for (const [key, value] of Object.entries(JSON.parse(overrides) as Record<string, string>))
    config[key.includes(":") ? key : `${project.name}:${key}`] = value;

  // The language host reports an error thrown anywhere (an apply, a registration) and fails the run.
  process.on("unhandledRejection", (error) => fail(`program error: ${describe(error)}`));
  process.on("uncaughtException", (error) => fail(`program error: ${describe(error)}`));

  await installMocksWith({ project: project.name, stack, preview: true }, extraState);
  pulumi.runtime.setAllConfig(config, secretKeys);

  const parents = new Map<string, ParentInfo[]>();
  let exported: unknown;
  await pulumi.runtime.runInPulumiStack(async () => {
    // Mocks do not see parents; a stack transformation sees every resource's options as constructed.
    pulumi.runtime.registerStackTransformation((args) => {
      const parent = args.opts.parent as (pulumi.Resource & { __name?: string; __pulumiType?: string }) | undefined;
      const info: ParentInfo = {
        ...(parent && parent.__pulumiType !== "pulumi:pulumi:Stack"
          ? { parent: parent.__name, parentType: parent.__pulumiType }
          : {}),
        dependsOn: args.opts.dependsOn,
      };
      const key = `${args.type}::${args.name}`;
      parents.set(key, [...(parents.get(key) ?? []), info]);
      return undefined;
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(project.main.endsWith("/") ? project.main : `${project.main}/`);
    if (typeof exported === "function") exported = await (exported as () => unknown)();
    return exported as Record<string, unknown> | undefined;
  });
  // Let every registration started by the program reach the mocks before reading them.
  await pulumi.runtime.disconnect();

  const resources: PlannedResource[] = await Promise.all(
    allRegistered()
      .filter((r) => r.type !== "pulumi:pulumi:Stack")
      .map(async (r) => {
        const { dependsOn, ...info } = parents.get(`${r.type}::${r.name}`)?.shift() ?? {};
        const name = physicalName(r.type, r.name, r.inputs);
        return {
          type: r.type,
          name: r.name,
          ...info,
          dependsOn: [...new Set(await dependencyKeys(dependsOn))].sort(),
          ...(name === undefined ? {} : { physicalName: name }),
          inputs: r.inputs,
          ...(r.type.startsWith("azure-native:") ? { computed: computedOutputs(r.inputs, r.state) } : {}),
        };
      }),
  );
  const result: PlanResult = {
    project: project.name,
    stack,
    resources,
    outputs: (await unwrapOutputs(exported ?? {})) as Record<string, unknown>,
  };
  fs.writeFileSync(outFile, JSON.stringify(result));
  process.exit(0);
}

main().catch((error: unknown) => fail(describe(error)));
