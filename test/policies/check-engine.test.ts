import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACK_NAME, PACK_VERSION } from "../../policies/pack";
import { rules } from "../../policies/rules";
import { evaluate } from "../../tools/check/engine";
import { inferPropertyDependencies } from "../../tools/check/links";
import { loadPackConfig, validatePackConfig, type PackConfig } from "../../tools/check/pack-config";
import { readResourcesFile } from "../../tools/check/resources-file";
import { type CheckResource } from "../../tools/check/types";

const root = join(__dirname, "..", "..");
const insecure = readResourcesFile(join(root, "test", "fixtures", "insecure-resources.json"));
const config = (env: string) => loadPackConfig(join(root, "policies", "config", `${env}.json`), rules);
const run = (resources: readonly CheckResource[], cfg: PackConfig = {}) =>
  evaluate({
    resources,
    policies: rules,
    config: cfg,
    packName: PACK_NAME,
    packVersion: PACK_VERSION,
    stack: "insecure",
  });

/** Every (rule, resource, level) the insecure fixture must trip at the rules' own levels — and nothing else. */
const EXPECTED: Array<[string, string, string]> = [
  ["azure-acr-admin-user-disabled", "insecure-acr", "mandatory"],
  ["azure-acr-anonymous-pull-disabled", "insecure-acr", "mandatory"],
  ["azure-acr-export-disabled", "insecure-acr", "mandatory"],
  ["azure-acr-premium-sku", "insecure-acr", "mandatory"],
  ["azure-acr-public-network-disabled", "insecure-acr", "mandatory"],
  ["azure-aks-api-server-restricted", "insecure-aks", "mandatory"],
  ["azure-aks-api-server-restricted", "insecure-aks-csi", "mandatory"],
  ["azure-aks-audit-logs", "insecure-aks", "mandatory"],
  ["azure-aks-audit-logs", "insecure-aks-csi", "mandatory"],
  ["azure-aks-auto-upgrade", "insecure-aks", "advisory"],
  ["azure-aks-auto-upgrade", "insecure-aks-csi", "advisory"],
  ["azure-aks-availability-zones", "insecure-aks", "advisory"],
  ["azure-aks-availability-zones", "insecure-gpu", "advisory"],
  ["azure-aks-azure-policy-addon", "insecure-aks", "advisory"],
  ["azure-aks-azure-policy-addon", "insecure-aks-csi", "advisory"],
  ["azure-aks-defender", "insecure-aks", "advisory"],
  ["azure-aks-defender", "insecure-aks-csi", "advisory"],
  ["azure-aks-entra-integration", "insecure-aks", "mandatory"],
  ["azure-aks-entra-integration", "insecure-aks-csi", "mandatory"],
  ["azure-aks-gpu-pool-tainted", "insecure-gpu", "mandatory"],
  ["azure-aks-gpu-vm-size-allowed", "insecure-gpu", "mandatory"],
  ["azure-aks-http-app-routing-disabled", "insecure-aks", "mandatory"],
  ["azure-aks-local-accounts-disabled", "insecure-aks", "mandatory"],
  ["azure-aks-local-accounts-disabled", "insecure-aks-csi", "mandatory"],
  ["azure-aks-maintenance-window", "insecure-aks", "advisory"],
  ["azure-aks-maintenance-window", "insecure-aks-csi", "advisory"],
  ["azure-aks-managed-identity", "insecure-aks", "mandatory"],
  ["azure-aks-network-policy", "insecure-aks", "mandatory"],
  ["azure-aks-network-policy", "insecure-aks-csi", "mandatory"],
  ["azure-aks-node-public-ip", "insecure-aks", "mandatory"],
  ["azure-aks-pool-version", "insecure-aks", "advisory"],
  ["azure-aks-rbac-enabled", "insecure-aks", "mandatory"],
  ["azure-aks-secret-rotation", "insecure-aks-csi", "mandatory"],
  ["azure-aks-secret-store", "insecure-aks", "mandatory"],
  ["azure-aks-system-pool-min-nodes", "insecure-aks", "advisory"],
  ["azure-aks-system-pool-min-nodes", "insecure-aks-csi", "advisory"],
  ["azure-aks-uptime-sla", "insecure-aks", "advisory"],
  ["azure-aks-uptime-sla", "insecure-aks-csi", "advisory"],
  ["azure-aks-user-pool-min-nodes", "insecure-gpu", "advisory"],
  ["azure-aks-version", "insecure-aks", "advisory"],
  ["azure-aks-workload-identity", "insecure-aks", "mandatory"],
  ["azure-aks-workload-identity", "insecure-aks-csi", "mandatory"],
  ["azure-allowed-locations", "insecure-rg", "mandatory"],
  ["azure-appinsights-local-auth-disabled", "insecure-appinsights", "mandatory"],
  ["azure-cosmos-continuous-backup", "insecure-cosmos", "advisory"],
  ["azure-cosmos-local-auth-disabled", "insecure-cosmos", "mandatory"],
  ["azure-cosmos-metadata-write-disabled", "insecure-cosmos", "advisory"],
  ["azure-cosmos-min-tls12", "insecure-cosmos", "mandatory"],
  ["azure-cosmos-no-free-tier", "insecure-cosmos", "advisory"],
  ["azure-cosmos-public-network-disabled", "insecure-cosmos", "mandatory"],
  ["azure-diagnostic-settings-required", "insecure-acr", "mandatory"],
  ["azure-diagnostic-settings-required", "insecure-aks", "mandatory"],
  ["azure-diagnostic-settings-required", "insecure-aks-csi", "mandatory"],
  ["azure-diagnostic-settings-required", "insecure-cosmos", "mandatory"],
  ["azure-diagnostic-settings-required", "insecure-kv", "mandatory"],
  ["azure-diagnostic-settings-required", "insecure-sa", "mandatory"],
  ["azure-kv-audit-logs", "insecure-kv", "mandatory"],
  ["azure-kv-network-deny", "insecure-kv", "mandatory"],
  ["azure-kv-purge-protection", "insecure-kv", "mandatory"],
  ["azure-kv-rbac", "insecure-kv", "mandatory"],
  ["azure-kv-soft-delete", "insecure-kv", "mandatory"],
  ["azure-log-replication", "insecure-logs", "advisory"],
  ["azure-nsg-lateral-traversal", "insecure-nsg", "mandatory"],
  ["azure-nsg-no-any-inbound-source", "insecure-nsg", "mandatory"],
  ["azure-nsg-no-deny-all-inbound", "insecure-nsg", "advisory"],
  ["azure-private-endpoint-wiring", "private-cosmos", "mandatory"],
  ["azure-public-ip-standard-sku", "basic-ip", "advisory"],
  ["azure-public-ip-zone-redundant", "insecure-ip", "advisory"],
  ["azure-required-tags", "insecure-rg", "mandatory"],
  ["azure-storage-blob-soft-delete", "insecure-sa", "advisory"],
  ["azure-storage-container-private", "insecure-container", "mandatory"],
  ["azure-storage-container-soft-delete", "insecure-sa", "advisory"],
  ["azure-storage-https-only", "insecure-sa", "mandatory"],
  ["azure-storage-min-tls12", "insecure-sa", "mandatory"],
  ["azure-storage-network-deny", "insecure-sa", "mandatory"],
  ["azure-storage-no-blob-public-access", "insecure-sa", "mandatory"],
  ["azure-storage-no-shared-key", "insecure-sa", "advisory"],
  ["azure-storage-replication", "insecure-sa", "advisory"],
  ["azure-vnet-private-subnet", "insecure-subnet", "mandatory"],
  ["azure-vnet-subnet-nsg", "insecure-subnet", "mandatory"],
  ["k8s-drop-all-capabilities", "insecure-api", "mandatory"],
  ["k8s-gpu-request-requires-toleration", "insecure-api", "mandatory"],
  ["k8s-image-no-latest", "insecure-api", "mandatory"],
  ["k8s-images-from-allowed-registries", "insecure-api", "mandatory"],
  ["k8s-no-default-namespace", "insecure-api", "advisory"],
  ["k8s-no-default-namespace", "insecure-lb", "advisory"],
  ["k8s-no-host-access", "insecure-api", "mandatory"],
  ["k8s-no-privilege-escalation", "insecure-api", "mandatory"],
  ["k8s-no-privileged", "insecure-api", "mandatory"],
  ["k8s-probes", "insecure-api", "mandatory"],
  ["k8s-read-only-root-fs", "insecure-api", "mandatory"],
  ["k8s-resource-limits", "insecure-api", "mandatory"],
  ["k8s-run-as-non-root", "insecure-api", "mandatory"],
  ["k8s-seccomp-runtime-default", "insecure-api", "mandatory"],
  ["k8s-service-not-public", "insecure-lb", "mandatory"],
];

