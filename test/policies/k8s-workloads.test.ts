import { describe, expect, it } from "vitest";
import { fromRegistry, parseImage } from "../../policies/lib/images";
import { mutate, rule, runRule, UNKNOWN } from "../support/policy-harness";
import { compliant, POD_SPEC_PATH, WORKLOADS } from "./fixtures";
import { mutationCases, type Mutation } from "./mutations";

const DEPLOY = "kubernetes:apps/v1:Deployment";
const JOB = "kubernetes:batch/v1:Job";
const SVC = "kubernetes:core/v1:Service";
const c0 = "containers[0]";

/** The same mutation of the pod spec, for every workload kind. */
function onEveryKind(name: string, podPath: string, value: unknown, problem: string): Mutation[] {
  return WORKLOADS.map((t) => [name, t, `${POD_SPEC_PATH[t]}.${podPath}`, value, problem] as Mutation);
}

describe("Kubernetes pod rules on every workload kind", () => {
  mutationCases([
    ...onEveryKind(
      "k8s-resource-limits",
      `${c0}.resources.limits.memory`,
      undefined,
      'container "server" has no resources.limits.memory.',
    ),
    ...onEveryKind(
      "k8s-run-as-non-root",
      `${c0}.securityContext.runAsNonRoot`,
      false,
      'container "server" does not set runAsNonRoot: true (neither the container nor the pod does).',
    ),
    ...onEveryKind(
      "k8s-no-privilege-escalation",
      `${c0}.securityContext.allowPrivilegeEscalation`,
      true,
      'container "server" has allowPrivilegeEscalation true.',
    ),
    ...onEveryKind("k8s-no-privileged", `${c0}.securityContext.privileged`, true, 'container "server" is privileged.'),
    ...onEveryKind("k8s-no-privileged", "hostNetwork", true, "the pod sets hostNetwork: true."),
    ...onEveryKind(
      "k8s-no-host-access",
      "volumes[0]",
      { name: "sock", hostPath: { path: "/var/run" } },
      'volume "sock" mounts hostPath /var/run.',
    ),
    ...onEveryKind("k8s-no-host-access", `${c0}.ports[0].hostPort`, 8080, 'container "server" binds hostPort 8080.'),
    ...onEveryKind(
      "k8s-drop-all-capabilities",
      `${c0}.securityContext.capabilities.drop`,
      ["NET_RAW"],
      'container "server" does not drop ALL capabilities.',
    ),
    ...onEveryKind(
      "k8s-drop-all-capabilities",
      `${c0}.securityContext.capabilities.add`,
      ["SYS_ADMIN"],
      'container "server" adds capabilities SYS_ADMIN.',
    ),
    ...onEveryKind(
      "k8s-seccomp-runtime-default",
      `${c0}.securityContext.seccompProfile.type`,
      "Unconfined",
      'container "server" runs with seccomp profile "Unconfined".',
    ),
    ...onEveryKind(
      "k8s-read-only-root-fs",
      `${c0}.securityContext.readOnlyRootFilesystem`,
      false,
      'container "server" has readOnlyRootFilesystem false.',
    ),
    ...onEveryKind(
      "k8s-images-from-allowed-registries",
      `${c0}.image`,
      "docker.io/library/nginx:1.27.0",
      'container "server" uses image "docker.io/library/nginx:1.27.0", which is not from *.azurecr.io.',
    ),
    ...onEveryKind(
      "k8s-image-no-latest",
      `${c0}.image`,
      "aiplatformacr.azurecr.io/inference:latest",
      'container "server" uses image "aiplatformacr.azurecr.io/inference:latest" with the latest tag.',
    ),
    ...onEveryKind(
      "k8s-image-no-latest",
      `${c0}.image`,
      "aiplatformacr.azurecr.io:5000/inference",
      'container "server" uses image "aiplatformacr.azurecr.io:5000/inference" without a tag or digest (implicitly latest).',
    ),
    ...onEveryKind(
      "k8s-gpu-request-requires-toleration",
      "tolerations",
      [],
      'container "server" request nvidia.com/gpu but the pod does not tolerate sku=gpu:NoSchedule.',
    ),
    ...onEveryKind(
      "k8s-gpu-request-requires-toleration",
      "tolerations[0].value",
      "cpu",
      'container "server" request nvidia.com/gpu but the pod does not tolerate sku=gpu:NoSchedule.',
    ),
    // Long-running kinds only.
    [
      "k8s-probes",
      DEPLOY,
      "spec.template.spec.containers[0].readinessProbe",
      undefined,
      'container "server" has no readinessProbe.',
    ],
    [
      "k8s-probes",
      "kubernetes:apps/v1:DaemonSet",
      "spec.template.spec.containers[0].livenessProbe",
      undefined,
      'container "server" has no livenessProbe.',
    ],
    ["k8s-no-default-namespace", DEPLOY, "metadata.namespace", "default", 'metadata.namespace is "default".'],
    ["k8s-no-default-namespace", SVC, "metadata.namespace", undefined, "metadata.namespace is unset (default)."],
    [
      "k8s-service-not-public",
      SVC,
      "spec.type",
      "LoadBalancer",
      "spec.type is LoadBalancer without the internal annotation, so Azure creates a public IP.",
    ],
    [
      "k8s-service-not-public",
      SVC,
      "spec.type",
      "NodePort",
      "spec.type is NodePort, which opens a port on every node.",
    ],
  ] satisfies Mutation[]);

  it("checks init containers too", async () => {
    const props = mutate(
      compliant[DEPLOY]!,
      "spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation",
      undefined,
    );
    const run = await runRule(rule("k8s-no-privilege-escalation"), DEPLOY, props);
    expect(run.violations.map((m) => m.slice(0, m.indexOf(" Fix:")))).toEqual([
      'initContainer "fetch-model" has allowPrivilegeEscalation unset.',
    ]);
  });

  it("lets a container override the pod security context (runAsUser 0 wins over the pod's non-root)", async () => {
    const props = mutate(compliant[DEPLOY]!, "spec.template.spec.containers[0].securityContext.runAsUser", 0);
    const run = await runRule(rule("k8s-run-as-non-root"), DEPLOY, props);
    expect(run.violations.map((m) => m.slice(0, m.indexOf(" Fix:")))).toEqual([
      'container "server" runs as user 0 (root).',
    ]);
    const own = mutate(
      mutate(compliant[DEPLOY]!, "spec.template.spec.securityContext", {}),
      "spec.template.spec.containers[0].securityContext.runAsNonRoot",
      true,
    );
    const run2 = await runRule(rule("k8s-run-as-non-root"), DEPLOY, own);
    expect(run2.violations.map((m) => m.slice(0, m.indexOf(" Fix:")))).toEqual([
      'initContainer "fetch-model" does not set runAsNonRoot: true (neither the container nor the pod does).',
    ]);
  });

  it("does not require probes on Jobs, and accepts an internal load balancer", async () => {
    const job = mutate(compliant[JOB]!, "spec.template.spec.containers[0].livenessProbe", undefined);
    expect(await runRule(rule("k8s-probes"), JOB, job)).toEqual({
      violations: [],
      notApplicable: [
        "Policy only applies to resources of types kubernetes:apps/v1:Deployment, kubernetes:apps/v1:StatefulSet, kubernetes:apps/v1:DaemonSet, kubernetes:apps/v1:ReplicaSet",
      ],
      unknown: [],
    });
    const internal = mutate(mutate(compliant[SVC]!, "spec.type", "LoadBalancer"), "metadata.annotations", {
      "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
    });
    expect((await runRule(rule("k8s-service-not-public"), SVC, internal)).violations).toEqual([]);
  });

  it("accepts a toleration with operator Exists and no key, and pods without GPUs need none", async () => {
    const r = rule("k8s-gpu-request-requires-toleration");
    expect(
      (await runRule(r, DEPLOY, mutate(compliant[DEPLOY]!, "spec.template.spec.tolerations", [{ operator: "Exists" }])))
        .violations,
    ).toEqual([]);
    const cpu = mutate(
      mutate(compliant[DEPLOY]!, "spec.template.spec.tolerations", []),
      "spec.template.spec.containers[0].resources",
      { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
    );
    expect((await runRule(r, DEPLOY, cpu)).violations).toEqual([]);
  });

  it("reports an image unknown at preview (a digest from the image build) as can't run, not as a violation", async () => {
    const props = mutate(compliant[DEPLOY]!, "spec.template.spec.containers[0].image", UNKNOWN.string);
    for (const name of ["k8s-image-no-latest", "k8s-images-from-allowed-registries"]) {
      const run = await runRule(rule(name), DEPLOY, props);
      expect(run).toEqual({
        violations: [],
        notApplicable: [],
        unknown: [
          `can't run policy '${name}' during preview: string value at .spec.template.spec.containers.0.image can't be known during preview`,
        ],
      });
    }
  });

  it("honours exemptions by full resource-name match, with the reason", async () => {
    const props = mutate(compliant["kubernetes:apps/v1:DaemonSet"]!, "spec.template.spec.volumes[0]", {
      name: "device-plugin",
      hostPath: { path: "/var/lib/kubelet/device-plugins" },
    });
    const config = {
      exemptions: [{ pattern: ".*-nvidia-device-plugin", reason: "kubelet device-plugin socket needs hostPath" }],
    };
    const r = rule("k8s-no-host-access");
    expect(
      await runRule(r, "kubernetes:apps/v1:DaemonSet", props, { config, name: "gpu-nvidia-device-plugin" }),
    ).toEqual({ violations: [], notApplicable: ["exempt: kubelet device-plugin socket needs hostPath"], unknown: [] });
    expect(
      (await runRule(r, "kubernetes:apps/v1:DaemonSet", props, { config, name: "gpu-nvidia-device-plugin-copy" }))
        .violations,
    ).toHaveLength(1);
  });
});

describe("image references", () => {
  it.each([
    ["nginx", { registry: "docker.io", repository: "nginx" }],
    ["acr.azurecr.io/team/api:1.2.3", { registry: "acr.azurecr.io", repository: "team/api", tag: "1.2.3" }],
    ["localhost:5000/api", { registry: "localhost:5000", repository: "api" }],
    [
      "acr.azurecr.io/api:1.0@sha256:abc",
      { registry: "acr.azurecr.io", repository: "api", tag: "1.0", digest: "sha256:abc" },
    ],
  ])("parses %s", (image, expected) => expect(parseImage(image)).toEqual(expected));

  it.each([
    ["myacr.azurecr.io/api:1", "*.azurecr.io", true],
    ["myacr.azurecr.io.evil.com/api:1", "*.azurecr.io", false],
    ["myacr.azurecr.io/platform/api:1", "myacr.azurecr.io/platform", true],
    ["myacr.azurecr.io/platformx/api:1", "myacr.azurecr.io/platform", false],
    ["nvcr.io/nvidia/k8s-device-plugin:v0.18.0", "*.azurecr.io", false],
  ])("%s from %s → %s", (image, pattern, expected) => expect(fromRegistry(image, pattern)).toBe(expected));
});
