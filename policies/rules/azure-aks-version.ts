import { multiTypeRule } from "../lib/define";
import { POOL_TYPES, poolsOf } from "../lib/pools";

/** Numeric parts of `1.33.2`; `undefined` when the text is not a version. */
function parts(version: string): number[] | undefined {
  return /^\d+(\.\d+){0,2}$/.test(version) ? version.split(".").map(Number) : undefined;
}

/** True when `version` is at least `minimum`; a missing patch counts as the newest (`1.33` ≥ `1.33.5`). */
function atLeast(version: string, minimum: string): boolean {
  const v = parts(version);
  const m = parts(minimum);
  if (!v || !m) return false;
  for (let i = 0; i < m.length; i++) {
    if (v[i] === undefined) return true;
    if (v[i]! !== m[i]!) return v[i]! > m[i]!;
  }
  return true;
}

/** The control plane and pools run a Kubernetes version AKS still supports. */
export const azureAksVersion = multiTypeRule(
  {
    name: "azure-aks-version",
    description:
      "AKS clusters (`kubernetesVersion`) and node pools (`orchestratorVersion`) must run at least `minimumVersion` (default 1.32.5). Older versions leave AKS support and stop receiving patches. Unset follows AKS's default version, which is always supported. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      "Upgrade `kubernetesVersion` (stack config `clusterKubernetesVersion`) to a supported minor version.",
    controls: [
      { source: "psrule", id: "Azure.AKS.Version", title: "Run a current Kubernetes version" },
      {
        source: "microsoft-learn",
        id: "aks-supported-kubernetes-versions",
        title: "Supported Kubernetes versions in AKS",
      },
    ],
    config: {
      minimumVersion: {
        type: "string",
        pattern: "^\\d+\\.\\d+(\\.\\d+)?$",
        default: "1.32.5",
        description: "Oldest accepted Kubernetes version (PSRule's Azure_AKSMinimumVersion).",
      },
    },
  },
  POOL_TYPES,
  (props, report, config: { minimumVersion: string }, args) => {
    const versions: Array<[string, unknown]> = [
      ...(args.type === POOL_TYPES[0] ? [["kubernetesVersion", props.kubernetesVersion] as [string, unknown]] : []),
      ...poolsOf(args.type, props).map(
        ({ label, pool }) => [`${label} orchestratorVersion`, pool.orchestratorVersion] as [string, unknown],
      ),
    ];
    for (const [label, version] of versions)
      if (typeof version === "string" && !atLeast(version, config.minimumVersion))
        report(
          `${label} is ${version}, older than ${config.minimumVersion}.`,
          `upgrade to ${config.minimumVersion} or newer.`,
        );
  },
);
