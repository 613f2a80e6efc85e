/**
 * The training commands of `npx ai-platform` (and of the job image's entry point). Thin: parse flags, resolve the
 * connection (flags → env → running local platform), call the programmatic API, print. Implementations load
 * lazily so `--help` stays fast.
 */
import { type Command, Option } from "commander";
import { registerModelCommands } from "./cli-models.js";
import { actor, connect, int, list, logEvent, print, withConnection } from "./cli-options.js";
import type { ConnectionFlags } from "./platform.js";

/** Registers ingest, dataset (snapshot/list), train, register, models, promote, rollback and score on the root program. */
export function registerTrainingCommands(program: Command): void {
  withConnection(
    program
      .command("ingest")
      .description("Load a CSV, JSONL or JSON-array file into a dataset (bulk, validated, idempotent)."),
  )
    .requiredOption("--file <path>", "a .csv (with header), .jsonl/.ndjson or .json (array of objects) file")
    .requiredOption("--dataset <name>", "dataset name")
    .option("--label <column>", "the label column (recorded for training)")
    .option("--id <column>", "the id column (default: ids from each row's content)")
    .option(
      "--schema <spec>",
      "column types: number, integer, boolean, string, datetime, e.g. 'a:number,b:string' (default: inferred)",
    )
    .option("--rejected <path>", "rejection report (default: <file>.rejected.jsonl)")
    .addOption(new Option("--mode <mode>", "write mode").choices(["bulk", "single"]).default("bulk"))
    .option("--json", "print the summary as JSON")
    .action(
      async (
        o: ConnectionFlags & {
          file: string;
          dataset: string;
          label?: string;
          id?: string;
          schema?: string;
          rejected?: string;
          mode: "bulk" | "single";
          json?: boolean;
        },
      ) => {
        const conn = await connect(o);
        const { ingestFile } = await import("./data/ingest.js");
        let bar:
          | { start(t: number, v: number): void; update(v: number): void; setTotal(t: number): void; stop(): void }
          | undefined;
        if (process.stderr.isTTY) {
          const { default: progress } = await import("cli-progress");
          bar = new progress.SingleBar(
            { format: "ingest [{bar}] {value}/{total} rows", stream: process.stderr },
            progress.Presets.shades_classic,
          );
        }
        let started = false;
        const s = await ingestFile(conn, {
          file: o.file,
          dataset: o.dataset,
          mode: o.mode,
          ...(o.label ? { label: o.label } : {}),
          ...(o.id ? { id: o.id } : {}),
          ...(o.schema ? { schema: o.schema } : {}),
          ...(o.rejected ? { rejectedPath: o.rejected } : {}),
          onProgress: (done, total) => {
            if (bar) {
              if (!started) {
                bar.start(total ?? done, 0);
                started = true;
              }
              if (total === undefined) bar.setTotal(done);
              bar.update(done);
            } else logEvent({ event: "ingest-progress", written: done, total });
          },
        });
        bar?.stop();
        print(
          { json: !!o.json },
          s,
          `${s.dataset}: read ${s.rowsRead}, written ${s.written}, rejected ${s.rejected} (${s.rejectedPath}) in ${s.seconds.toFixed(2)}s, ${Math.round(s.rowsPerSecond)} rows/s`,
        );
      },
    );

  const dataset = program
    .command("dataset")
    .description("Dataset versions: named snapshots for lineage and incremental training.");
  withConnection(
    dataset
      .command("snapshot")
      .description("Snapshot a dataset as a new version (query, row count, content hash, change-feed position)."),
  )
    .argument("<dataset>", "dataset name")
    .option("--name <version>", "version name (default v<n+1>)")
    .option("--json", "print JSON")
    .action(async (name: string, o: ConnectionFlags & { name?: string; json?: boolean }) => {
      const { createDatasetVersion } = await import("./index.js");
      const v = await createDatasetVersion(await connect(o), name, {
        ...(o.name ? { name: o.name } : {}),
        actor: actor(),
      });
      print({ json: !!o.json }, v, `${v.dataset}@${v.version}: ${v.rowCount} rows, sha256 ${v.contentHash}`);
    });
  withConnection(dataset.command("list").description("List a dataset's versions."))
    .argument("<dataset>", "dataset name")
    .option("--json", "print JSON")
    .action(async (name: string, o: ConnectionFlags & { json?: boolean }) => {
      const { listDatasetVersionsOf } = await import("./index.js");
      const versions = await listDatasetVersionsOf(await connect(o), name);
      print(
        { json: !!o.json },
        versions,
        versions
          .map((v) => `${v.version}\t${v.rowCount} rows\t${v.contentHash.slice(0, 12)}\t${v.createdAt}`)
          .join("\n") || "(no versions)",
      );
    });

  withConnection(
    program
      .command("train")
      .description("Train, evaluate, export to ONNX (parity-checked) and register a model version."),
  )
    .requiredOption("--dataset <name>", "dataset to train on")
    .requiredOption("--model <name>", "model name in the registry")
    .addOption(
      new Option(
        "--algorithm <name>",
        "algorithm (default: logistic for classification, linear for regression)",
      ).choices(["logistic", "mlp", "linear", "forest"]),
    )
    .addOption(new Option("--search <kind>", "hyperparameter search with k-fold CV").choices(["grid", "random"]))
    .option("--trials <n>", "random-search trials", int("--trials"), 8)
    .option("--folds <k>", "cross-validation folds", int("--folds"), 3)
    .option("--workers <n>", "worker processes for search trials (trial i runs on worker i % n)", int("--workers"), 1)
    .option(
      "--trial-shard-count <n>",
      "Indexed Job: number of pods sharing the search (needs --dataset-version)",
      int("--trial-shard-count"),
    )
    .option(
      "--trial-shard-index <i>",
      "this pod's trial shard (default $JOB_COMPLETION_INDEX)",
      int("--trial-shard-index"),
    )
    .option("--seed <n>", "seed for split, initialisation and search", int("--seed"), 42)
    .option("--label <column>", "label column (default: the one recorded at ingest)")
    .addOption(
      new Option("--task <task>", "default: from the label's values, as scikit-learn's type_of_target").choices([
        "classification",
        "regression",
      ]),
    )
    .option("--features <columns>", "use exactly these feature columns (comma-separated; overrides exclusions)", list)
    .option("--exclude <columns>", "leave these columns out of the features (comma-separated)", list)
    .option("--dataset-version <v>", "train on an existing dataset version (default: snapshot now)")
    .option("--incremental-from <v>", "snapshot = version <v> + only the rows changed since")
    .option("--json", "print the registered version as JSON")
    .action(
      async (
        o: ConnectionFlags & {
          dataset: string;
          model: string;
          algorithm?: "logistic" | "mlp" | "linear" | "forest";
          search?: "grid" | "random";
          trials: number;
          folds: number;
          workers: number;
          trialShardCount?: number;
          trialShardIndex?: number;
          seed: number;
          label?: string;
          task?: "classification" | "regression";
          features?: string[];
          exclude?: string[];
          datasetVersion?: string;
          incrementalFrom?: string;
          json?: boolean;
        },
      ) => {
        const options = {
          dataset: o.dataset,
          model: o.model,
          trials: o.trials,
          folds: o.folds,
          seed: o.seed,
          workers: o.workers,
          actor: actor(),
          onLog: logEvent,
          ...(o.algorithm ? { algorithm: o.algorithm } : {}),
          ...(o.search ? { search: o.search } : {}),
          ...(o.label ? { label: o.label } : {}),
          ...(o.task ? { task: o.task } : {}),
          ...(o.features ? { features: o.features } : {}),
          ...(o.exclude ? { exclude: o.exclude } : {}),
          ...(o.datasetVersion ? { datasetVersion: o.datasetVersion } : {}),
          ...(o.incrementalFrom ? { incrementalFrom: o.incrementalFrom } : {}),
        };
        if (o.trialShardCount !== undefined) {
          const { trainSearchShard } = await import("./pipeline/search-job.js");
          const shard = {
            index: o.trialShardIndex ?? Number(process.env.JOB_COMPLETION_INDEX),
            count: o.trialShardCount,
          };
          const s = await trainSearchShard(await connect(o), { ...options, shard });
          if (!s.finished) {
            print(
              { json: !!o.json },
              s,
              `search ${s.searchId}: shard ${shard.index}/${shard.count} ran ${s.trialsRun} trials (${s.shardsDone}/${shard.count} shards done; the last one registers)`,
            );
            return;
          }
          print(
            { json: !!o.json },
            s.finished.version,
            `${s.finished.version.name}@${s.finished.version.version} registered by shard ${shard.index} after ${s.finished.search?.trials ?? 0} trials`,
          );
          return;
        }
        const { trainModel } = await import("./pipeline/train.js");
        const r = await trainModel(await connect(o), options);
        const m = Object.entries(r.version.metrics)
          .map(([k, v]) => `${k}=${v.toFixed(4)}`)
          .join(" ");
        print(
          { json: !!o.json },
          r.version,
          `${r.version.name}@${r.version.version} (${r.version.algorithm}, ${r.version.dataset.name}@${r.version.dataset.version}) in ${r.seconds.toFixed(2)}s: ${m}`,
        );
      },
    );

  registerModelCommands(program);
  withConnection(
    program.command("score").description("Batch-score a dataset or JSONL file with onnxruntime; resumable, shardable."),
  )
    .requiredOption("--model <ref>", "name, name@version or name@alias (default alias production)")
    .option("--dataset <name>", "input dataset")
    .option("--file <path>", "input JSONL file")
    .requiredOption("--out <dataset|file.jsonl>", "output dataset name or .jsonl path")
    .option("--batch-size <n>", "rows per batch and checkpoint", int("--batch-size"), 500)
    .option("--workers <n>", "local worker processes (shards)", int("--workers"), 1)
    .option("--shard-index <i>", "this pod's shard (default $JOB_COMPLETION_INDEX)", int("--shard-index"))
    .option("--shard-count <n>", "number of shards (Indexed Job completions)", int("--shard-count"))
    .option("--json", "print JSON")
    .action(
      async (
        o: ConnectionFlags & {
          model: string;
          dataset?: string;
          file?: string;
          out: string;
          batchSize: number;
          workers: number;
          shardIndex?: number;
          shardCount?: number;
          json?: boolean;
        },
      ) => {
        const conn = await connect(o);
        const options = {
          model: o.model,
          out: o.out,
          batchSize: o.batchSize,
          ...(o.dataset ? { dataset: o.dataset } : {}),
          ...(o.file ? { file: o.file } : {}),
        };
        if (o.shardCount !== undefined) {
          const index = o.shardIndex ?? Number(process.env.JOB_COMPLETION_INDEX);
          const { scoreDataset } = await import("./pipeline/score.js");
          const s = await scoreDataset(conn, { ...options, shard: { index, count: o.shardCount } });
          print(
            { json: !!o.json },
            s,
            `shard ${index}/${o.shardCount}: ${s.rows} rows in ${s.batches} batches → ${s.outputPath}`,
          );
          return;
        }
        const { scoreWithWorkers } = await import("./scale-out/pool.js");
        const { scoreDataset } = await import("./pipeline/score.js");
        const summaries =
          o.workers > 1 ? await scoreWithWorkers(conn, options, o.workers) : [await scoreDataset(conn, options)];
        const rows = summaries.reduce((n, s) => n + s.rows, 0);
        print(
          { json: !!o.json },
          summaries,
          `${rows} rows scored with ${summaries[0]?.model}@${summaries[0]?.version} by ${summaries.length} worker(s) → ${o.out}${summaries.some((s) => s.resumedFromBatch > 0) ? " (resumed)" : ""}`,
        );
      },
    );
}
