/**
 * The closed loop on the local platform, as `npm start` runs it: real emulators, real training, the real inference
 * service, and the pipeline controller with an injected clock (no test waits for a real window). One platform
 * serves every scenario in order: drift → retrain → gate → canary → promoted; a worse candidate stops at the
 * gate; a candidate that fails in the canary is rolled back while production answers every request; a controller
 * killed mid-rollout is taken over and the rollout completes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BlobServiceClient } from "@azure/storage-blob";
import {
  PipelineController,
  pipelineStatus,
  scrapeSignals,
  setPipelinePaused,
  setPipelinePolicy,
} from "@ai-platform/pipeline";
import { openRegistry, type RegistryEvent } from "@ai-platform/registry";
import { demoDataset, ingestFile } from "@ai-platform/training";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalPlatform, type RunningPlatform } from "../../local/platform";

const run = promisify(execFile);
const cli = join(__dirname, "..", "..", "cli", "ai-platform.mjs");
const root = mkdtempSync(join(tmpdir(), "closed-loop-"));
const minute = 60_000;
let now = Date.UTC(2026, 0, 1);
const clock = (): number => now;
let platform: RunningPlatform;

const policy = `
data: { dataset: iris, label: species, algorithm: logistic, seed: 42 }
triggers:
  newData: { minNewRows: 40 }
  drift: { psiThreshold: 0.25, window: 10m, minRows: 50 }
gate: { metric: accuracy, margin: 0 }
rollout:
  steps: [{ weight: 0.5, duration: 5m }, { weight: 1, duration: 5m }]
  shadow: true
  minRequests: 5
  abort: { maxErrorRate: 0.01, maxP99LatencyMs: 2000 }
guardrails: { cooldown: 1h, stuckAfter: 30m }
`;

/** The demo dataset with every feature moved by `delta` (same ids: the rows are replaced), plus `extra` rows. */
function irisFile(name: string, delta: number, extra: string[] = []): string {
  const [header, ...rows] = readFileSync(demoDataset.file, "utf8").trim().split("\n");
  const shifted = rows.map((line) => {
    const [id, ...cells] = line.split(",");
    const label = cells.pop();
    return [id, ...cells.map((c) => (Number(c) + delta).toFixed(2)), label].join(",");
  });
  const file = join(root, `${name}.csv`);
  writeFileSync(file, [header, ...shifted, ...extra].join("\n") + "\n");
  return file;
}

async function ingest(file: string): Promise<void> {
  const s = await ingestFile(platform.state.connection, { file, dataset: "iris", label: "species", id: "id" });
  expect(s.rejected).toBe(0);
}

/** The demo rows' features moved by `delta`, as model input rows. */
function shiftedRows(delta: number, count: number): number[][] {
  const rows = readFileSync(demoDataset.file, "utf8").trim().split("\n").slice(1);
  return Array.from({ length: count }, (_, i) =>
    (rows[(i * 7) % rows.length] as string)
      .split(",")
      .slice(1, 5)
      .map((c) => Number(c) + delta),
  );
}

