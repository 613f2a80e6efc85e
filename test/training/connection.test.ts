import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "../../services/training/src/platform.js";

describe("resolveConnection: flags, then environment, then the running local platform", () => {
  const dir = mkdtempSync(join(tmpdir(), "conn-"));
  const local = {
    cosmos: { endpoint: "https://127.0.0.1:9/", database: "ai-platform", key: "k" },
    storage: { blobEndpoint: "http://127.0.0.1:8/devstoreaccount1", connectionString: "cs" },
  };
  writeFileSync(join(dir, "platform.json"), JSON.stringify({ pid: 1, startedAt: "t", connection: local }));
  const empty = mkdtempSync(join(tmpdir(), "conn-empty-"));

  it.each([
    [
      "flags win",
      { cosmosEndpoint: "https://a/", blobEndpoint: "https://b/", dataDir: dir },
      { COSMOS_ENDPOINT: "https://env/", STORAGE_BLOB_ENDPOINT: "https://envb/" },
      { cosmos: { endpoint: "https://a/", database: "ai-platform" }, storage: { blobEndpoint: "https://b/" } },
    ],
    [
      "environment next",
      { dataDir: dir },
      { COSMOS_ENDPOINT: "https://env/", STORAGE_BLOB_ENDPOINT: "https://envb/", COSMOS_DATABASE: "db" },
      { cosmos: { endpoint: "https://env/", database: "db" }, storage: { blobEndpoint: "https://envb/" } },
    ],
    ["local platform last", { dataDir: dir }, {}, local],
  ])("%s", (_name, flags, env, expected) => {
    expect(resolveConnection(flags, env)).toEqual(expected);
  });

  it("names the missing flag, and says what to do when nothing is configured", () => {
    expect(() => resolveConnection({ cosmosEndpoint: "https://a/" }, {})).toThrow(
      "missing --blob-endpoint (give both endpoints, or neither)",
    );
    expect(() => resolveConnection({ dataDir: empty }, {})).toThrow(
      "run `npm start` (the local platform), or pass --cosmos-endpoint and --blob-endpoint",
    );
    expect(() => resolveConnection({ dataDir: empty }, { COSMOS_ENDPOINT: "https://x/" })).toThrow(
      "missing environment variable(s): STORAGE_BLOB_ENDPOINT",
    );
  });
});
