import { describe, expect, it } from "vitest";
import { mutate, rule, runRule } from "../support/policy-harness";
import { compliant } from "./fixtures";
import { mutationCases, unknownCases, type Mutation } from "./mutations";

const COSMOS = "azure-native:cosmosdb:DatabaseAccount";
const ACR = "azure-native:containerregistry:Registry";
const KV = "azure-native:keyvault:Vault";
const SA = "azure-native:storage:StorageAccount";
const BLOB_CONTAINER = "azure-native:storage:BlobContainer";

describe("Cosmos DB rules", () => {
  mutationCases([
    [
      "azure-cosmos-local-auth-disabled",
      COSMOS,
      "disableLocalAuth",
      false,
      "disableLocalAuth is false, so account keys can be used.",
    ],
    [
      "azure-cosmos-local-auth-disabled",
      COSMOS,
      "disableLocalAuth",
      undefined,
      "disableLocalAuth is unset, so account keys can be used.",
    ],
    [
      "azure-cosmos-public-network-disabled",
      COSMOS,
      "publicNetworkAccess",
      "Enabled",
      'publicNetworkAccess is "Enabled" (service default "Enabled").',
    ],
    [
      "azure-cosmos-public-network-disabled",
      COSMOS,
      "publicNetworkAccess",
      undefined,
      'publicNetworkAccess is unset (service default "Enabled").',
    ],
    [
      "azure-cosmos-min-tls12",
      COSMOS,
      "minimalTlsVersion",
      "Tls11",
      'minimalTlsVersion is "Tls11", not Tls12 or later.',
    ],
    ["azure-cosmos-min-tls12", COSMOS, "minimalTlsVersion", "tls", 'minimalTlsVersion is "tls", not Tls12 or later.'],
    // Unset fails: old accounts keep TLS 1.0 and the input is the only proof.
    [
      "azure-cosmos-min-tls12",
      COSMOS,
      "minimalTlsVersion",
      undefined,
      "minimalTlsVersion is unset, not Tls12 or later.",
    ],
    [
      "azure-cosmos-continuous-backup",
      COSMOS,
      "backupPolicy.continuousModeProperties",
      undefined,
      "backupPolicy.continuousModeProperties.tier is unset.",
    ],
    ["azure-cosmos-no-free-tier", COSMOS, "enableFreeTier", true, "enableFreeTier is true."],
    [
      "azure-cosmos-metadata-write-disabled",
      COSMOS,
      "disableKeyBasedMetadataWriteAccess",
      undefined,
      "disableKeyBasedMetadataWriteAccess is unset.",
    ],
    [
      "azure-cosmos-continuous-backup",
      COSMOS,
      "backupPolicy",
      { type: "Periodic" },
      'backupPolicy.type is "Periodic" (service default "Periodic").',
    ],
    [
      "azure-cosmos-continuous-backup",
      COSMOS,
      "backupPolicy",
      undefined,
      'backupPolicy.type is unset (service default "Periodic").',
    ],
  ] satisfies Mutation[]);
  unknownCases([
    ["azure-cosmos-local-auth-disabled", COSMOS, "disableLocalAuth"],
    ["azure-cosmos-public-network-disabled", COSMOS, "publicNetworkAccess"],
  ]);
});

describe("Container registry rules", () => {
  mutationCases([
    ["azure-acr-admin-user-disabled", ACR, "adminUserEnabled", true, "adminUserEnabled is true."],
    ["azure-acr-anonymous-pull-disabled", ACR, "anonymousPullEnabled", true, "anonymousPullEnabled is true."],
    ["azure-acr-premium-sku", ACR, "sku.name", "Standard", 'sku.name is "Standard".'],
  ] satisfies Mutation[]);
});

describe("Key Vault rules", () => {
  mutationCases([
    [
      "azure-kv-purge-protection",
      KV,
      "properties.enablePurgeProtection",
      undefined,
      "properties.enablePurgeProtection is unset.",
    ],
    ["azure-kv-soft-delete", KV, "properties.enableSoftDelete", false, "properties.enableSoftDelete is false."],
    [
      "azure-kv-soft-delete",
      KV,
      "properties.softDeleteRetentionInDays",
      3,
      "properties.softDeleteRetentionInDays is 3, below the minimum of 7.",
    ],
    [
      "azure-kv-rbac",
      KV,
      "properties.enableRbacAuthorization",
      false,
      "properties.enableRbacAuthorization is false (SDK default false).",
    ],
    [
      "azure-kv-rbac",
      KV,
      "properties.accessPolicies",
      [{ objectId: "x", permissions: {} }],
      "properties.accessPolicies has 1 entries.",
    ],
    // The SDK fills a lower-case "enabled"; compared case-insensitively.
    [
      "azure-kv-network-deny",
      KV,
      "properties",
      { enableRbacAuthorization: true, enablePurgeProtection: true, publicNetworkAccess: "enabled" },
      'properties.networkAcls.defaultAction is unset (service default "Allow").',
    ],
    // A private vault still needs the firewall to deny: it is what holds if public access is switched on.
    [
      "azure-kv-network-deny",
      KV,
      "properties.networkAcls.defaultAction",
      "Allow",
      'properties.networkAcls.defaultAction is "Allow" (service default "Allow").',
    ],
  ] satisfies Mutation[]);
});