/** One unversioned (or versioned) inference request; returns the HTTP status and the answering version. */
async function infer(
  rows: number[][],
  id: string,
  version?: number,
): Promise<{ status: number; version?: string; error?: string }> {
  // One input per feature, each a column of the rows (the training service's ONNX signature).
  const inputs = platform.model.version.signature.inputs.map((input, f) => ({
    name: input.name,
    shape: [rows.length],
    datatype: input.datatype,
    data: rows.map((r) => r[f]),
  }));
  const path = version === undefined ? "" : `/versions/${version}`;
  const response = await fetch(`${platform.state.inferenceUrl}/v2/models/iris${path}/infer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ id, inputs }),
  });
  const body = (await response.json()) as { model_version?: string; error?: string };
  return {
    status: response.status,
    ...(body.model_version ? { version: body.model_version } : {}),
    ...(body.error ? { error: body.error } : {}),
  };
}

/** 60 single-row requests with features moved by `delta`: enough rows for the drift window's `minRows`. */
async function sendShifted(delta: number, prefix: string): Promise<void> {
  const rows = shiftedRows(delta, 60);
  for (const [i, row] of rows.entries()) expect(await infer([row], `${prefix}-${i}`)).toMatchObject({ status: 200 });
}

/** Polls `check` until it holds (the inference service follows the registry on its 200 ms poll). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let probes = 0;
/** True once 10 unversioned requests with fresh ids are all answered by `version` (a canary at weight 1). */
const servedOnlyBy = (version: number, delta: number) => async () => {
  for (let i = 0; i < 10; i++)
    if ((await infer(shiftedRows(delta, 1), `probe-${probes++}`)).version !== String(version)) return false;
  return true;
};

const versionReady = (v: number) => async () =>
  (await fetch(`${platform.state.inferenceUrl}/v2/models/iris/versions/${v}/ready`)).status === 200;

async function registryState() {
  const { registry, close } = await openRegistry(platform.state.connection);
  try {
    const [{ aliases }, traffic, history, versions] = await Promise.all([
      registry.getAliases("iris"),
      registry.getTraffic("iris"),
      registry.history("iris"),
      registry.listVersions("iris"),
    ]);
    return { aliases, traffic, history, versions };
  } finally {
    close();
  }
}

const decisions = (history: RegistryEvent[], runId: string | undefined) =>
  history.filter((e) => e.action === "pipeline" && e.runId === runId).map((e) => e.decision);

function runIdOf(doc: { phase: { kind: string } }): string | undefined {
  return "runId" in doc.phase ? (doc.phase as { runId: string }).runId : undefined;
}

beforeAll(async () => {
  platform = await startLocalPlatform({
    dataDir: join(root, ".platform"),
    port: 0,
    consolePort: 0,
    reset: true,
    pollIntervalMs: 200,
    // The loop runs when the test says so, on the test's clock.
    pipeline: { intervalMs: 3_600_000, clock },
  });
  await setPipelinePolicy(platform.state.connection, "iris", policy, { actor: "test" });
});

afterAll(async () => {
  await platform?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("the closed loop on the local platform", () => {
  it("npm start gives the demo model the example policy and runs the controller", async () => {
    const s = await pipelineStatus(platform.state.connection, "iris");
    expect(s.doc.phase).toEqual({ kind: "idle" });
    expect(s.production).toBe(1);
    expect(s.history.filter((e) => e.decision === "policy-set").map((e) => e.actor)).toEqual(["npm-start", "test"]);
    expect(platform.pipeline).toBeInstanceOf(PipelineController);
  });

  it("shifted data and shifted traffic: drift → retrain → gate → canary → promoted by itself", async () => {
    await ingest(irisFile("shift-3", 3));
    await sendShifted(3, "drift");

    let doc = await platform.pipeline.reconcileModel("iris");
    expect(doc?.phase).toEqual({ kind: "idle" });
    expect(doc?.driftSince).toBe(now); // above the threshold, the window starts

    now += 11 * minute;
    doc = await platform.pipeline.reconcileModel("iris");
    expect(doc?.phase).toMatchObject({ kind: "canary", candidate: 2, production: 1, step: 0 });
    const runId = runIdOf(doc!);
    let state = await registryState();
    expect(state.traffic).toEqual({ canary: { version: 2, weight: 0.5 }, shadow: { version: 2 } });
    const triggered = state.history.find((e) => e.runId === runId && e.decision === "triggered")!;
    expect(triggered.figures).toMatchObject({ trigger: "drift", psiThreshold: 0.25, aboveForSeconds: 660 });
    expect(triggered.figures!.psi).toBeGreaterThan(0.25);
    const gate = state.history.find((e) => e.runId === runId && e.decision === "gate-passed")!;
    expect(gate.figures).toMatchObject({ metric: "accuracy", candidate: 2, production: 1 });
    expect(gate.figures!.candidateValue).toBeGreaterThan(gate.figures!.productionValue as number);

    await until("the canary to load", versionReady(2));
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await infer(shiftedRows(3, 1), `step1-${i}`);
      expect(r.status).toBe(200);
      answers.push(r.version!);
    }
    expect(answers.filter((v) => v === "2").length).toBeGreaterThanOrEqual(5);
    expect(answers.filter((v) => v === "1").length).toBeGreaterThanOrEqual(5);

    now += 6 * minute;
    doc = await platform.pipeline.reconcileModel("iris");
    expect(doc?.phase).toMatchObject({ kind: "canary", step: 1 });
    await until("weight 1 to reach the service", servedOnlyBy(2, 3));
    for (let i = 0; i < 10; i++)
      expect(await infer(shiftedRows(3, 1), `step2-${i}`)).toEqual({ status: 200, version: "2" });

    now += 6 * minute;
    doc = await platform.pipeline.reconcileModel("iris");
    expect(doc?.phase).toEqual({ kind: "idle" });
    expect(doc?.runs.at(-1)).toMatchObject({
      runId,
      trigger: "drift",
      candidate: 2,
      outcome: "promoted",
      detail: "@2 is production (was @1)",
    });
    state = await registryState();
    expect(state.aliases.production).toBe(2);
    expect(state.traffic).toEqual({});
    expect(state.versions.map((v) => [v.version, v.status])).toEqual([
      [1, "archived"],
      [2, "production"],
    ]);
    expect(decisions(state.history, runId)).toEqual([
      "triggered",
      "trained",
      "gate-passed",
      "canary-step-passed",
      "canary-step-passed",
      "promoted",
    ]);
    const steps = state.history.filter((e) => e.runId === runId && e.decision === "canary-step-passed");
    expect(steps.map((e) => e.figures?.weight)).toEqual([0.5, 1]);
    expect(steps.every((e) => (e.figures?.requests as number) >= 5 && e.figures?.errorRate === 0)).toBe(true);
    await until("production v2 to serve", async () => (await infer(shiftedRows(3, 1), "after")).version === "2");
  });

  it("a worse candidate stops at the gate and production stays", async () => {
    // 60 new rows whose labels contradict their features: the retrained model learns noise.
    const labels = ["setosa", "versicolor", "virginica"];
    const noise = shiftedRows(3, 60).map(
      (r, i) =>
        `noise-${String(i).padStart(3, "0")},${r.map((x) => x.toFixed(2)).join(",")},${labels[(i * 5 + 1) % 3]}`,
    );
    await ingest(irisFile("shift-3-noise", 3, noise));
    const { createDatasetVersion } = await import("@ai-platform/training");
    await createDatasetVersion(platform.state.connection, "iris", { actor: "test" });

    now += 6 * minute; // the last pass's lease is still ours; any time works
    const doc = await platform.pipeline.reconcileModel("iris");
    expect(doc?.phase).toEqual({ kind: "idle" });
    const run = doc!.runs.at(-1)!;
    expect(run).toMatchObject({ trigger: "new-data", candidate: 3, outcome: "gate-failed" });
    expect(doc?.cooldownUntil).toBe(now + 60 * minute);
    const state = await registryState();
    expect(state.aliases.production).toBe(2);
    expect(state.traffic).toEqual({});
    expect(decisions(state.history, run.runId)).toEqual(["triggered", "trained", "gate-failed"]);
    const failed = state.history.find((e) => e.runId === run.runId && e.decision === "gate-failed")!;
    expect(failed.figures!.improvement).toBeLessThan(0);
    expect(failed.figures).toMatchObject({ production: 2, candidate: 3, metric: "accuracy" });

    // Inside the cool-down nothing starts, whatever the signals say.
    now += 30 * minute;
    expect((await platform.pipeline.reconcileModel("iris"))?.runs).toHaveLength(doc!.runs.length);
  });

  it("a candidate that fails in the canary is rolled back; production answers every request", async () => {
    now += 31 * minute; // past the cool-down
    const controller = await PipelineController.open({
      connection: platform.state.connection,
      signals: scrapeSignals(() => [platform.state.inferenceUrl]),
      clock,
      holder: "one-decision-at-a-time",
      decisionsPerPass: 1,
    });
    try {
      now += 6 * minute; // the platform controller's lease has expired
      await ingest(irisFile("shift-6", 6));
      await sendShifted(6, "drift6");
      await controller.reconcileModel("iris"); // the drift window starts
      now += 11 * minute;
      expect((await controller.reconcileModel("iris"))?.phase.kind).toBe("training");
      expect((await controller.reconcileModel("iris"))?.phase.kind).toBe("gating");
      const doc = await controller.reconcileModel("iris");
      expect(doc?.phase).toMatchObject({ kind: "canary", step: 0, production: 2 });
      const candidate = (doc!.phase as { candidate: number }).candidate;

      // The candidate's artifact is damaged in storage after the gate: the inference service refuses to load it.
      const { registry, close } = await openRegistry(platform.state.connection);
      const record = (await registry.getVersion("iris", candidate))!;
      close();
      const blob = BlobServiceClient.fromConnectionString(platform.state.connection.storage.connectionString!);
      const path = decodeURIComponent(new URL(record.artifact.uri).pathname).split("/").slice(3).join("/");
      await blob.getContainerClient("models").getBlockBlobClient(path).upload("not onnx", 8);

      const statuses: number[] = [];
      let sending = true;
      const traffic = (async () => {
        for (let i = 0; sending; i++) statuses.push((await infer(shiftedRows(6, 1), `during-${i}`)).status);
      })();
      await controller.reconcileModel("iris"); // sets the canary's traffic
      expect((await registryState()).traffic).toEqual({
        canary: { version: candidate, weight: 0.5 },
        shadow: { version: candidate },
      });
      let after = doc;
      await until("the failed load to show and the rollback to happen", async () => {
        now += minute;
        after = await controller.reconcileModel("iris");
        if (after?.phase.kind === "rolling-back") after = await controller.reconcileModel("iris");
        return after?.phase.kind === "idle";
      });
      sending = false;
      await traffic;
      expect(after?.runs.at(-1)).toMatchObject({ candidate, outcome: "rolled-back" });
      expect(after?.runs.at(-1)?.detail).toContain("failed to load");
      expect(after?.cooldownUntil).toBe(now + 60 * minute); // no new run for the policy's cool-down
      const state = await registryState();
      expect(state.aliases.production).toBe(2);
      expect(state.traffic).toEqual({});
      const rolledBack = state.history.find((e) => e.runId === runIdOf(doc!) && e.decision === "rolled-back")!;
      expect(rolledBack.figures).toMatchObject({ loadFailures: 1, candidate, production: 2 });
      expect(statuses.length).toBeGreaterThan(10);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect((await infer(shiftedRows(6, 1), "after-rollback")).version).toBe("2");
    } finally {
      await controller.stop();
    }
  });

  it("pause holds every decision; a controller killed mid-rollout is taken over and the rollout completes", async () => {
    now += 61 * minute; // past the cool-down
    const first = await PipelineController.open({
      connection: platform.state.connection,
      signals: scrapeSignals(() => [platform.state.inferenceUrl]),
      clock,
      holder: "killed",
    });
    await ingest(irisFile("shift-9", 9));
    await sendShifted(9, "drift9");
    await setPipelinePaused(platform.state.connection, "iris", true, { actor: "test", reason: "maintenance" });
    await first.reconcileModel("iris");
    now += 11 * minute;
    expect((await first.reconcileModel("iris"))?.driftSince).toBeUndefined(); // paused: not even bookkeeping
    await setPipelinePaused(platform.state.connection, "iris", false, { actor: "test" });
    await first.reconcileModel("iris");
    now += 11 * minute;
    const doc = await first.reconcileModel("iris");
    expect(doc?.phase).toMatchObject({ kind: "canary", step: 0, production: 2 });
    const candidate = (doc!.phase as { candidate: number }).candidate;
    now += 36 * minute; // no request reaches the canary: the step cannot pass, and after 5 + 30 min it is stuck
    expect((await first.reconcileModel("iris"))?.stuck).toBe(true);
    expect(await first.metrics.registry.getSingleMetricAsString("ai_platform_pipeline_rollout_stuck")).toContain(
      'ai_platform_pipeline_rollout_stuck{model="iris"} 1',
    );
    // "killed": the first controller never runs again and never hands back its lease.

    const second = await PipelineController.open({
      connection: platform.state.connection,
      signals: scrapeSignals(() => [platform.state.inferenceUrl]),
      clock,
      holder: "successor",
    });
    try {
      expect((await second.reconcileModel("iris"))?.lease?.holder).toBe("killed"); // the lease still holds
      await until("the canary to load", versionReady(candidate));
      for (let i = 0; i < 30; i++) expect((await infer(shiftedRows(9, 1), `k-${i}`)).status).toBe(200);
      now += 6 * minute; // the lease (5 min) has expired
      let after = await second.reconcileModel("iris");
      expect(after?.lease?.holder).toBe("successor");
      expect(after?.phase).toMatchObject({ kind: "canary", step: 1, candidate });
      await until("weight 1", servedOnlyBy(candidate, 9));
      for (let i = 0; i < 10; i++) expect((await infer(shiftedRows(9, 1), `k2-${i}`)).status).toBe(200);
      now += 6 * minute;
      after = await second.reconcileModel("iris");
      expect(after?.runs.at(-1)).toMatchObject({ runId: runIdOf(doc!), candidate, outcome: "promoted" });
      const state = await registryState();
      expect(state.aliases.production).toBe(candidate);
      expect(state.versions.filter((v) => v.status === "production").map((v) => v.version)).toEqual([candidate]);
      const resumed = state.history.find((e) => e.runId === runIdOf(doc!) && e.decision === "resumed")!;
      expect(resumed.figures).toEqual({ previousHolder: "killed", phase: "canary" });
      expect(resumed.actor).toBe("pipeline-controller/successor");
      expect(state.history.some((e) => e.decision === "paused" && e.reason === "maintenance")).toBe(true);
      expect(after?.stuck).toBe(false);
      expect(await second.metrics.registry.getSingleMetricAsString("ai_platform_pipeline_rollout_stuck")).toContain(
        'ai_platform_pipeline_rollout_stuck{model="iris"} 0',
      );
    } finally {
      await second.stop();
    }
  });

  it("npx ai-platform pipeline status shows the state and every run; pipeline set refuses a bad file", async () => {
    const dataDir = join(root, ".platform");
    const { stdout } = await run(process.execPath, [cli, "pipeline", "status", "iris", "--data-dir", dataDir]);
    const s = await pipelineStatus(platform.state.connection, "iris");
    expect(stdout).toContain(`iris: idle`);
    expect(stdout).toContain(`production @${s.production}; all traffic to production`);
    for (const outcome of ["promoted", "gate-failed", "rolled-back"]) expect(stdout).toContain(`→ ${outcome}`);
    expect(stdout).toMatch(/pipeline-controller\/successor {2}promoted/);

    const bad = join(root, "bad.yaml");
    writeFileSync(bad, policy.replace("weight: 0.5", "weight: 5"));
    const failed = await run(process.execPath, [
      cli,
      "pipeline",
      "set",
      "iris",
      "--file",
      bad,
      "--data-dir",
      dataDir,
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain(`${bad} is not a valid pipeline policy:`);
    expect((failed as { stderr: string }).stderr).toContain("rollout.steps.0.weight: Too big");
    expect((await pipelineStatus(platform.state.connection, "iris")).doc.policy.source).toBe(policy);
  });

  it("a production moved by hand during a rollout stands: the run ends without promoting and clears its traffic", async () => {
    now += 61 * minute; // past any cool-down; the successor handed back its lease
    const controller = await PipelineController.open({
      connection: platform.state.connection,
      signals: scrapeSignals(() => [platform.state.inferenceUrl]),
      clock,
      holder: "hands-off",
    });
    try {
      await ingest(irisFile("shift-12", 12));
      await sendShifted(12, "drift12");
      await controller.reconcileModel("iris");
      now += 11 * minute;
      const doc = await controller.reconcileModel("iris");
      expect(doc?.phase).toMatchObject({ kind: "canary", step: 0 });
      const { production, candidate } = doc!.phase as { production: number; candidate: number };
      const { registry, close } = await openRegistry(platform.state.connection);
      try {
        await registry.setAlias("iris", "production", 2, { actor: "operator", reason: "by hand" });
      } finally {
        close();
      }
      const after = await controller.reconcileModel("iris");
      expect(after?.runs.at(-1)).toMatchObject({ candidate, outcome: "rolled-back" });
      expect(after?.runs.at(-1)?.detail).toBe(`production moved outside the pipeline (@${production} → @2)`);
      const state = await registryState();
      expect(state.aliases.production).toBe(2);
      expect(state.traffic).toEqual({});
      expect(state.versions.filter((v) => v.status === "production").map((v) => v.version)).toEqual([2]);
    } finally {
      await controller.stop();
    }
  });
});
