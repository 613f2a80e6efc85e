/**
 * Outputs the shared mocks (./mocks.ts) echo back unchanged but a real deployment
 * computes: image digests from BuildKit and ACR Tasks. Used by the plan and by the image tests.
 */
import * as crypto from "node:crypto";
import type { ExtraMockState } from "./mocks";

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** Outputs the shared mocks echo back unchanged where a real deployment computes them: image digests. */
export const extraState: ExtraMockState = (args) => {
  const inputs = args.inputs as { tags?: string[]; registryName?: string; runRequest?: { imageNames?: string[] } };
  if (args.type === "docker-build:index:Image") {
    const tag = String(inputs.tags?.[0] ?? `${args.name}:latest`);
    const digest = `sha256:${sha256(`image:${tag}`)}`;
    return { digest, ref: `${tag.replace(/:[^:/]+$/, "")}@${digest}` };
  }
  if (args.type === "azure-native:containerregistry:TaskRun") {
    const images = (inputs.runRequest?.imageNames ?? []).map((image) => {
      const [repository = image, tag = "latest"] = image.split(":");
      return {
        registry: `${inputs.registryName}.azurecr.io`,
        repository,
        tag,
        digest: `sha256:${sha256(`image:${image}`)}`,
      };
    });
    return { runResult: { status: "Succeeded", runType: "QuickRun", outputImages: images } };
  }
  return undefined;
};
