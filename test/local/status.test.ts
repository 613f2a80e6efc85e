import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatStatus, localStatus, type LocalStatus } from "../../local/status";

const root = mkdtempSync(join(tmpdir(), "status-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("status", () => {
  it("says how to start when nothing runs on the data directory", async () => {
    const status = await localStatus(join(root, "none"));
    expect(status).toEqual({ running: false, dataDir: join(root, "none"), models: [] });
    expect(formatStatus(status)).toBe(
      `The local platform is not running on ${join(root, "none")}.\nStart it with: npm start`,
    );
  });

  it("lists endpoints, models, versions and aliases of a running platform", () => {
    const status: LocalStatus = {
      running: true,
      dataDir: "/d",
      pid: 42,
      startedAt: "2026-01-01T00:00:00.000Z",
      inferenceUrl: "http://127.0.0.1:8080",
      consoleUrl: "http://127.0.0.1:8081/sign-in?token=t",
      cosmos: { endpoint: "https://127.0.0.1:1/", database: "ai-platform" },
      blob: { endpoint: "http://127.0.0.1:2/devstoreaccount1" },
      models: [
        {
          name: "iris",
          aliases: { production: 2 },
          versions: [
            { version: 1, status: "archived", createdAt: "", algorithm: "logistic", metrics: { accuracy: 0.933333 } },
            { version: 2, status: "production", createdAt: "", algorithm: "mlp", metrics: { accuracy: 1 } },
          ],
        },
      ],
    };
    expect(formatStatus(status).split("\n")).toEqual([
      "Local platform (pid 42, since 2026-01-01T00:00:00.000Z), data in /d",
      "  Inference   http://127.0.0.1:8080",
      "  Console     http://127.0.0.1:8081/sign-in?token=t",
      "  Cosmos DB   https://127.0.0.1:1/ (database ai-platform)",
      "  Blob        http://127.0.0.1:2/devstoreaccount1",
      "  Model       iris: 2 version(s); production→v2",
      "    v1  archived   logistic accuracy=0.9333",
      "    v2  production mlp accuracy=1",
    ]);
  });
});
