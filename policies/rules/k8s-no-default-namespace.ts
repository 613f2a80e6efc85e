import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES } from "../lib/pod";

/** Workloads live in their own namespaces, with their own policies and quotas. */
export const k8sNoDefaultNamespace = multiTypeRule(
  {
    name: "k8s-no-default-namespace",
    description:
      "Workloads and services must be deployed to a dedicated namespace, not `default`. The platform's namespaces carry Pod Security labels, default-deny network policies and quotas that `default` lacks.",
    severity: "low",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps: "Set `metadata.namespace` to the platform namespace (the components create one).",
    controls: [
      { source: "checkov", id: "CKV_K8S_21", title: "The default namespace should not be used" },
      { source: "azure-policy", id: "9f061a12", title: "Kubernetes clusters should not use the default namespace" },
    ],
  },
  [
    ...WORKLOAD_TYPES,
    "kubernetes:core/v1:Service",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:Secret",
  ],
  (props, report) => {
    const ns: unknown = props.metadata?.namespace;
    if (ns === undefined || ns === null || ns === "" || ns === "default")
      report(
        `metadata.namespace is ${ns === undefined || ns === null || ns === "" ? "unset (default)" : '"default"'}.`,
        "set `metadata.namespace` to a platform namespace.",
      );
  },
);