function tripped(findings: Awaited<ReturnType<typeof run>>["findings"]): Array<[string, string, string]> {
  const keys = new Set(
    findings.filter((f) => f.kind === "violation").map((f) => JSON.stringify([f.policy, f.resource, f.level])),
  );
  return [...keys].map((k) => JSON.parse(k) as [string, string, string]).sort();
}

describe("the deliberately insecure fixture", () => {
  it("trips every rule of the pack at its own level on exactly the resources expected", async () => {
    const result = await run(insecure);
    expect(tripped(result.findings)).toEqual([...EXPECTED].sort());
    expect(new Set(EXPECTED.map(([p]) => p)).size).toBe(rules.length);
    // azure-required-tags remediates by default: the defaults are added, the tag without one still fails.
    expect(
      result.findings.filter((f) => f.kind !== "violation").map((f) => [f.policy, f.resource, f.kind, f.message]),
    ).toEqual([
      [
        "azure-required-tags",
        "insecure-rg",
        "remediated",
        'remediated `tags`: {"tags":{"workload":"ai-platform","managed-by":"pulumi"}}',
      ],
    ]);
    expect(
      result.findings
        .find((f) => f.policy === "azure-required-tags" && f.kind === "violation")
        ?.message.startsWith("tags are missing environment. Fix:"),
    ).toBe(true);
    expect(result.mandatory).toBe(72);
    expect(result.advisory).toBe(33);
    expect(result.resourceCount).toBe(insecure.length);
  });

  it("links the private account's diagnostic setting by its ARM id (no diagnostics finding for it)", async () => {
    const deps = inferPropertyDependencies(insecure);
    const diag = insecure.find((r) => r.name === "private-cosmos-diag")!;
    expect(
      Object.fromEntries(Object.entries(deps.get(diag)!).map(([k, v]) => [k, v.map((d) => d.name).sort()])),
    ).toEqual({ resourceUri: ["insecure-rg", "private-cosmos"], workspaceId: ["insecure-rg"] });
  });

  it("is advisory-only in dev (nothing blocks), with tags remediated", async () => {
    const result = await run(insecure, config("dev"));
    expect(result.mandatory).toBe(0);
    expect(result.findings.filter((f) => f.kind === "remediated").map((f) => [f.resource, f.message])).toEqual([
      [
        "insecure-rg",
        'remediated `tags`: {"tags":{"environment":"dev","workload":"ai-platform","managed-by":"pulumi"}}',
      ],
    ]);
    expect(tripped(result.findings).filter(([p]) => p === "azure-required-tags")).toEqual([]);
    expect(result.findings.filter((f) => f.kind === "violation").every((f) => f.level === "advisory")).toBe(true);
  });

  it("is mandatory throughout in prod, where the private-cluster requirement also applies", async () => {
    const result = await run(insecure, config("prod"));
    expect(result.findings.filter((f) => f.kind === "violation").every((f) => f.level === "mandatory")).toBe(true);
    expect(result.mandatory).toBe(104);
    const api = result.findings.find((f) => f.policy === "azure-aks-api-server-restricted")!;
    expect(
      api.message.startsWith(
        "apiServerAccessProfile.enablePrivateCluster is not true and this environment requires a private cluster.",
      ),
    ).toBe(true);
  });

  it("skips disabled rules and lets a rule's own level override all", async () => {
    const result = await run(insecure, { all: "disabled", "k8s-service-not-public": "advisory" });
    expect(tripped(result.findings)).toEqual([["k8s-service-not-public", "insecure-lb", "advisory"]]);
  });

  it("reports an unknown-at-preview value as an advisory finding, never mandatory", async () => {
    const unknown: CheckResource[] = [
      {
        type: "azure-native:containerregistry:Registry",
        name: "acr",
        inputs: {
          adminUserEnabled: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
          sku: { name: "Premium" },
          publicNetworkAccess: "Disabled",
          policies: { exportPolicy: { status: "disabled" } },
          location: "westeurope",
          tags: { environment: "dev", workload: "w", "managed-by": "pulumi" },
        },
      },
    ];
    const result = await run(unknown, {
      "azure-diagnostic-settings-required": "disabled",
      "azure-private-endpoint-wiring": "disabled",
    });
    expect(result.findings.map((f) => [f.policy, f.kind, f.level, f.message])).toEqual([
      [
        "azure-acr-admin-user-disabled",
        "unknown",
        "advisory",
        "can't run policy 'azure-acr-admin-user-disabled' during preview: boolean value at .adminUserEnabled can't be known during preview",
      ],
    ]);
    expect(result.mandatory).toBe(0);
  });
});

