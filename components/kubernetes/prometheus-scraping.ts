/**
 * Managed Prometheus (the AKS metrics add-on) honours `prometheus.io/*` pod annotations only in the namespaces
 * that `ama-metrics-settings-configmap` names in `podannotationnamespaceregex`; the add-on does not create that
 * ConfigMap, and without it no annotated pod is scraped. This creates it (schema v1) for the given namespaces.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { requireKubernetesProvider } from "./provider";

/** Name and namespace the metrics add-on reads its settings from. */
export const AMA_METRICS_SETTINGS = { name: "ama-metrics-settings-configmap", namespace: "kube-system" } as const;

/** The ConfigMap data that turns on annotation-based scraping for `namespaces` (exact names). Pure. */
export function amaMetricsSettingsData(namespaces: readonly string[]): Record<string, string> {
  if (namespaces.length === 0) throw new Error("PrometheusScraping: namespaces must list at least one namespace");
  for (const ns of namespaces)
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns)) throw new Error(`PrometheusScraping: "${ns}" is not a namespace`);
  const regex = namespaces.map((ns) => `^${ns}$`).join("|");
  return {
    "schema-version": "v1",
    "config-version": "ver1",
    "pod-annotation-based-scraping": `podannotationnamespaceregex = "${regex}"`,
  };
}

/** Inputs of {@link PrometheusScraping}. */
export interface PrometheusScrapingArgs {
  /** Namespaces whose `prometheus.io/*`-annotated pods are scraped (exact names). */
  namespaces: readonly string[];
}

/** The metrics add-on settings that make it scrape annotated pods of the platform's namespaces. */
export class PrometheusScraping extends pulumi.ComponentResource {
  /** Name of the settings ConfigMap (in `kube-system`). */
  readonly configMapName: pulumi.Output<string>;

  constructor(name: string, args: PrometheusScrapingArgs, opts?: pulumi.ComponentResourceOptions) {
    requireKubernetesProvider("PrometheusScraping", opts);
    const data = amaMetricsSettingsData(args.namespaces);
    super("ai-platform:kubernetes:PrometheusScraping", name, {}, opts);
    const map = new k8s.core.v1.ConfigMap(
      `${name}-settings`,
      { metadata: { ...AMA_METRICS_SETTINGS }, data },
      { parent: this },
    );
    this.configMapName = map.metadata.name;
    this.registerOutputs({ configMapName: this.configMapName });
  }
}
