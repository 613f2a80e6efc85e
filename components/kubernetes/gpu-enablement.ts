/**
 * Makes GPUs schedulable (`nvidia.com/gpu`) on the cluster's GPU pools, matching the pools' driver mode:
 * - `driver: "Install"` (AKS installs the driver): the NVIDIA device plugin DaemonSet, pinned.
 * - `driver: "None"`: the NVIDIA GPU Operator Helm chart, pinned, which brings driver, toolkit,
 *   device plugin and DCGM exporter.
 * Both run in their own namespace at Pod Security level `privileged`: the device plugin needs the
 * kubelet's device-plugin socket directory (hostPath) and root. The policy pack exempts exactly these
 * names (`GPU_DEVICE_PLUGIN_POLICY_EXEMPTION`), never the platform namespaces.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { requireKubernetesProvider } from "./provider";
import { recommendedLabels, selectorLabels } from "./labels";
import { DEFAULT_GPU_NODE_SELECTOR, GPU_TOLERATION, SPOT_TOLERATION } from "./pod-spec";

/** NVIDIA device plugin image, pinned to an exact release (the version the AKS GPU docs use). */
export const NVIDIA_DEVICE_PLUGIN_IMAGE = "nvcr.io/nvidia/k8s-device-plugin:v0.18.0";
/** NVIDIA GPU Operator chart version, pinned. */
export const GPU_OPERATOR_CHART_VERSION = "v25.10.1";
/** NVIDIA's Helm repository. */
export const GPU_OPERATOR_REPO = "https://helm.ngc.nvidia.com/nvidia";
/**
 * Name pattern of the device plugin DaemonSet for the policy pack's `exemptions` (an anchored regular
 * expression matched against the whole Pulumi resource name): it runs as root with a hostPath by
 * necessity, has no health endpoint to probe, and (unless imported) comes from nvcr.io. Applies to the
 * exemptible rules `k8s-run-as-non-root`, `k8s-no-host-access`, `k8s-probes`, `k8s-images-from-allowed-registries`.
 */
export const GPU_DEVICE_PLUGIN_POLICY_EXEMPTION = ".*-nvidia-device-plugin";

/** Inputs of `GpuEnablement`. */
export interface GpuEnablementArgs {
  /** The GPU pools' `gpuProfile.driver`: `"Install"` → device plugin, `"None"` → GPU Operator. */
  driver: "Install" | "None";
  /** Namespace for the plugin or operator. Defaults to `"gpu-resources"` (device plugin) or `"gpu-operator"`. */
  namespaceName?: string;
  /**
   * Device plugin image, pinned by digest or an exact `vX.Y.Z` tag. Defaults to `NVIDIA_DEVICE_PLUGIN_IMAGE`;
   * pass the platform registry's copy (`az acr import`) where images may only come from ACR.
   */
  devicePluginImage?: string;
  /** GPU Operator chart version. Defaults to `GPU_OPERATOR_CHART_VERSION`. */
  gpuOperatorVersion?: string;
  /** Selector for the GPU nodes the DaemonSet runs on. Defaults to `{ accelerator: "nvidia" }`. */
  nodeSelector?: Record<string, string>;
  /** MIG strategy for the device plugin (`"none"`, `"single"`, `"mixed"`). Defaults to `"none"`. */
  migStrategy?: "none" | "single" | "mixed";
}

/** Throws naming `field` unless `image` is pinned by digest or an exact semantic version tag (never `latest`). */
export function assertPinnedVersionOrDigest(field: string, image: string): string {
  if (!/@sha256:[0-9a-f]{64}$/.test(image) && !/^[^@\s]+:v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(image)) {
    throw new Error(
      `${field} (${JSON.stringify(image)}) must be pinned by @sha256 digest or an exact version tag such as :v0.18.0`,
    );
  }
  return image;
}

/** Namespace labels for Pod Security level `privileged` (the device plugin's host access), audited and warned at `restricted`. */
export function privilegedNamespaceLabels(): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": "privileged",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
  };
}

