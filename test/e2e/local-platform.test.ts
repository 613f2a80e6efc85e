/**
 * The whole local platform, as `npm start` runs it: one platform started for all steps (random ports, a temporary
 * data directory), inference requests, a changed dataset retrained and promoted under continuous traffic, a
 * restart that serves the same production model without training, and the error paths.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { demoDataset, ingestFile, promoteModel, trainModel } from "@ai-platform/training";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlreadyRunningError, CorruptDataError, LocalPlatformError, PortInUseError } from "../../local/errors";
import { startLocalPlatform, type RunningPlatform } from "../../local/platform";
import { isPortFree } from "../../local/ports";

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), "local-platform-e2e-"));
const dataDir = join(root, ".platform");
const cli = join(__dirname, "..", "..", "cli", "ai-platform.mjs");
let platform: RunningPlatform | undefined;

interface InferResponse {
  model_name: string;
  model_version: string;
  outputs: { name: string; data: number[] }[];
}

async function infer(p: RunningPlatform): Promise<{ status: number; body: InferResponse }> {
  const response = await fetch(p.example.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(p.example.body),
  });
  return { status: response.status, body: (await response.json()) as InferResponse };
}

/** The demo dataset with every row's sepal length shifted and 30 new rows: a changed dataset to retrain on. */
function changedDataset(): string {
  const [header, ...rows] = readFileSync(demoDataset.file, "utf8").trim().split("\n");
  const shifted = rows.map((line) => {
    const cells = line.split(",");
    cells[1] = (Number(cells[1]) + 0.1).toFixed(2);
    return cells.join(",");
  });
  const extra = rows.slice(0, 30).map((line, i) => line.replace(/^[^,]+/, `extra-${String(i).padStart(3, "0")}`));
  const file = join(root, "iris-changed.csv");
  writeFileSync(file, [header, ...shifted, ...extra].join("\n") + "\n");
  return file;
}

beforeAll(async () => {
  // A corrupted data directory is reported, and only an explicit reset clears it.
  mkdirSync(join(dataDir, "cosmos"), { recursive: true });
  writeFileSync(join(dataDir, "cosmos", "state.json"), "{ not json");
  const corrupt = await startLocalPlatform({ dataDir, port: 0 }).catch((e: unknown) => e);
  expect(corrupt).toBeInstanceOf(CorruptDataError);
  expect((corrupt as Error).message).toContain(`${join(dataDir, "cosmos", "state.json")} is corrupted`);
  expect(readFileSync(join(dataDir, "cosmos", "state.json"), "utf8")).toBe("{ not json");
  expect(existsSync(join(dataDir, "lock"))).toBe(false);

  platform = await startLocalPlatform({ dataDir, port: 0, reset: true, pollIntervalMs: 200 });
});

