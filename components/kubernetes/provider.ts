/**
 * The rule that every Kubernetes component is given its cluster explicitly. Without it, resources
 * would silently go to whatever the ambient kubeconfig points at, which on a deployer's laptop is
 * often another cluster.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Throws naming `component` unless `opts` carries a `provider` (or a `providers` entry). */
export function requireKubernetesProvider(component: string, opts: pulumi.ComponentResourceOptions | undefined): void {
  const providers = opts?.providers;
  const hasMap =
    providers !== undefined && (Array.isArray(providers) ? providers.length > 0 : Object.keys(providers).length > 0);
  if (opts?.provider === undefined && !hasMap) {
    throw new Error(
      `${component} needs opts.provider: a k8s.Provider for the target cluster (built from the AKS kubeconfig); the ambient kubeconfig is never used`,
    );
  }
}