/** The device plugin DaemonSet spec: GPU nodes only, tolerating GPU, spot and critical-addon taints. */
export function devicePluginDaemonSetSpec(
  image: string,
  nodeSelector: Record<string, string>,
  migStrategy: string,
): k8s.types.input.apps.v1.DaemonSetSpec {
  const ids = { name: "nvidia-device-plugin", instance: "nvidia-device-plugin" };
  const labels = recommendedLabels({ ...ids, component: "gpu-enablement" });
  return {
    selector: { matchLabels: selectorLabels(ids) },
    updateStrategy: { type: "RollingUpdate" },
    template: {
      metadata: { labels },
      spec: {
        priorityClassName: "system-node-critical",
        automountServiceAccountToken: false,
        nodeSelector: { ...nodeSelector },
        tolerations: [{ ...GPU_TOLERATION }, { ...SPOT_TOLERATION }, { key: "CriticalAddonsOnly", operator: "Exists" }],
        containers: [
          {
            name: "nvidia-device-plugin",
            image,
            env: [
              { name: "FAIL_ON_INIT_ERROR", value: "false" },
              { name: "MIG_STRATEGY", value: migStrategy },
            ],
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
            // Root is needed to create the socket in the kubelet's root-owned directory; nothing else is.
            securityContext: {
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
              seccompProfile: { type: "RuntimeDefault" },
            },
            volumeMounts: [{ name: "device-plugin", mountPath: "/var/lib/kubelet/device-plugins" }],
          },
        ],
        volumes: [{ name: "device-plugin", hostPath: { path: "/var/lib/kubelet/device-plugins", type: "Directory" } }],
      },
    },
  };
}

/** GPU enablement for the cluster: the device plugin or the GPU Operator, in its own namespace. */
export class GpuEnablement extends pulumi.ComponentResource {
  /** Namespace the plugin or operator runs in. */
  readonly namespaceName: pulumi.Output<string>;

  constructor(name: string, args: GpuEnablementArgs, opts?: pulumi.ComponentResourceOptions) {
    requireKubernetesProvider("GpuEnablement", opts);
    if (args.driver !== "Install" && args.driver !== "None")
      throw new Error(`driver (${JSON.stringify(args.driver)}) must be "Install" or "None"`);
    const operator = args.driver === "None";
    const nsName = args.namespaceName ?? (operator ? "gpu-operator" : "gpu-resources");
    if (nsName === "default") throw new Error(`namespaceName must not be "default"`);
    const image = assertPinnedVersionOrDigest(
      "devicePluginImage",
      args.devicePluginImage ?? NVIDIA_DEVICE_PLUGIN_IMAGE,
    );
    super("ai-platform:kubernetes:GpuEnablement", name, {}, opts);
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: nsName,
          labels: {
            ...privilegedNamespaceLabels(),
            "app.kubernetes.io/part-of": "ai-platform",
            "app.kubernetes.io/managed-by": "pulumi",
          },
        },
      },
      { parent: this },
    );
    this.namespaceName = ns.metadata.name;
    if (operator) {
      new k8s.helm.v3.Release(
        `${name}-gpu-operator`,
        {
          name: "gpu-operator",
          chart: "gpu-operator",
          version: args.gpuOperatorVersion ?? GPU_OPERATOR_CHART_VERSION,
          repositoryOpts: { repo: GPU_OPERATOR_REPO },
          namespace: this.namespaceName,
          createNamespace: false,
          atomic: true,
          timeout: 900,
          values: {
            // AKS ships containerd; the operator installs driver and toolkit on pools created with driver None.
            operator: { defaultRuntime: "containerd" },
            driver: { enabled: true },
            toolkit: { enabled: true },
            daemonsets: { tolerations: [{ ...GPU_TOLERATION }, { ...SPOT_TOLERATION }] },
            node_feature_discovery: { worker: { tolerations: [{ ...GPU_TOLERATION }, { ...SPOT_TOLERATION }] } },
          },
        },
        { parent: this },
      );
    } else {
      new k8s.apps.v1.DaemonSet(
        `${name}-nvidia-device-plugin`,
        {
          metadata: {
            name: "nvidia-device-plugin",
            namespace: this.namespaceName,
            labels: recommendedLabels({
              name: "nvidia-device-plugin",
              instance: "nvidia-device-plugin",
              component: "gpu-enablement",
            }),
          },
          spec: devicePluginDaemonSetSpec(
            image,
            args.nodeSelector ?? { ...DEFAULT_GPU_NODE_SELECTOR },
            args.migStrategy ?? "none",
          ),
        },
        { parent: this },
      );
    }
    this.registerOutputs({ namespaceName: this.namespaceName });
  }
}