afterAll(async () => {
  await platform?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("npm start (startLocalPlatform)", () => {
  it("trains, promotes and serves the demo model on the first start, and its example request works", async () => {
    const p = platform!;
    expect(p.model).toMatchObject({ name: "iris", trained: true });
    expect(p.model.version.version).toBe(1);
    expect(p.state.inferenceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.example.curl).toContain(`${p.state.inferenceUrl}/v2/models/iris/infer`);
    const { status, body } = await infer(p);
    expect(status).toBe(200);
    expect(body.model_version).toBe("1");
    expect(body.outputs.map((o) => o.name)).toEqual(["label", "probabilities"]);
    expect(JSON.parse(readFileSync(join(dataDir, "platform.json"), "utf8"))).toEqual(
      JSON.parse(JSON.stringify(p.state)),
    );
  });

  it("refuses a second start on the same data directory, naming the running pid", async () => {
    const error = await startLocalPlatform({ dataDir, port: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlreadyRunningError);
    expect((error as Error).message).toContain(`(pid ${process.pid})`);
  });

  it("`npx ai-platform status --json` finds the running platform, its endpoints, models and aliases", async () => {
    const { stdout } = await run(process.execPath, [cli, "status", "--json", "--data-dir", dataDir]);
    const status = JSON.parse(stdout);
    expect(status).toMatchObject({
      running: true,
      pid: process.pid,
      inferenceUrl: platform!.state.inferenceUrl,
      consoleUrl: platform!.state.consoleUrl,
      cosmos: { endpoint: platform!.state.connection.cosmos.endpoint, database: "ai-platform" },
      blob: { endpoint: platform!.state.connection.storage.blobEndpoint },
    });
    expect(status.consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sign-in\?token=[\w-]{32}$/);
    expect(status.models).toHaveLength(1);
    expect(status.models[0]).toMatchObject({ name: "iris", aliases: { production: 1 } });
    expect(status.models[0].versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [1, "production"],
    ]);
  });

  it("switches to a retrained, promoted version under continuous traffic with zero failed requests", async () => {
    const p = platform!;
    const conn = p.state.connection;
    const ingest = await ingestFile(conn, {
      file: changedDataset(),
      dataset: "iris",
      label: "species",
      id: "id",
      rejectedPath: join(root, "rejected.jsonl"),
    });
    expect([ingest.written, ingest.rejected]).toEqual([180, 0]);
    const trained = await trainModel(conn, { dataset: "iris", model: "iris", actor: "e2e" });
    expect(trained.version.version).toBe(2);
    expect(trained.version.dataset.rowCount).toBe(180);

    // Three clients send requests back to back for the whole switch; each records the versions it saw.
    const streams: string[][] = [[], [], []];
    const failures: string[] = [];
    let flowing!: () => void;
    const trafficFlows = new Promise<void>((resolve) => (flowing = resolve));
    const client = async (seen: string[]): Promise<void> => {
      // Ends once version 2 answered 20 requests in a row, or after 30 s.
      const deadline = Date.now() + 30_000;
      let streak = 0;
      while (Date.now() < deadline && streak < 20) {
        try {
          const { status, body } = await infer(p);
          if (status !== 200) failures.push(`HTTP ${status}: ${JSON.stringify(body)}`);
          else seen.push(body.model_version);
          streak = body.model_version === "2" ? streak + 1 : 0;
        } catch (error) {
          failures.push((error as Error).message);
        }
        if (streams.every((s) => s.length >= 3) || failures.length > 0) flowing();
      }
      flowing();
    };
    const traffic = Promise.all(streams.map(client));
    // Promote once traffic flows; the service follows the production alias by hot reload.
    await trafficFlows;
    // Forced: this checks the switch, not the promotion gate (covered in test/training).
    const promoted = await promoteModel(conn, { name: "iris", version: 2, actor: "e2e", force: true, reason: "e2e" });
    expect(promoted).toMatchObject({ promoted: true, version: 2, previous: 1 });
    await traffic;

    expect(failures).toEqual([]);
    for (const seen of streams) {
      // One switch per client, never back: every answer before it is v1, every answer from it on v2.
      const switchAt = seen.indexOf("2");
      expect(switchAt).toBeGreaterThanOrEqual(3);
      expect(seen.slice(0, switchAt).every((v) => v === "1")).toBe(true);
      expect(seen.slice(switchAt).every((v) => v === "2")).toBe(true);
    }
  });

  it("keeps serving through an outage of its Cosmos DB and Blob emulators, and the registry works again after", async () => {
    const p = platform!;
    const before = await infer(p);
    await p.emulators.cosmos.stop();
    await p.emulators.blob.stop();
    const during = await infer(p);
    expect(during.status).toBe(200);
    expect(during.body.model_version).toBe(before.body.model_version);
    await p.emulators.cosmos.start();
    await p.emulators.blob.start();
    const { stdout } = await run(process.execPath, [cli, "status", "--json", "--data-dir", dataDir]);
    expect(JSON.parse(stdout).models.map((m: { name: string }) => m.name)).toContain("iris");
    expect((await infer(p)).status).toBe(200);
  });

  it("stops everything and, started again, serves the same production model without training", async () => {
    const before = platform!;
    await before.stop();
    platform = undefined;
    expect([existsSync(join(dataDir, "platform.json")), existsSync(join(dataDir, "lock"))]).toEqual([false, false]);
    await expect(fetch(before.example.url, { method: "POST", body: "{}" })).rejects.toThrow();

    platform = await startLocalPlatform({ dataDir, port: 0, pollIntervalMs: 200 });
    expect(platform.model.trained).toBe(false);
    expect(platform.model.version.version).toBe(2);
    expect(platform.state.connection.storage.blobEndpoint).toBe(before.state.connection.storage.blobEndpoint);
    const { status, body } = await infer(platform);
    expect([status, body.model_version]).toEqual([200, "2"]);
  });
});

describe("npm start errors", () => {
  it("names a taken inference port and the flag to change it, and leaves nothing running", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const dir = join(root, "ports");
    try {
      const error = await startLocalPlatform({ dataDir: dir, port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toContain(`port ${port} (inference) is already in use on 127.0.0.1`);
      expect((error as Error).message).toContain("npm start -- --port <port>");
      expect(existsSync(join(dir, "lock"))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it("a cancelled start (Ctrl-C while starting) stops what already runs and releases the data directory", async () => {
    const dir = join(root, "cancelled");
    const cancel = new AbortController();
    const steps: string[] = [];
    const error = await startLocalPlatform({
      dataDir: dir,
      port: 0,
      signal: cancel.signal,
      progress: {
        step: async (title, work) => {
          steps.push(title);
          const result = await work();
          if (title.startsWith("Start Cosmos")) cancel.abort(new Error("start cancelled by SIGINT"));
          return result;
        },
        note: () => undefined,
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("start cancelled by SIGINT");
    expect(steps).toEqual(["Start Cosmos DB and Blob emulators"]);
    expect([existsSync(join(dir, "lock")), existsSync(join(dir, "platform.json"))]).toEqual([false, false]);
    // The emulators were stopped: their ports are free again.
    const ports = JSON.parse(readFileSync(join(dir, "ports.json"), "utf8")) as { cosmos: number; blob: number };
    expect(await Promise.all([isPortFree(ports.cosmos), isPortFree(ports.blob)])).toEqual([true, true]);
  });

  it("says which dataset file is missing on a first start", async () => {
    const dir = join(root, "missing");
    const error = await startLocalPlatform({
      dataDir: dir,
      port: 0,
      dataset: { name: "gone", file: join(root, "no-such-dataset.csv"), label: "y" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalPlatformError);
    expect((error as Error).message).toContain(`the dataset to train the first model on is missing: `);
    expect((error as Error).message).toContain("no-such-dataset.csv");
    expect([existsSync(join(dir, "lock")), existsSync(join(dir, "platform.json"))]).toEqual([false, false]);
  });
});
