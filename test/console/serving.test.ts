/**
 * The serving view against a real inference service running a canary and a shadow: the console shows each version's
 * share of the traffic, the shadow's agreement with the primary, request counts and latency, all read from the
 * service's own `/metrics`. Runs without a browser.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConsole } from "@ai-platform/console";
import { loadConfig, startInferenceServer } from "@ai-platform/inference";
import { openRegistry, type PlatformConnection } from "@ai-platform/registry";
import { trainModel } from "@ai-platform/training";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { platformDatabaseId } from "../../components/data-layout";
import { createPlatformData, startAzurite, startCosmosEmulator } from "../../local/emulators";
import { exampleRequest, type ExampleRequest } from "../../local/example-request";
import { ensureProductionModel } from "../../local/model-bootstrap";
import { silentProgress } from "../../local/progress";

const dir = mkdtempSync(join(tmpdir(), "console-serving-"));
const stops: (() => Promise<unknown>)[] = [];
let app: FastifyInstance;
let example: ExampleRequest;

beforeAll(async () => {
  const cosmos = await startCosmosEmulator({ port: 0 });
  const azurite = await startAzurite({ port: 0, location: join(dir, "azurite") });
  stops.push(
    () => cosmos.stop(),
    () => azurite.stop(),
  );
  const connection: PlatformConnection = {
    cosmos: { endpoint: cosmos.endpoint, database: platformDatabaseId, key: cosmos.key },
    storage: { blobEndpoint: azurite.blobEndpoint, connectionString: azurite.connectionString },
  };
  await createPlatformData({ cosmos: { endpoint: cosmos.endpoint, key: cosmos.key }, storage: azurite });
  const model = await ensureProductionModel(connection, { progress: silentProgress, workDir: dir });
  await trainModel(connection, { dataset: "iris", model: "iris", actor: "test", seed: 7 });
  // v1 is production; the registry's split sends half the unversioned traffic to v2 (canary), and v2 also shadows
  // what v1 answers. The inference service follows the split.
  const { registry, close } = await openRegistry(connection);
  await registry.setTraffic("iris", { canary: { version: 2, weight: 0.5 }, shadow: { version: 2 } }, { actor: "test" });
  close();
  const server = await startInferenceServer(
    loadConfig({
      INFERENCE_MODELS: "iris@production",
      INFERENCE_POLL_INTERVAL_MS: "200",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "warn",
    }),
    { connection, waitForModels: true },
  );
  stops.unshift(() => server.close());
  example = exampleRequest(server.url, "iris", model.version.signature.inputs, model.sampleRow);
  app = await buildConsole({
    host: "127.0.0.1",
    port: 0,
    connection,
    inferenceUrl: server.url,
    metricsIntervalMs: 60_000,
    access: { kind: "proxy", operatorGroup: "44444444-4444-4444-a444-444444444444" },
    logLevel: "silent",
  });
  stops.unshift(() => app.close());
}, 180_000);

afterAll(async () => {
  for (const stop of stops) await stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The cells of the serving table's row for version `v`. */
function row(body: string, v: number): string[] {
  const tr = new RegExp(`<tr>\\s*<th scope="row">\\s*v${v}\\b[\\s\\S]*?</tr>`).exec(body)?.[0] ?? "";
  return [...tr.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => (m[1] ?? "").replace(/<[^>]+>/g, "").trim());
}

it("shows the canary's share of traffic and the shadow's agreement from the service's metrics", async () => {
  const n = 40;
  for (let i = 0; i < n; i++) {
    const response = await fetch(example.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(example.body),
    });
    expect(response.status).toBe(200);
  }
  let v1: string[] = [];
  let v2: string[] = [];
  // Shadow comparisons finish after the responses: wait until every request v1 answered was compared.
  await expect
    .poll(
      async () => {
        const page = await app.inject({ url: "/serving" });
        [v1, v2] = [row(page.body, 1), row(page.body, 2)];
        const served1 = Number(v1[5]);
        return served1 > 0 && new RegExp(`of ${served1}$`).test(v1[7] ?? "");
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  // Columns: ready, traffic share, requests/s, mean latency, errors/s, requests, failures, shadow agreement, max PSI.
  const [served1, served2] = [Number(v1[5]), Number(v2[5])];
  expect(served1 + served2).toBe(n);
  expect(served2).toBeGreaterThan(0);
  expect([v1[0], v2[0]]).toEqual(["yes", "yes"]);
  expect(Number.parseFloat(v1[1] ?? "") + Number.parseFloat(v2[1] ?? "")).toBeCloseTo(100, 0);
  expect(v1[7]).toMatch(new RegExp(`^v2: \\d+(\\.\\d)?% of ${served1}$`));
  expect(v1[3]).toMatch(/^\d+(\.\d+)? ms$/);
  expect([v1[6], v2[6]]).toEqual(["0", "0"]);
  const page = await app.inject({ url: "/serving" });
  expect(page.body.replace(/<[^>]+>/g, "").replace(/\s+/g, " ")).toContain(
    "Traffic split (registry): canary v2 at 50%; shadow v2.",
  );
});
