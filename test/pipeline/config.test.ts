// The controller container's configuration: defaults, and every bad or missing variable named at once.
import { describe, expect, it } from "vitest";
import { loadPipelineConfig } from "@ai-platform/pipeline";

const data = {
  COSMOS_ENDPOINT: "https://acct.documents.azure.com:443/",
  STORAGE_BLOB_ENDPOINT: "https://st.blob.core.windows.net",
};

describe("loadPipelineConfig", () => {
  it("reads the headless Service name and fills the documented defaults", () => {
    const config = loadPipelineConfig({
      ...data,
      PIPELINE_INFERENCE_HOST: "pipeline-inference.ai-platform.svc.cluster.local",
    });
    expect(config).toMatchObject({
      inferenceHost: "pipeline-inference.ai-platform.svc.cluster.local",
      inferencePort: 8080,
      intervalMs: 30_000,
      metricsPort: 9464,
      connection: { cosmos: { endpoint: data.COSMOS_ENDPOINT }, storage: { blobEndpoint: data.STORAGE_BLOB_ENDPOINT } },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names every bad or missing variable at once", () => {
    expect(() =>
      loadPipelineConfig({
        PIPELINE_INFERENCE_HOST: "Not A Host",
        PIPELINE_INFERENCE_PORT: "70000",
        PIPELINE_INTERVAL_SECONDS: "0",
      }),
    ).toThrow(
      /PIPELINE_INFERENCE_HOST: must be a DNS name; PIPELINE_INFERENCE_PORT: .*; PIPELINE_INTERVAL_SECONDS: .*; .*COSMOS_ENDPOINT, STORAGE_BLOB_ENDPOINT/,
    );
  });
});
