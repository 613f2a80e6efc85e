import { beforeEach, describe, expect, it } from "vitest";
import {
  GPU_DEVICE_PLUGIN_POLICY_EXEMPTION,
  GPU_OPERATOR_CHART_VERSION,
  GpuEnablement,
  NVIDIA_DEVICE_PLUGIN_IMAGE,
  PlatformNamespace,
} from "../../components/kubernetes";
import { installMocks, registered, settle, unwrap } from "../support/pulumi-mocks";
import { podSpecOf, validateAllUpstream } from "./schema";
import { countByType, kubernetesObjects, testProvider } from "./fixtures";

describe("PlatformNamespace", () => {
  beforeEach(async () => {
    await installMocks();
  });

  it("restricted Pod Security, default deny, DNS and HTTPS egress", async () => {
    const ns = new PlatformNamespace("ai", {}, { provider: testProvider() });
    expect(await unwrap(ns.namespaceName)).toBe("ai");
    await settle();
    const objects = kubernetesObjects();
    expect(countByType(objects)).toEqual({
      "kubernetes:core/v1:Namespace": 1,
      "kubernetes:networking.k8s.io/v1:NetworkPolicy": 3,
    });
    expect(validateAllUpstream(objects)).toBe(4);
    const [namespace] = registered("kubernetes:core/v1:Namespace");
    expect(namespace!.inputs.metadata).toEqual({
      name: "ai",
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "app.kubernetes.io/part-of": "ai-platform",
        "app.kubernetes.io/managed-by": "pulumi",
      },
    });
    // Registration order is not deterministic: compare by name.
    const policies = Object.fromEntries(
      registered("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => [p.inputs.metadata.name, p.inputs]),
    );
    expect(Object.keys(policies).sort()).toEqual(["allow-dns", "allow-https-egress", "default-deny"]);
    expect(Object.values(policies).map((p: any) => p.metadata.namespace)).toEqual(["ai", "ai", "ai"]);
    expect(policies["default-deny"].spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(policies["allow-dns"].spec.egress[0].ports).toEqual([
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
    expect(policies["allow-https-egress"].spec).toEqual({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
    });
  });

  it("tightened egress, or none", async () => {
    new PlatformNamespace(
      "ai",
      { namespaceName: "ml", httpsEgressCidrs: ["10.0.0.0/16"], podSecurityVersion: "v1.33" },
      { provider: testProvider() },
    );
    new PlatformNamespace("sealed", { httpsEgressCidrs: [] }, { provider: testProvider() });
    await settle();
    const names = registered("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .map((p) => `${p.inputs.metadata.namespace}/${p.inputs.metadata.name}`)
      .sort();
    expect(names).toEqual([
      "ml/allow-dns",
      "ml/allow-https-egress",
      "ml/default-deny",
      "sealed/allow-dns",
      "sealed/default-deny",
    ]);
    expect(
      registered("kubernetes:core/v1:Namespace")[0]!.inputs.metadata.labels[
        "pod-security.kubernetes.io/enforce-version"
      ],
    ).toBe("v1.33");
  });

  it.each([
    [{ namespaceName: "default" }, /^namespaceName must not be "default"/],
    [{ namespaceName: "AI" }, /^namespaceName \("AI"\) is not a valid namespace name/],
    [{ httpsEgressCidrs: ["*"] }, /^httpsEgressCidrs\[0\] \("\*"\)/],
  ])("rejects %j", (args, message) =>
    expect(() => new PlatformNamespace("ai", args, { provider: testProvider() })).toThrow(message),
  );
  it("refuses to run without an explicit provider", () =>
    expect(() => new PlatformNamespace("ai", {})).toThrow(/^PlatformNamespace needs opts.provider/));
});

describe("GpuEnablement", () => {
  beforeEach(async () => {
    await installMocks();
  });

  it("driver Install: the pinned device plugin DaemonSet on GPU nodes, in a privileged namespace of its own", async () => {
    const gpu = new GpuEnablement("gpu", { driver: "Install" }, { provider: testProvider() });
    expect(await unwrap(gpu.namespaceName)).toBe("gpu-resources");
    await settle();
    const objects = kubernetesObjects();
    expect(countByType(objects)).toEqual({ "kubernetes:core/v1:Namespace": 1, "kubernetes:apps/v1:DaemonSet": 1 });
    expect(validateAllUpstream(objects)).toBe(2);
    const [ns] = registered("kubernetes:core/v1:Namespace");
    expect(ns!.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    const [ds] = registered("kubernetes:apps/v1:DaemonSet");
    // The policy pack exempts the device plugin by this resource name.
    expect(ds!.name).toMatch(new RegExp(`^(?:${GPU_DEVICE_PLUGIN_POLICY_EXEMPTION})$`));
    const pod = podSpecOf(ds!);
    expect(pod.containers.map((c: any) => c.image)).toEqual([NVIDIA_DEVICE_PLUGIN_IMAGE]);
    expect(pod.nodeSelector).toEqual({ accelerator: "nvidia" });
    expect(pod.priorityClassName).toBe("system-node-critical");
    expect(pod.tolerations).toEqual([
      { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
      { key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" },
      { key: "CriticalAddonsOnly", operator: "Exists" },
    ]);
    expect(pod.volumes).toEqual([
      { name: "device-plugin", hostPath: { path: "/var/lib/kubelet/device-plugins", type: "Directory" } },
    ]);
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "100m", memory: "128Mi" },
    });
    expect(registered("kubernetes:helm.sh/v3:Release")).toEqual([]);
  });

  it("driver None: the GPU Operator chart, pinned, tolerating the GPU and spot taints", async () => {
    new GpuEnablement("gpu", { driver: "None" }, { provider: testProvider() });
    await settle();
    expect(countByType(kubernetesObjects())).toEqual({
      "kubernetes:core/v1:Namespace": 1,
      "kubernetes:helm.sh/v3:Release": 1,
    });
    const [release] = registered("kubernetes:helm.sh/v3:Release");
    expect(release!.inputs).toMatchObject({
      name: "gpu-operator",
      chart: "gpu-operator",
      version: GPU_OPERATOR_CHART_VERSION,
      namespace: "gpu-operator",
      repositoryOpts: { repo: "https://helm.ngc.nvidia.com/nvidia" },
      createNamespace: false,
      atomic: true,
    });
    expect(GPU_OPERATOR_CHART_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(release!.inputs.values.driver).toEqual({ enabled: true });
    expect(release!.inputs.values.daemonsets.tolerations.map((t: any) => t.key)).toEqual([
      "sku",
      "kubernetes.azure.com/scalesetpriority",
    ]);
    expect(registered("kubernetes:apps/v1:DaemonSet")).toEqual([]);
  });

  it.each([
    [{ driver: "Install", devicePluginImage: "nvcr.io/nvidia/k8s-device-plugin:latest" }, /^devicePluginImage \(/],
    [{ driver: "Auto" }, /^driver \("Auto"\) must be "Install" or "None"/],
    [{ driver: "None", namespaceName: "default" }, /^namespaceName must not be "default"/],
  ])("rejects %j", (args, message) =>
    expect(() => new GpuEnablement("gpu", args as any, { provider: testProvider() })).toThrow(message),
  );
});