describe("policy pack config files", () => {
  it("ships valid dev, staging and prod configs with the device-plugin exemption", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const cfg = config(env);
      expect(
        (cfg["k8s-no-host-access"] as { exemptions: Array<{ pattern: string }> }).exemptions.map((e) => e.pattern),
      ).toEqual([".*-nvidia-device-plugin"]);
    }
    expect(config("dev").all).toBe("advisory");
    expect(config("prod").all).toBe("mandatory");
  });

  it("rejects unknown rules, bad levels, unknown keys and exemptions on baseline rules, naming each", () => {
    expect(() =>
      validatePackConfig(
        {
          all: "strict" as never,
          "no-such-rule": "advisory",
          "k8s-probes": { enforcementLevel: "sometimes" as never, exemptions: [{ pattern: "x" }] },
          "k8s-no-privileged": { exemptions: [{ pattern: "x", reason: "because we need it" }] },
        },
        rules,
        "cfg.json",
      ),
    ).toThrow(
      [
        "cfg.json is invalid:",
        "  all: must be one of advisory, mandatory, remediate, disabled",
        "  no-such-rule: no policy of that name in the pack",
        "  k8s-probes.enforcementLevel: must be one of advisory, mandatory, remediate, disabled",
        "  k8s-probes.exemptions.0: must have required property 'reason'",
        "  k8s-no-privileged: must NOT have additional properties (exemptions)",
      ].join("\n"),
    );
  });
});
