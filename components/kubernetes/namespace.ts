/**
 * A platform namespace: Pod Security Standards `restricted` enforced, a default-deny NetworkPolicy
 * for both directions, and the egress every workload needs (cluster DNS, HTTPS to Azure).
 * Ingress is opened per workload with `ingressAllowSpec` (the InferenceService does, for its port).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { requireKubernetesProvider } from "./provider";
import { MANAGED_BY, PART_OF } from "./labels";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** Inputs of `PlatformNamespace`. */
export interface PlatformNamespaceArgs {
  /** Namespace name. Defaults to the component's name. `default` is refused (policy `k8s-no-default-namespace`). */
  namespaceName?: string;
  /**
   * Pod Security Standards version the `restricted` level is enforced at. Defaults to `"latest"`,
   * so new restrictions apply on cluster upgrade; pin (e.g. `"v1.33"`) to upgrade deliberately.
   */
  podSecurityVersion?: string;
  /**
   * Destinations pods may reach on TCP 443 (Cosmos DB, Storage, Key Vault, Entra ID, Application Insights).
   * Defaults to `["0.0.0.0/0"]`: Entra ID's token endpoint is public and NetworkPolicy cannot filter by
   * name, so destinations are narrowed by the egress firewall/NAT, not here. Pass the private endpoint
   * subnet plus the firewall's address to tighten. An empty list blocks all HTTPS egress.
   */
  httpsEgressCidrs?: string[];
}

const CIDR = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\/(?:3[0-2]|[12]?\d)$/;

/** Throws naming `field` unless every entry is an IPv4 CIDR. */
export function assertCidrs(field: string, cidrs: readonly string[]): string[] {
  cidrs.forEach((c, i) => {
    if (!CIDR.test(c))
      throw new Error(`${field}[${i}] (${JSON.stringify(c)}) is not an IPv4 CIDR such as "10.0.0.0/16"`);
  });
  return [...cidrs];
}

/** Default deny for every pod of the namespace, both directions. */
export function defaultDenySpec(): NetworkPolicySpec {
  return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

/** Egress to the cluster DNS (CoreDNS in kube-system, label `k8s-app=kube-dns`) on UDP and TCP 53. */
export function dnsEgressSpec(): NetworkPolicySpec {
  return {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ],
  };
}

/** Egress on TCP 443 to `cidrs`. */
export function httpsEgressSpec(cidrs: readonly string[]): NetworkPolicySpec {
  return {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 443 }] }],
  };
}

/** Who may call a workload's port. */
export interface IngressAllow {
  /** Labels of the pods receiving traffic. */
  readonly podLabels: Record<string, string>;
  /** The container port, or the ports (a workload serving REST and gRPC). */
  readonly port: number | readonly number[];
  /** Other namespaces (by name) whose pods may call; pods of the workload's own namespace always may. */
  readonly fromNamespaces?: readonly string[];
  /** Address ranges that may call (VNet clients of an internal load balancer); validated as IPv4 CIDRs. */
  readonly fromCidrs?: readonly string[];
}

/** Ingress to `podLabels` on TCP `port`(s) from the own namespace, the named namespaces and the CIDRs. */
export function ingressAllowSpec(a: IngressAllow): NetworkPolicySpec {
  const from: k8s.types.input.networking.v1.NetworkPolicyPeer[] = [{ podSelector: {} }];
  for (const ns of a.fromNamespaces ?? [])
    from.push({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
  for (const cidr of assertCidrs("fromCidrs", a.fromCidrs ?? [])) from.push({ ipBlock: { cidr } });
  return {
    podSelector: { matchLabels: { ...a.podLabels } },
    policyTypes: ["Ingress"],
    ingress: [
      { from, ports: (typeof a.port === "number" ? [a.port] : a.port).map((port) => ({ protocol: "TCP", port })) },
    ],
  };
}

/**
 * A NetworkPolicy spec letting `podLabels` pods open TCP connections to `toPodLabels` pods on `port` in the same
 * namespace (the namespace denies egress by default): a reader of another workload's endpoints, e.g. its metrics.
 */
export function egressToPodsSpec(a: {
  podLabels: Record<string, string>;
  toPodLabels: Record<string, string>;
  port: number;
}): NetworkPolicySpec {
  return {
    podSelector: { matchLabels: { ...a.podLabels } },
    policyTypes: ["Egress"],
    egress: [
      { to: [{ podSelector: { matchLabels: { ...a.toPodLabels } } }], ports: [{ protocol: "TCP", port: a.port }] },
    ],
  };
}

/** The Pod Security admission labels enforcing, auditing and warning at `restricted`. */
export function podSecurityLabels(version: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ["enforce", "audit", "warn"]) {
    labels[`pod-security.kubernetes.io/${mode}`] = "restricted";
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}

/**
 * A namespace for platform workloads, locked down: PSS `restricted`, default-deny, DNS and HTTPS egress only.
 * Children: 1 Namespace and 3 NetworkPolicies (default-deny, allow-dns, and allow-https-egress unless
 * `httpsEgressCidrs` is empty).
 */
export class PlatformNamespace extends pulumi.ComponentResource {
  /** The namespace name, resolved once the Namespace exists (so dependents wait for it). */
  readonly namespaceName: pulumi.Output<string>;

  constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    requireKubernetesProvider("PlatformNamespace", opts);
    const nsName = args.namespaceName ?? name;
    if (nsName === "default")
      throw new Error(`namespaceName must not be "default": platform workloads get their own namespace`);
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(nsName)) {
      throw new Error(`namespaceName (${JSON.stringify(nsName)}) is not a valid namespace name (RFC 1123 label)`);
    }
    const egressCidrs = assertCidrs("httpsEgressCidrs", args.httpsEgressCidrs ?? ["0.0.0.0/0"]);
    super("ai-platform:kubernetes:PlatformNamespace", name, {}, opts);
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: nsName,
          labels: {
            ...podSecurityLabels(args.podSecurityVersion ?? "latest"),
            "app.kubernetes.io/part-of": PART_OF,
            "app.kubernetes.io/managed-by": MANAGED_BY,
          },
        },
      },
      { parent: this },
    );
    this.namespaceName = ns.metadata.name;
    const policy = (suffix: string, spec: NetworkPolicySpec) =>
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${suffix}`,
        { metadata: { name: suffix, namespace: this.namespaceName }, spec },
        { parent: this },
      );
    policy("default-deny", defaultDenySpec());
    policy("allow-dns", dnsEgressSpec());
    if (egressCidrs.length > 0) policy("allow-https-egress", httpsEgressSpec(egressCidrs));
    this.registerOutputs({ namespaceName: this.namespaceName });
  }
}
