import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openRegistry, RegistryConflictError } from "@ai-platform/registry";
import { openPlatformData } from "../../services/training/src/platform.js";
import { ingestWith } from "../../services/training/src/data/ingest.js";
import { trainModel } from "../../services/training/src/pipeline/train.js";
import { promoteModel, rollbackModel } from "../../services/training/src/pipeline/promote.js";
import { scoreDataset } from "../../services/training/src/pipeline/score.js";
import { scoreWithWorkers } from "../../services/training/src/scale-out/pool.js";
import { readRows, snapshotDataset } from "../../services/training/src/data/versions.js";
import { useEmulators } from "../support/emulators";

const irisCsv = join(__dirname, "../../services/training/datasets/iris.csv");

describe("train → register → promote → rollback → score, on the emulators", () => {
  const emu = useEmulators();
  let good: Awaited<ReturnType<typeof trainModel>>;
  beforeAll(async () => {
    const data = openPlatformData(emu.conn);
    try {
      await ingestWith(data, {
        file: irisCsv,
        dataset: "iris",
        label: "species",
        id: "id",
        rejectedPath: join(emu.dir, "rej.jsonl"),
      });
    } finally {
      data.close();
    }
    good = await trainModel(emu.conn, { dataset: "iris", model: "iris", algorithm: "logistic", actor: "test" });
  });

  it("trains, registers with lineage and report, gates promotion, resolves concurrent promotions, rolls back", async () => {
    const v = good.version;
    expect(v.version).toBe(1);
    expect(v.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(v.dataset).toEqual({
      name: "iris",
      version: "v1",
      rowCount: 150,
      contentHash: good.datasetVersion.contentHash,
    });
    expect(v.signature.inputs).toEqual(
      ["sepal_length", "sepal_width", "petal_length", "petal_width"].map((name) => ({
        name,
        datatype: "FP32",
        shape: [-1],
      })),
    );
    expect(v.signature.outputs).toEqual([
      { name: "label", datatype: "BYTES", shape: [-1] },
      { name: "probabilities", datatype: "FP32", shape: [-1, 3] },
    ]);
    expect(v.labels).toEqual(["setosa", "versicolor", "virginica"]);
    expect(v.baseline.features.map((f) => f.name)).toEqual([
      "sepal_length",
      "sepal_width",
      "petal_length",
      "petal_width",
    ]);
    expect(good.parity.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    const { artifacts, registry, close } = await openRegistry(emu.conn);
    try {
      const html = new TextDecoder().decode(await artifacts.get(v.report?.uri ?? "", v.report?.sha256 ?? ""));
      expect(html).toContain("<svg");
      expect(html).toContain("Confusion matrix");
      expect(html).toContain("Learning curve");
      expect(html).toContain("ROC");

      expect((await promoteModel(emu.conn, { name: "iris", version: 1, actor: "alice" })).promoted).toBe(true);
      // A deliberately weak model (2 epochs) must not pass the gate...
      const weak = await trainModel(emu.conn, {
        dataset: "iris",
        datasetVersion: "v1",
        model: "iris",
        algorithm: "logistic",
        hyperparameters: { epochs: 1, lr: 0.0001 },
        actor: "test",
      });
      const gated = await promoteModel(emu.conn, { name: "iris", version: weak.version.version, actor: "bob" });
      expect(gated.promoted).toBe(false);
      expect(gated.comparison?.metric).toBe("accuracy");
      expect(gated.comparison!.candidate).toBeLessThan(gated.comparison!.current);
      expect((await registry.getVersion("iris", weak.version.version))?.status).toBe("candidate");
      // ...unless forced.
      const forced = await promoteModel(emu.conn, {
        name: "iris",
        version: weak.version.version,
        force: true,
        actor: "bob",
      });
      expect([forced.promoted, forced.previous]).toEqual([true, 1]);
      // Rollback returns production to @1 and records who.
      expect(await rollbackModel(emu.conn, { name: "iris", actor: "carol" })).toEqual({
        from: weak.version.version,
        to: 1,
      });
      expect((await registry.getAliases("iris")).aliases.production).toBe(1);
      const last = (await registry.history("iris")).at(-1);
      expect([last?.actor, last?.reason, last?.version]).toEqual([
        "carol",
        `rollback from @${weak.version.version}`,
        1,
      ]);
      // Two concurrent promotions: exactly one wins, the other gets a conflict.
      const a = await trainModel(emu.conn, {
        dataset: "iris",
        datasetVersion: "v1",
        model: "iris",
        algorithm: "forest",
        seed: 3,
        actor: "test",
      });
      const outcomes = await Promise.allSettled([
        promoteModel(emu.conn, { name: "iris", version: a.version.version, force: true, actor: "x" }),
        promoteModel(emu.conn, { name: "iris", version: weak.version.version, force: true, actor: "y" }),
      ]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(RegistryConflictError);
      expect((lost.reason as Error).message).toContain("another promotion changed iris's aliases first");
    } finally {
      close();
    }
  });

  it("resumes batch scoring after a crash with no duplicate or missing rows, and 3 workers equal 1", async () => {
    const input = join(emu.dir, "score-in.jsonl");
    const rows = readFileSync(irisCsv, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => {
        const [id, a, b, c, d] = l.split(",");
        return JSON.stringify({
          id,
          sepal_length: Number(a),
          sepal_width: Number(b),
          petal_length: Number(c),
          petal_width: Number(d),
        });
      });
    writeFileSync(input, rows.join("\n") + "\n");
    const out = join(emu.dir, "scores.jsonl");
    let crashed = false;
    await expect(
      scoreDataset(emu.conn, {
        model: "iris@1",
        file: input,
        out,
        batchSize: 20,
        afterBatchWritten: (b) => {
          if (b === 3) {
            crashed = true;
            throw new Error("simulated crash");
          }
        },
      }),
    ).rejects.toThrow("simulated crash");
    expect(crashed).toBe(true);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(80); // batch 3 written but not checkpointed
    const resumed = await scoreDataset(emu.conn, { model: "iris@1", file: input, out, batchSize: 20 });
    expect(resumed.resumedFromBatch).toBe(3);
    const lines = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { rowKey: string; label: string; version: number });
    expect(lines.map((l) => l.rowKey)).toEqual([...rows.map((r) => (JSON.parse(r) as { id: string }).id)].sort());
    expect(new Set(lines.map((l) => l.rowKey)).size).toBe(150);
    expect(lines.every((l) => l.version === 1 && ["setosa", "versicolor", "virginica"].includes(l.label))).toBe(true);

    const single = join(emu.dir, "single.jsonl");
    await scoreDataset(emu.conn, { model: "iris@1", file: input, out: single, batchSize: 25 });
    const multi = join(emu.dir, "multi.jsonl");
    const summaries = await scoreWithWorkers(emu.conn, { model: "iris@1", file: input, out: multi, batchSize: 25 }, 3);
    expect(summaries.map((s) => s.shard.index)).toEqual([0, 1, 2]);
    expect(summaries.every((s) => s.rows > 0)).toBe(true);
    expect(summaries.reduce((n, s) => n + s.rows, 0)).toBe(150);
    expect(readFileSync(multi, "utf8")).toBe(readFileSync(single, "utf8"));
  });

  it("retrains incrementally: v1 plus only the rows ingested since", async () => {
    const extra = join(emu.dir, "extra.csv");
    writeFileSync(
      extra,
      "id,sepal_length,sepal_width,petal_length,petal_width,species\niris-new-1,5.0,3.4,1.5,0.2,setosa\niris-001,5.1,3.5,1.4,0.3,setosa\n",
    );
    const data = openPlatformData(emu.conn);
    try {
      await ingestWith(data, {
        file: irisCsv,
        dataset: "iris-inc",
        label: "species",
        id: "id",
        rejectedPath: join(emu.dir, "inc.rej"),
      });
      await snapshotDataset(data, "iris-inc", { actor: "test" });
      await ingestWith(data, {
        file: extra,
        dataset: "iris-inc",
        label: "species",
        id: "id",
        rejectedPath: join(emu.dir, "extra.rej"),
      });
    } finally {
      data.close();
    }
    const logs: Record<string, unknown>[] = [];
    const r = await trainModel(emu.conn, {
      dataset: "iris-inc",
      incrementalFrom: "v1",
      model: "iris-incremental",
      actor: "test",
      onLog: (e) => logs.push(e),
    });
    expect(logs.find((e) => e.event === "incremental-snapshot")).toMatchObject({ base: "v1", changedRows: 2 });
    expect(r.version.dataset.rowCount).toBe(151);
    expect(r.version.dataset.version).toBe(r.datasetVersion.version);
    expect(r.datasetVersion.version).toBe("v2");
  });

  it("scores a dataset into a dataset, idempotently", async () => {
    const s1 = await scoreDataset(emu.conn, { model: "iris@1", dataset: "iris", out: "iris-scored", batchSize: 64 });
    expect(s1.rows).toBe(150);
    const data = openPlatformData(emu.conn);
    try {
      const scored = await readRows(data, "iris-scored");
      expect(scored).toHaveLength(150);
      expect(scored[0]?.values).toMatchObject({ model: "iris", version: 1 });
    } finally {
      data.close();
    }
    // Scores never land among a dataset's ingested rows (whose snapshots read the ingest exports).
    await expect(scoreDataset(emu.conn, { model: "iris@1", dataset: "iris", out: "iris" })).rejects.toThrow(
      '--out: dataset "iris" holds ingested rows; write the scores to a dataset of their own',
    );
  });
});

describe("hyperparameter search as an Indexed Job", () => {
  const emu = useEmulators();

  it("3 shards: each runs its trials, exactly one registers, with the single-process winner", async () => {
    const data = openPlatformData(emu.conn);
    try {
      await ingestWith(data, {
        file: irisCsv,
        dataset: "iris",
        label: "species",
        id: "id",
        rejectedPath: join(emu.dir, "rej.jsonl"),
      });
    } finally {
      data.close();
    }
    const base = {
      dataset: "iris",
      datasetVersion: "v1",
      algorithm: "forest" as const,
      search: "random" as const,
      trials: 5,
      folds: 3,
      seed: 7,
      actor: "test",
    };
    const single = await trainModel(emu.conn, { ...base, datasetVersion: undefined, model: "search-single" });
    expect(single.datasetVersion.version).toBe("v1");
    const { trainSearchShard } = await import("../../services/training/src/pipeline/search-job.js");
    const shards = [];
    for (const index of [2, 0, 1])
      shards.push(await trainSearchShard(emu.conn, { ...base, model: "search-sharded", shard: { index, count: 3 } }));
    expect(shards.map((s) => [s.shard.index, s.trialsRun, s.shardsDone, !!s.finished])).toEqual([
      [2, 1, 1, false],
      [0, 2, 2, false],
      [1, 2, 3, true],
    ]);
    const finished = shards[2]?.finished;
    expect(finished?.search?.trials).toBe(5);
    expect(finished?.search?.best).toEqual(single.search?.best);
    expect(finished?.version.hyperparameters).toEqual(single.version.hyperparameters);
    expect(finished?.version.metrics).toEqual(single.version.metrics);
    const again = await trainSearchShard(emu.conn, { ...base, model: "search-sharded", shard: { index: 0, count: 3 } });
    expect(again.finished).toBeUndefined(); // shard 1 claimed the finish; a re-run of shard 0 registers nothing
  });
});
