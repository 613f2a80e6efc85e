/**
 * The Kubernetes recommended labels (`app.kubernetes.io/*`) every platform workload carries.
 *
 * Pure functions, no Pulumi imports: the components call them, tests table-test them.
 * See https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/.
 */

/** The value of `app.kubernetes.io/part-of` on everything the platform deploys. */
export const PART_OF = "ai-platform";
/** The value of `app.kubernetes.io/managed-by`. */
export const MANAGED_BY = "pulumi";

/** What a workload is, for its recommended labels. */
export interface WorkloadIdentityLabels {
  /** `app.kubernetes.io/name`: the application, for example `inference` or `training`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: this deployment of it, unique in the namespace (the component's name). */
  readonly instance: string;
  /** `app.kubernetes.io/component`: its role, for example `server`, `retraining` or `batch-scoring`. */
  readonly component: string;
  /** `app.kubernetes.io/version`; omitted when unset (an image digest is no valid label value). */
  readonly version?: string;
}

// Label values: at most 63 characters, alphanumerics and `-_.`, starting and ending alphanumeric.
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** Throws unless `value` is a valid Kubernetes label value, naming `field`. */
export function assertLabelValue(field: string, value: string): string {
  if (!LABEL_VALUE.test(value)) {
    throw new Error(
      `${field} (${JSON.stringify(value)}) is not a valid Kubernetes label value: at most 63 characters of [A-Za-z0-9-_.], starting and ending with an alphanumeric`,
    );
  }
  return value;
}

/**
 * The labels a Deployment/Job selects its pods by: `name` and `instance` only, because a selector
 * is immutable and must not change when the version or anything else does.
 */
export function selectorLabels(ids: Pick<WorkloadIdentityLabels, "name" | "instance">): Record<string, string> {
  return {
    "app.kubernetes.io/name": assertLabelValue("name", ids.name),
    "app.kubernetes.io/instance": assertLabelValue("instance", ids.instance),
  };
}

/** All recommended labels: the selector labels plus component, part-of, managed-by and (when set) version. */
export function recommendedLabels(ids: WorkloadIdentityLabels): Record<string, string> {
  const labels: Record<string, string> = {
    ...selectorLabels(ids),
    "app.kubernetes.io/component": assertLabelValue("component", ids.component),
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
  if (ids.version !== undefined) labels["app.kubernetes.io/version"] = assertLabelValue("version", ids.version);
  return labels;
}

/**
 * Throws naming `field` unless `value` is a DNS-1035 label of at most `maxLength` characters: the rule
 * for Service names, and the safe choice for names that also derive pod or job names (CronJob: 52).
 */
export function assertDnsLabel(field: string, value: string, maxLength = 63): string {
  if (value.length > maxLength || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    throw new Error(
      `${field} (${JSON.stringify(value)}) must be a DNS label: lowercase letters, digits and "-", starting with a letter, at most ${maxLength} characters`,
    );
  }
  return value;
}
