import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useEmulators } from "../support/emulators";

const run = promisify(execFile);
const root = join(__dirname, "../..");
const cli = (args: string[]) =>
  run(process.execPath, [join(root, "cli/ai-platform.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, AI_PLATFORM_ACTOR: "cli-test" },
  });

describe("training CLI", () => {
  const emu = useEmulators();
  const conn = () => [
    "--cosmos-endpoint",
    emu.conn.cosmos.endpoint,
    "--cosmos-key",
    emu.conn.cosmos.key,
    "--blob-endpoint",
    emu.conn.storage.blobEndpoint,
    "--storage-connection-string",
    emu.conn.storage.connectionString,
  ];

  it("ingests, trains with a random search, promotes and lists through `npx ai-platform`", async () => {
    const ingest = await cli([
      "ingest",
      "--file",
      "services/training/datasets/iris.csv",
      "--dataset",
      "iris",
      "--label",
      "species",
      "--id",
      "id",
      "--rejected",
      join(emu.dir, "r.jsonl"),
      "--json",
      ...conn(),
    ]);
    expect(JSON.parse(ingest.stdout)).toMatchObject({ rowsRead: 150, written: 150, rejected: 0 });
    const train = await cli([
      "train",
      "--dataset",
      "iris",
      "--model",
      "iris-cli",
      "--algorithm",
      "forest",
      "--search",
      "random",
      "--trials",
      "2",
      "--json",
      ...conn(),
    ]);
    const version = JSON.parse(train.stdout) as {
      version: number;
      hyperparameters: Record<string, unknown>;
      metrics: Record<string, number>;
    };
    expect(version.version).toBe(1);
    expect(version.hyperparameters.search).toBe("random");
    expect(version.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(train.stderr).toContain('"event":"search"');
    const promote = await cli(["promote", "iris-cli", "1", "--json", ...conn()]);
    expect(JSON.parse(promote.stdout)).toMatchObject({ promoted: true, alias: "production", version: 1 });
    const models = await cli(["models", "iris-cli", "--json", ...conn()]);
    expect(JSON.parse(models.stdout)).toMatchObject({ name: "iris-cli", aliases: { production: 1 } });
  }, 180_000); // five CLI processes, each starting tsx

  it("a 0/1 label is classification: `train --algorithm logistic` works; `register` refuses a file that is not ONNX", async () => {
    const rows = ["x,flag,y"];
    for (let i = 0; i < 200; i++) rows.push(`${(i % 37) / 10},${i % 2 === 0},${(i % 37) / 10 > 1.8 ? 1 : 0}`);
    writeFileSync(join(emu.dir, "binary.csv"), rows.join("\n") + "\n");
    await cli(["ingest", "--file", join(emu.dir, "binary.csv"), "--dataset", "binary", "--label", "y", ...conn()]);
    const train = await cli([
      "train",
      "--dataset",
      "binary",
      "--model",
      "binary",
      "--algorithm",
      "logistic",
      "--json",
      ...conn(),
    ]);
    const version = JSON.parse(train.stdout) as { task: string; labels: string[]; metrics: Record<string, number> };
    expect([version.task, version.labels]).toEqual(["classification", ["0", "1"]]);
    expect(version.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    const err = await cli(["register", "byo", "--file", join(emu.dir, "binary.csv"), ...conn()]).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect("code" in err && err.code).toBe(1);
    expect((err as { stderr: string }).stderr).toContain("is not an ONNX model");
  }, 180_000);

  it("explains what to do without a platform", async () => {
    const err = await cli(["models", "--data-dir", join(emu.dir, "none")]).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect("code" in err && err.code).toBe(1);
    expect((err as { stderr: string }).stderr).toContain("run `npm start`");
  }, 120_000);
});
