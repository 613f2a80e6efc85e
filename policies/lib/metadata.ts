/**
 * Metadata every platform rule carries on top of the `@pulumi/policy` fields: the public controls it
 * implements, whether it can be exempted, and the resource types it looks at.
 */
import { type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";

/** Where a control is published. */
export type ControlSource =
  | "azure-policy" // Azure Policy built-in definition (display name, GUID prefix)
  | "checkov" // checkov check id
  | "cis-azure" // CIS Microsoft Azure Foundations Benchmark item
  | "cis-kubernetes" // CIS Kubernetes Benchmark item
  | "pss" // Kubernetes Pod Security Standards level
  | "microsoft-learn" // Microsoft product guidance
  | "psrule" // PSRule for Azure rule name (`Azure.AKS.Version`)
  | "project"; // a rule of this platform without a public equivalent

/** One public control a rule implements. */
export interface Control {
  source: ControlSource;
  /** The control id: GUID prefix, `CKV_AZURE_140`, `v2.0.0 4.5.3`, `restricted`. */
  id: string;
  /** The control's published title. */
  title: string;
}

/** Fields every platform rule adds to the `@pulumi/policy` policy object. */
export interface PlatformRuleMeta {
  /** Public controls implemented by the rule, most specific first. */
  controls: readonly Control[];
  /** Whether the `exemptions` config key is accepted (never for the hard security baseline). */
  exemptible: boolean;
  /** Resource type tokens the rule inspects. */
  appliesTo: readonly string[];
}

/** A resource rule of this pack. */
export type PlatformResourcePolicy = ResourceValidationPolicy & PlatformRuleMeta;
/** A stack rule of this pack. */
export type PlatformStackPolicy = StackValidationPolicy & PlatformRuleMeta;
/** Any rule of this pack. */
export type PlatformPolicy = PlatformResourcePolicy | PlatformStackPolicy;

const SOURCE_LABEL: Record<ControlSource, string> = {
  "azure-policy": "Azure Policy",
  checkov: "checkov",
  "cis-azure": "CIS Azure",
  "cis-kubernetes": "CIS Kubernetes",
  pss: "Pod Security Standards",
  "microsoft-learn": "Microsoft Learn",
  psrule: "PSRule for Azure",
  project: "platform rule",
};

/** A short human label such as `Azure Policy 5450f5bd "…"` for messages and docs. */
export function controlLabel(c: Control): string {
  return `${SOURCE_LABEL[c.source]} ${c.id} "${c.title}"`;
}

/** Machine-readable tags, e.g. `checkov:CKV_AZURE_140`, put into the policy's `tags`. */
export function controlTags(controls: readonly Control[]): string[] {
  return controls.map((c) => `${c.source}:${c.id}`);
}

/** Policy-compliant URL for the first control, used as the policy's `url`. */
export function controlUrl(c: Control | undefined): string | undefined {
  if (!c) return undefined;
  switch (c.source) {
    case "azure-policy":
      return "https://learn.microsoft.com/azure/governance/policy/samples/built-in-policies";
    case "checkov":
      return "https://www.checkov.io/5.Policy%20Index/all.html";
    case "pss":
      return "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
    case "cis-azure":
      return "https://www.cisecurity.org/benchmark/azure";
    case "cis-kubernetes":
      return "https://www.cisecurity.org/benchmark/kubernetes";
    case "psrule":
      return `https://azure.github.io/PSRule.Rules.Azure/en/rules/${c.id}/`;
    default:
      return undefined;
  }
}
