/**
 * The model-registry commands of `npx ai-platform`: register a model trained elsewhere, list models, promote
 * (gated) and roll back. Implementations load lazily so `--help` stays fast.
 */
import type { Command } from "commander";
import { actor, connect, int, print, withConnection } from "./cli-options.js";
import type { ConnectionFlags } from "./platform.js";

/** Registers register, models, promote and rollback on the root program. */
export function registerModelCommands(program: Command): void {
  withConnection(
    program
      .command("register")
      .description(
        "Register an ONNX model trained elsewhere (scikit-learn, PyTorch, XGBoost…) as a candidate version.",
      ),
  )
    .argument("<name>", "model name in the registry")
    .requiredOption("--file <model.onnx>", "the ONNX file (checked: loads in onnxruntime, has inputs)")
    .option("--description <text>", "what this model is, recorded with the version")
    .option("--dataset <name>", "evaluate on this dataset's held-out rows (inputs are fed by column name)")
    .option("--label <column>", "the dataset's label column (default: the one recorded at ingest)")
    .option("--json", "print the registered version as JSON")
    .action(
      async (
        name: string,
        o: ConnectionFlags & { file: string; description?: string; dataset?: string; label?: string; json?: boolean },
      ) => {
        const { registerModel } = await import("./pipeline/register.js");
        const r = await registerModel(await connect(o), {
          name,
          file: o.file,
          actor: actor(),
          ...(o.description ? { description: o.description } : {}),
          ...(o.dataset ? { dataset: o.dataset } : {}),
          ...(o.label ? { label: o.label } : {}),
        });
        const v = r.version;
        const m = Object.entries(v.metrics)
          .map(([k, x]) => `${k}=${x.toFixed(4)}`)
          .join(" ");
        print(
          { json: !!o.json },
          v,
          `${v.name}@${v.version} registered (${v.task}; inputs ${v.signature.inputs.map((i) => `${i.name}:${i.datatype}`).join(", ")}; opset ${v.artifact.opset}; sha256 ${v.artifact.sha256.slice(0, 12)})${r.evaluatedRows ? `; ${r.evaluatedRows} held-out rows: ${m}` : ""}`,
        );
      },
    );

  withConnection(program.command("models").description("List models, or one model's versions and aliases."))
    .argument("[name]", "model name")
    .option("--json", "print JSON")
    .action(async (name: string | undefined, o: ConnectionFlags & { json?: boolean }) => {
      const { openRegistry } = await import("@ai-platform/registry");
      const { registry, close } = await openRegistry(await connect(o));
      try {
        if (!name) {
          const names = await registry.listModels();
          print({ json: !!o.json }, names, names.join("\n") || "(no models)");
          return;
        }
        const [versions, { aliases }] = await Promise.all([registry.listVersions(name), registry.getAliases(name)]);
        if (versions.length === 0) throw new Error(`model "${name}" is not registered`);
        const byVersion = (v: number): string =>
          Object.entries(aliases)
            .filter(([, n]) => n === v)
            .map(([a]) => a)
            .join(",");
        const lines = versions.map(
          (v) =>
            `${v.version}\t${v.status}\t${byVersion(v.version) || "-"}\t${v.algorithm}\t${Object.entries(v.metrics)
              .filter(([k]) => ["accuracy", "f1_macro", "r2"].includes(k))
              .map(([k, x]) => `${k}=${x.toFixed(4)}`)
              .join(" ")}\t${v.dataset.name}@${v.dataset.version}\t${v.createdAt}`,
        );
        print(
          { json: !!o.json },
          { name, aliases, versions },
          ["version\tstatus\taliases\talgorithm\tmetrics\tdataset\tcreated", ...lines].join("\n"),
        );
      } finally {
        close();
      }
    });

  withConnection(
    program.command("promote").description("Point an alias at a version; production is gated on the held-out metric."),
  )
    .argument("<name>", "model name")
    .argument("<version>", "version number", int("<version>"))
    .option("--alias <alias>", "alias to move", "production")
    .option("--force", "skip the gate")
    .option("--metric <metric>", "gate metric (default accuracy, or r2 for regression)")
    .option("--json", "print JSON")
    .action(
      async (
        name: string,
        version: number,
        o: ConnectionFlags & { alias: string; force?: boolean; metric?: string; json?: boolean },
      ) => {
        const { promoteModel } = await import("./pipeline/promote.js");
        const r = await promoteModel(await connect(o), {
          name,
          version,
          alias: o.alias,
          actor: actor(),
          ...(o.force ? { force: true } : {}),
          ...(o.metric ? { metric: o.metric } : {}),
        });
        print({ json: !!o.json }, r, r.message);
        if (!r.promoted && r.comparison) process.exitCode = 2;
      },
    );

  withConnection(program.command("rollback").description("Move production back to the version it pointed at before."))
    .argument("<name>", "model name")
    .option("--json", "print JSON")
    .action(async (name: string, o: ConnectionFlags & { json?: boolean }) => {
      const { rollbackModel } = await import("./pipeline/promote.js");
      const r = await rollbackModel(await connect(o), { name, actor: actor() });
      print({ json: !!o.json }, r, `${name}: production @${r.from} → @${r.to}`);
    });
}
