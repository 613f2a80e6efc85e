/** The console's pure parts: reading the inference service's real metrics, configuration, escaping. */
import { createMetrics } from "@ai-platform/inference";
import { ConsoleConfigError, loadConsoleConfig, ratesBetween, sampleFromText } from "@ai-platform/console";
import { describe, expect, it } from "vitest";
import { html as h } from "../../console/src/html";

describe("sampleFromText", () => {
  it("reads requests, failures, latency, readiness, PSI and shadow agreement per version from the service's metrics", async () => {
    const m = createMetrics({ processMetrics: false });
    m.success.inc({ model: "iris", version: "3" }, 8);
    m.success.inc({ model: "iris", version: "4" }, 2);
    m.failure.inc({ model: "iris", version: "3", reason: "REJECTED" }, 1);
    m.requestDuration.observe({ model: "iris", version: "3" }, 1000);
    m.requestDuration.observe({ model: "iris", version: "3" }, 3000);
    m.modelReady.set({ model: "iris", version: "3" }, 1);
    m.featurePsi.set({ model: "iris", version: "3", feature: "petal_width" }, 0.3);
    m.shadow.inc({ model: "iris", version: "3", challenger: "4", result: "agree" }, 9);
    m.shadow.inc({ model: "iris", version: "3", challenger: "4", result: "disagree" }, 1);
    const sample = sampleFromText(await m.registry.metrics(), 10_000);
    expect(sample.models.iris?.["3"]).toEqual({
      ready: true,
      success: 8,
      failure: 1,
      durationSumUs: 4000,
      durationCount: 2,
      psi: { petal_width: 0.3 },
      shadow: { "4": { agree: 9, disagree: 1 } },
    });
    expect(sample.models.iris?.["4"]?.success).toBe(2);

    m.success.inc({ model: "iris", version: "3" }, 20);
    m.requestDuration.observe({ model: "iris", version: "3" }, 5000);
    const later = sampleFromText(await m.registry.metrics(), 12_000);
    expect(ratesBetween(sample, later).iris?.["3"]).toEqual({
      requestsPerSecond: 10,
      errorsPerSecond: 0,
      meanLatencyMs: 5,
    });
  });
});

describe("loadConsoleConfig", () => {
  const conn = {
    COSMOS_ENDPOINT: "https://a.documents.azure.com:443/",
    STORAGE_BLOB_ENDPOINT: "https://b.blob.core.windows.net/",
  };
  it("defaults to proxy access with the operator group, on loopback port 8081", () => {
    const c = loadConsoleConfig({ ...conn, CONSOLE_OPERATOR_GROUP: "0f6a5f2e-group" });
    expect([c.host, c.port, c.access, c.inferenceUrl, c.metricsIntervalMs]).toEqual([
      "127.0.0.1",
      8081,
      { kind: "proxy", operatorGroup: "0f6a5f2e-group" },
      undefined,
      15_000,
    ]);
    expect(Object.isFrozen(c)).toBe(true);
  });
  it("names every bad variable at once", () => {
    expect(() => loadConsoleConfig({ CONSOLE_PORT: "99999", CONSOLE_INFERENCE_URL: "ftp://x" })).toThrow(
      new ConsoleConfigError(
        'invalid console configuration: missing environment variable(s): COSMOS_ENDPOINT, STORAGE_BLOB_ENDPOINT; CONSOLE_OPERATOR_GROUP must name the Entra group whose members may act; CONSOLE_INFERENCE_URL must be an http(s) URL (got "ftp://x"); CONSOLE_PORT must be an integer in [0, 65535] (got "99999")',
      ),
    );
    expect(() => loadConsoleConfig({ ...conn, CONSOLE_AUTH: "token", CONSOLE_OPERATOR_TOKEN: "short" })).toThrow(
      "CONSOLE_OPERATOR_TOKEN must be at least 32 characters",
    );
  });
});

describe("html", () => {
  it("escapes every interpolated value and keeps nested fragments", () => {
    const name = `<script>alert("x")</script>`;
    const out = h`<td>${name}</td>${h`<b>${"a&b"}</b>`}${[1, 2]}${undefined}`;
    expect(out.value).toBe("<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td><b>a&amp;b</b>12");
  });
});
