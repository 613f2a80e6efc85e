import { describe, expect, it } from "vitest";
import { workloadPodSpec } from "../../components/kubernetes";
import { INFERENCE_IMAGE, restrictedViolations } from "./fixtures";

// The checker the component suites rely on must be able to fail.
describe("restrictedViolations", () => {
  const good = workloadPodSpec({
    containerName: "c",
    image: INFERENCE_IMAGE,
    env: [],
    serviceAccountName: "sa",
    gpu: {},
    resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
  }) as any;
  it("passes the builder's pod", () => expect(restrictedViolations(good)).toEqual([]));
  it("reports each weakened field", () => {
    const bad = structuredClone(good);
    const c = bad.containers[0];
    c.securityContext.allowPrivilegeEscalation = true;
    c.securityContext.readOnlyRootFilesystem = false;
    c.securityContext.capabilities = { drop: ["ALL"], add: ["NET_ADMIN"] };
    c.image = "docker.io/library/nginx:latest";
    delete c.resources.limits.memory;
    bad.tolerations = [];
    bad.volumes.push({ name: "h", hostPath: { path: "/" } });
    expect(restrictedViolations(bad, { longRunning: true })).toEqual([
      "hostPath volume h",
      "c: allowPrivilegeEscalation",
      "c: readOnlyRootFilesystem",
      "c: capabilities",
      "c: memory requests/limits",
      "c: image registry",
      "c: image not pinned by digest",
      "c: probes",
      "c: GPU without the GPU toleration",
    ]);
  });
});