describe("Storage rules", () => {
  mutationCases([
    ["azure-storage-no-blob-public-access", SA, "allowBlobPublicAccess", undefined, "allowBlobPublicAccess is unset."],
    ["azure-storage-min-tls12", SA, "minimumTlsVersion", "TLS1_0", 'minimumTlsVersion is "TLS1_0".'],
    ["azure-storage-min-tls12", SA, "minimumTlsVersion", undefined, "minimumTlsVersion is unset."],
    ["azure-storage-https-only", SA, "enableHttpsTrafficOnly", false, "enableHttpsTrafficOnly is false."],
    [
      "azure-storage-network-deny",
      SA,
      "networkRuleSet.defaultAction",
      "Allow",
      'networkRuleSet.defaultAction is "Allow" (default "Allow").',
    ],
    [
      "azure-storage-replication",
      SA,
      "sku.name",
      "Standard_LRS",
      'sku.name is "Standard_LRS", which is not zone- or geo-redundant.',
    ],
    ["azure-storage-container-private", BLOB_CONTAINER, "publicAccess", "Blob", 'publicAccess is "Blob".'],
    [
      "azure-acr-export-disabled",
      ACR,
      "policies.exportPolicy.status",
      "enabled",
      'policies.exportPolicy.status is "enabled" (service default "enabled").',
    ],
    [
      "azure-acr-export-disabled",
      ACR,
      "policies",
      undefined,
      'policies.exportPolicy.status is unset (service default "enabled").',
    ],
    [
      "azure-storage-no-shared-key",
      SA,
      "allowSharedKeyAccess",
      true,
      "allowSharedKeyAccess is true (service default true).",
    ],
  ] satisfies Mutation[]);
});

describe("public network rules: private, or public with a deny-by-default firewall", () => {
  const cases: Array<[string, string, Record<string, unknown>, string[]]> = [
    // What the azure-native SDK sends for a Registry with no network settings: "Enabled", no rule set.
    [
      "azure-acr-public-network-disabled",
      ACR,
      mutate(mutate(compliant[ACR]!, "publicNetworkAccess", "Enabled"), "networkRuleSet", undefined),
      ['publicNetworkAccess is "Enabled" and networkRuleSet.defaultAction is unset (service default "Allow").'],
    ],
    ["azure-acr-public-network-disabled", ACR, mutate(compliant[ACR]!, "publicNetworkAccess", "enabled"), []],
    [
      "azure-acr-public-network-disabled",
      ACR,
      mutate(mutate(compliant[ACR]!, "publicNetworkAccess", undefined), "networkRuleSet.defaultAction", "allow"),
      ['publicNetworkAccess is unset and networkRuleSet.defaultAction is "allow" (service default "Allow").'],
    ],
    [
      "azure-storage-network-deny",
      SA,
      mutate(mutate(compliant[SA]!, "publicNetworkAccess", undefined), "networkRuleSet", undefined),
      ['networkRuleSet.defaultAction is unset (default "Allow").'],
    ],
    ["azure-storage-network-deny", SA, mutate(compliant[SA]!, "publicNetworkAccess", "Enabled"), []],
    ["azure-kv-network-deny", KV, mutate(compliant[KV]!, "properties.publicNetworkAccess", "Enabled"), []],
    [
      "azure-cosmos-public-network-disabled",
      COSMOS,
      mutate(compliant[COSMOS]!, "publicNetworkAccess", "SecuredByPerimeter"),
      [],
    ],
  ];
  it.each(cases)("%s on %s: %j", async (name, type, props, problems) => {
    const run = await runRule(rule(name), type, props);
    expect(run.violations.map((m) => m.slice(0, m.indexOf(" Fix: ")))).toEqual(problems);
  });
});
