/**
 * Pod specs of Kubernetes workloads, wherever each kind keeps them, for the `k8s-*` rules.
 *
 * Resources that Helm charts or YAML create are validated as these same child types, so one set of
 * rules covers hand-written and third-party workloads.
 */
import { type Props } from "./props";

/** The workload kinds the pod rules inspect, and where each keeps its pod template. */
const TEMPLATE_OF: Record<string, (props: Props) => Props | undefined> = {
  "kubernetes:apps/v1:Deployment": (p) => p.spec?.template,
  "kubernetes:apps/v1:StatefulSet": (p) => p.spec?.template,
  "kubernetes:apps/v1:DaemonSet": (p) => p.spec?.template,
  "kubernetes:apps/v1:ReplicaSet": (p) => p.spec?.template,
  "kubernetes:batch/v1:Job": (p) => p.spec?.template,
  "kubernetes:batch/v1:CronJob": (p) => p.spec?.jobTemplate?.spec?.template,
  "kubernetes:core/v1:Pod": (p) => ({ metadata: p.metadata, spec: p.spec }),
};

/** Every workload type token the pod rules apply to. */
export const WORKLOAD_TYPES = Object.keys(TEMPLATE_OF);

/** Long-running kinds (probes apply to these, not to Jobs). */
export const LONG_RUNNING_TYPES = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
];

/** One container with where it sits, for messages. */
export interface ContainerView {
  /** `container "api"` or `initContainer "migrate"`. */
  label: string;
  init: boolean;
  container: Props;
}

/** The pod template (metadata + spec) of a workload; `{}` parts when absent. */
export function podTemplate(type: string, props: Props): { metadata: Props; spec: Props } {
  const t = TEMPLATE_OF[type]?.(props) ?? {};
  return { metadata: t.metadata ?? {}, spec: t.spec ?? {} };
}

/** Containers and init containers of a pod spec. */
export function containersOf(spec: Props): ContainerView[] {
  const main: Props[] = spec.containers ?? [];
  const init: Props[] = spec.initContainers ?? [];
  return [
    ...main.map((c) => ({ label: `container "${c.name}"`, init: false, container: c })),
    ...init.map((c) => ({ label: `initContainer "${c.name}"`, init: true, container: c })),
  ];
}

/**
 * A security-context field as it applies to a container: the container's own value, else the pod's.
 * Valid for `runAsNonRoot`, `runAsUser` and `seccompProfile`, which Kubernetes inherits from the pod.
 */
export function effective(
  spec: Props,
  container: Props,
  field: "runAsNonRoot" | "runAsUser" | "seccompProfile",
): Props[string] {
  const own = container.securityContext?.[field];
  return own !== undefined && own !== null ? own : spec.securityContext?.[field];
}
