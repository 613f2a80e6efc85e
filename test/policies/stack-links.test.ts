import { describe, expect, it } from "vitest";
import { rule, runStackRule, UNKNOWN, urnOf, type StackResourceSpec } from "../support/policy-harness";
import { compliant } from "./fixtures";

const COSMOS = "azure-native:cosmosdb:DatabaseAccount";
const PE = "azure-native:network:PrivateEndpoint";
const ZONE = "azure-native:privatedns:PrivateZone";
const ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup";
const DIAG = "azure-native:monitor:DiagnosticSetting";
const LINK = "azure-native:privatedns:VirtualNetworkLink";

/** A stack as `pulumi preview` shows it: ids unknown, links only as property dependencies. */
function previewStack(
  overrides: {
    peGroup?: string;
    zoneName?: string;
    withZoneGroup?: boolean;
    withPe?: boolean;
    diagLogs?: unknown;
    withDiag?: boolean;
    withLink?: boolean;
  } = {},
): StackResourceSpec[] {
  const out: StackResourceSpec[] = [{ type: COSMOS, name: "cosmos", props: compliant[COSMOS]! }];
  out.push({
    type: ZONE,
    name: "zone-cosmos",
    props: { privateZoneName: overrides.zoneName ?? "privatelink.documents.azure.com", location: "global" },
  });
  if (overrides.withLink !== false)
    out.push({
      type: LINK,
      name: "zone-cosmos-link",
      props: {
        privateZoneName: UNKNOWN.string,
        virtualNetwork: { id: UNKNOWN.string },
        registrationEnabled: false,
        location: "global",
      },
      dependsOn: { privateZoneName: ["zone-cosmos"] },
    });
  if (overrides.withPe !== false)
    out.push({
      type: PE,
      name: "cosmos-pe",
      props: {
        subnet: { id: UNKNOWN.string },
        privateLinkServiceConnections: [
          { name: "sql", groupIds: [overrides.peGroup ?? "Sql"], privateLinkServiceId: UNKNOWN.string },
        ],
      },
      dependsOn: { privateLinkServiceConnections: ["cosmos"] },
    });
  if (overrides.withZoneGroup !== false && overrides.withPe !== false)
    out.push({
      type: ZONE_GROUP,
      name: "cosmos-pe-dns",
      props: {
        privateEndpointName: UNKNOWN.string,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: [{ name: "z", privateDnsZoneId: UNKNOWN.string }],
      },
      dependsOn: { privateEndpointName: ["cosmos-pe"], privateDnsZoneConfigs: ["zone-cosmos"] },
    });
  if (overrides.withDiag !== false)
    out.push({
      type: DIAG,
      name: "cosmos-diag",
      props: {
        resourceUri: UNKNOWN.string,
        workspaceId: UNKNOWN.string,
        logs: overrides.diagLogs ?? [{ categoryGroup: "allLogs", enabled: true }],
      },
      dependsOn: { resourceUri: ["cosmos"], workspaceId: [] },
    });
  return out;
}

function problems(messages: string[]): string[] {
  return messages.map((m) => m.slice(0, m.indexOf(" Fix:")));
}

describe("azure-private-endpoint-wiring at preview (links through property dependencies)", () => {
  const r = rule("azure-private-endpoint-wiring");
  it("passes a private account with a Sql endpoint in the documents zone", async () => {
    expect(await runStackRule(r, previewStack())).toEqual({ violations: [], notApplicable: [], unknown: [], urns: [] });
  });
  it.each([
    [{ withPe: false }, "cosmos has public access disabled but no private endpoint connects to it."],
    [{ peGroup: "MongoDB" }, 'the private endpoint of cosmos uses groupIds ["MongoDB"].'],
    [
      { withZoneGroup: false },
      "the private endpoint of cosmos is not registered in the privatelink.documents.azure.com private DNS zone.",
    ],
    [
      { zoneName: "privatelink.vaultcore.azure.net" },
      "the private endpoint of cosmos is not registered in the privatelink.documents.azure.com private DNS zone.",
    ],
    [
      { withLink: false },
      "the privatelink.documents.azure.com zone of cosmos's private endpoint is not linked to any virtual network.",
    ],
  ])("%j → one violation on the account", async (o, problem) => {
    const run = await runStackRule(r, previewStack(o));
    expect(problems(run.violations)).toEqual([problem]);
    expect(run.urns).toEqual([urnOf({ type: COSMOS, name: "cosmos" })]);
    expect(run.unknown).toEqual([]);
  });
  it("does not require an endpoint for a service with public access (the network rules judge that)", async () => {
    const stack = previewStack({ withPe: false }).map((x) =>
      x.type === COSMOS ? { ...x, props: { ...x.props, publicNetworkAccess: "Enabled" } } : x,
    );
    expect((await runStackRule(r, stack)).violations).toEqual([]);
  });
  it("links by known ids after deployment, and honours exemptions", async () => {
    const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/cosmos";
    const known = previewStack({ withZoneGroup: false }).map((x) => {
      if (x.type === COSMOS) return { ...x, props: { ...x.props, id } };
      if (x.type === PE)
        return {
          ...x,
          dependsOn: {},
          props: { privateLinkServiceConnections: [{ groupIds: ["Sql"], privateLinkServiceId: id }] },
        };
      return x;
    });
    expect(problems((await runStackRule(r, known, { requireDnsZoneGroup: false })).violations)).toEqual([]);
    const noPe = previewStack({ withPe: false });
    expect(
      (
        await runStackRule(r, noPe, {
          exemptions: [{ pattern: "cosmos", reason: "temporary: endpoint created by the network team" }],
        })
      ).violations,
    ).toEqual([]);
  });
});

describe("azure-diagnostic-settings-required at preview", () => {
  const r = rule("azure-diagnostic-settings-required");
  it("passes a setting linked through resourceUri with an unknown workspace id", async () => {
    expect((await runStackRule(r, previewStack())).violations).toEqual([]);
  });
  it.each([
    [{ withDiag: false }, "cosmos (azure-native:cosmosdb:DatabaseAccount) has no diagnostic setting."],
    [
      { diagLogs: [{ categoryGroup: "allLogs", enabled: false }] },
      "the diagnostic settings of cosmos send no enabled logs to workspaceId.",
    ],
    [{ diagLogs: [] }, "the diagnostic settings of cosmos send no enabled logs to workspaceId."],
  ])("%j → one violation", async (o, problem) => {
    const run = await runStackRule(r, previewStack(o));
    expect(problems(run.violations)).toEqual([problem]);
    expect(run.unknown).toEqual([]);
  });
  it("accepts a known resourceUri of a sub-resource (blob service of a storage account)", async () => {
    const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/models";
    const stack: StackResourceSpec[] = [
      {
        type: "azure-native:storage:StorageAccount",
        name: "models",
        props: { ...compliant["azure-native:storage:StorageAccount"]!, id },
      },
      {
        type: DIAG,
        name: "models-diag",
        props: {
          resourceUri: `${id}/blobServices/default`,
          workspaceId: "/w",
          logs: [{ category: "StorageRead", enabled: true }],
        },
      },
    ];
    expect((await runStackRule(r, stack)).violations).toEqual([]);
  });
});
