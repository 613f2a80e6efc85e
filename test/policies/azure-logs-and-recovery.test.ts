/** Logging, local-auth and recovery rules from PSRule for Azure: App Insights, Log Analytics, Key Vault audit, soft delete. */
import { describe, expect, it } from "vitest";
import { mutate, rule, runRule, runStackRule, UNKNOWN, urnOf, type StackResourceSpec } from "../support/policy-harness";
import { compliant } from "./fixtures";
import { mutationCases, type Mutation } from "./mutations";

const AI = "azure-native:applicationinsights:Component";
const LAW = "azure-native:operationalinsights:Workspace";
const KV = "azure-native:keyvault:Vault";
const SA = "azure-native:storage:StorageAccount";
const BLOB = "azure-native:storage:BlobServiceProperties";
const DIAG = "azure-native:monitor:DiagnosticSetting";

const problems = (violations: string[]) => violations.map((m) => m.slice(0, m.indexOf(" Fix: ")));

describe("monitoring resource rules", () => {
  mutationCases([
    [
      "azure-appinsights-local-auth-disabled",
      AI,
      "disableLocalAuth",
      undefined,
      "disableLocalAuth is unset (service default false).",
    ],
    ["azure-log-replication", LAW, "replication", undefined, "replication.enabled is unset."],
    ["azure-log-replication", LAW, "replication.enabled", false, "replication.enabled is false."],
  ] satisfies Mutation[]);

  it("azure-log-replication skips a workspace on a dedicated cluster", async () => {
    const clustered = mutate(mutate(compliant[LAW]!, "replication", undefined), "features.clusterResourceId", "/c");
    expect((await runRule(rule("azure-log-replication"), LAW, clustered)).violations).toEqual([]);
  });
});

describe("azure-kv-audit-logs", () => {
  const vault: StackResourceSpec = { type: KV, name: "kv", props: compliant[KV]! };
  const diag = (logs: unknown): StackResourceSpec => ({
    type: DIAG,
    name: "kv-diag",
    props: { resourceUri: UNKNOWN.string, workspaceId: UNKNOWN.string, logs },
    dependsOn: { resourceUri: ["kv"] },
  });
  it.each([
    [[{ category: "AuditEvent", enabled: true }], []],
    [[{ categoryGroup: "audit", enabled: true }], []],
    [[{ categoryGroup: "allLogs", enabled: true }], []],
    [
      [{ category: "AzurePolicyEvaluationDetails", enabled: true }],
      ["no diagnostic setting of kv enables AuditEvent (or the audit or allLogs group)."],
    ],
    [
      [{ category: "AuditEvent", enabled: false }],
      ["no diagnostic setting of kv enables AuditEvent (or the audit or allLogs group)."],
    ],
  ])("logs %j → %j", async (logs, expected) => {
    const run = await runStackRule(rule("azure-kv-audit-logs"), [vault, diag(logs)]);
    expect(problems(run.violations)).toEqual(expected);
    expect(run.urns).toEqual(expected.map(() => urnOf(vault)));
  });

  it("fails a vault without any diagnostic setting", async () => {
    expect((await runStackRule(rule("azure-kv-audit-logs"), [vault])).violations).toHaveLength(1);
  });
});

describe("storage soft delete (stack rules over the account and its blob service)", () => {
  const account: StackResourceSpec = { type: SA, name: "sa", props: compliant[SA]! };
  const blob = (props: Record<string, unknown>): StackResourceSpec => ({
    type: BLOB,
    name: "sa-blob",
    props: { accountName: UNKNOWN.string, blobServicesName: "default", ...props },
    dependsOn: { accountName: ["sa"] },
  });
  const on = { enabled: true, days: 7 };

  it.each([
    ["azure-storage-blob-soft-delete", "deleteRetentionPolicy"],
    ["azure-storage-container-soft-delete", "containerDeleteRetentionPolicy"],
  ])("%s: %s enabled for 7 days passes; off, too short or missing fails", async (name, key) => {
    const r = rule(name);
    const good = { deleteRetentionPolicy: on, containerDeleteRetentionPolicy: on };
    expect((await runStackRule(r, [account, blob(good)])).violations).toEqual([]);
    const expected = [`sa has no blob service properties with ${key} enabled for 7 days or more.`];
    expect(
      problems((await runStackRule(r, [account, blob({ ...good, [key]: { enabled: false } })])).violations),
    ).toEqual(expected);
    expect(
      problems((await runStackRule(r, [account, blob({ ...good, [key]: { enabled: true, days: 1 } })])).violations),
    ).toEqual(expected);
    expect(problems((await runStackRule(r, [account])).violations)).toEqual(expected);
    expect((await runStackRule(r, [account, blob(good)], { minDays: 30 })).violations).toHaveLength(1);
    // A policy unknown at preview counts as not met, without stopping the stack rule.
    const unknown = await runStackRule(r, [account, blob({ ...good, [key]: UNKNOWN.object })]);
    expect({ violations: unknown.violations.length, unknown: unknown.unknown }).toEqual({ violations: 1, unknown: [] });
  });

  it("skips FileStorage and hierarchical-namespace accounts, as PSRule does", async () => {
    const r = rule("azure-storage-blob-soft-delete");
    const files = { ...account, props: { ...compliant[SA]!, kind: "FileStorage" } };
    expect((await runStackRule(r, [files])).violations).toEqual([]);
    const hns = { ...account, props: { ...compliant[SA]!, isHnsEnabled: true } };
    expect((await runStackRule(r, [hns])).violations).toEqual([]);
  });
});
