import { describe, expect, it } from "vitest";
import { readyMessage } from "../../local/cli";
import { dataDirLayout } from "../../local/data-dir";
import { exampleRequest } from "../../local/example-request";
import type { RunningPlatform } from "../../local/platform";

describe("readyMessage", () => {
  it("says what runs where, how long it took, and the curl to paste", () => {
    const example = exampleRequest(
      "http://127.0.0.1:8080",
      "iris",
      [{ name: "features", datatype: "FP32", shape: [-1, 4] }],
      [5.1, 3.5, 1.4, 0.2],
    );
    const platform = {
      state: {
        pid: 1,
        startedAt: "",
        inferenceUrl: "http://127.0.0.1:8080",
        consoleUrl: "http://127.0.0.1:8081/sign-in?token=t",
        connection: {
          cosmos: { endpoint: "https://127.0.0.1:9001/", database: "ai-platform", key: "k" },
          storage: { blobEndpoint: "http://127.0.0.1:9002/devstoreaccount1", connectionString: "c" },
        },
      },
      layout: dataDirLayout("/repo/.platform"),
      model: { name: "iris", version: { version: 3 }, trained: false, sampleRow: [] },
      example,
      readyMs: 2345,
      stop: () => Promise.resolve(),
    } as unknown as RunningPlatform;
    const lines = readyMessage(platform).split("\n");
    expect(lines[1]).toMatch(
      /^The AI platform runs on this machine: ready in 2\.3s \(\d+\.\ds since the command started; existing production model, no training\)\.$/,
    );
    expect(lines.slice(2, 7)).toEqual([
      "  Inference   http://127.0.0.1:8080   Open Inference Protocol v2; serving iris@production = v3",
      "  Console     http://127.0.0.1:8081/sign-in?token=t   open it to see models, data and serving, and to promote (the link signs you in)",
      "  Cosmos DB   https://127.0.0.1:9001/   emulator, database ai-platform",
      "  Blob        http://127.0.0.1:9002/devstoreaccount1   Azurite",
      "  Data        /repo/.platform",
    ]);
    expect(lines).toContain(`  ${example.curl}`);
    expect(lines).toContain("Press Ctrl-C to stop.");
  });
});
