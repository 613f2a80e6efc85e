/**
 * Azure's naming rules per `azure-native` type: length, characters, first and last character. From Microsoft's
 * "Naming rules and restrictions for Azure resources" unless the entry cites a service source. A type whose
 * rules nobody documents has an explicit `noRule` entry; a type missing from this table is itself a finding.
 */

/** Where the rules come from. */
export const RESOURCE_NAME_RULES =
  "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules";

/** The rules of one type. */
export interface NameRule {
  /** Shortest and longest accepted name. */
  min: number;
  max: number;
  /** Every character must match (a character class, without anchors). */
  chars: RegExp;
  /** First and last character must match. */
  start?: RegExp;
  end?: RegExp;
  /** Other constraints: return a problem, or `undefined`. */
  extra?: (name: string) => string | undefined;
  /** The rule in words, for the report. */
  text: string;
  /** Public source; defaults to {@link RESOURCE_NAME_RULES}. */
  source?: string;
}

/** No documented rule: said explicitly, with where we looked. */
export interface NoRule {
  noRule: string;
}

const ALNUM = /[A-Za-z0-9]/;
const NETWORK = { chars: /[A-Za-z0-9_.-]/, start: ALNUM, end: /[A-Za-z0-9_]/ };
const networkText = (min: number, max: number) =>
  `${min}-${max} alphanumerics, underscores, periods and hyphens; starts alphanumeric, ends alphanumeric or underscore`;
const guid = (text: string): NameRule => ({
  min: 36,
  max: 36,
  chars: /[0-9a-f-]/i,
  extra: (n) => (/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(n) || n === "<guid>" ? undefined : "not a GUID"),
  text,
});
const noDoubleHyphen = (n: string) => (n.includes("--") ? "consecutive hyphens" : undefined);

/** The rules by type token. */
export const nameRules: Readonly<Record<string, NameRule | NoRule>> = {
  "azure-native:resources:ResourceGroup": {
    min: 1,
    max: 90,
    chars: /[\p{L}\p{N}_().-]/u,
    extra: (n) => (n.endsWith(".") ? "ends with a period" : undefined),
    text: "1-90 letters, digits, underscores, parentheses, hyphens and periods; not ending in a period",
  },
  "azure-native:authorization:ManagementLockByScope": {
    min: 1,
    max: 90,
    chars: /[^<>%&:\\?/\p{Cc}]/u,
    extra: (n) => (/[. ]$/.test(n) ? "ends with a period or space" : undefined),
    text: "1-90 characters except <>%&:\\?/ and control characters; not ending in a period or space",
  },
  "azure-native:authorization:RoleAssignment": guid("a GUID"),
  "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": {
    ...guid("a GUID"),
    source: "https://learn.microsoft.com/azure/cosmos-db/how-to-setup-rbac",
  },
  "azure-native:containerregistry:Registry": { min: 5, max: 50, chars: ALNUM, text: "5-50 alphanumerics" },
  "azure-native:containerregistry:AgentPool": {
    min: 3,
    max: 20,
    chars: /[A-Za-z0-9-]/,
    text: "3-20 alphanumerics and hyphens (REST API: agentPoolName pattern ^[a-zA-Z0-9-]*$)",
    source: "https://learn.microsoft.com/rest/api/containerregistry/agent-pools/create",
  },
  "azure-native:containerregistry:TaskRun": {
    min: 5,
    max: 50,
    chars: /[A-Za-z0-9_-]/,
    text: "5-50 alphanumerics, hyphens and underscores (REST API: taskRunName pattern ^[-\\w]*$)",
    source: "https://learn.microsoft.com/rest/api/containerregistry/task-runs/create",
  },
  "azure-native:containerservice:ManagedCluster": {
    min: 1,
    max: 63,
    chars: /[A-Za-z0-9_-]/,
    start: ALNUM,
    end: ALNUM,
    text: "1-63 alphanumerics, underscores and hyphens; starts and ends alphanumeric",
  },
  "azure-native:containerservice:AgentPool": {
    min: 1,
    max: 12,
    chars: /[a-z0-9]/,
    start: /[a-z]/,
    text: "1-12 lowercase letters and digits (Linux pools); starts with a letter",
  },
  "azure-native:containerservice:MaintenanceConfiguration": {
    min: 7,
    max: 31,
    chars: ALNUM,
    extra: (n) =>
      ["default", "aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"].includes(n)
        ? undefined
        : "not one of default, aksManagedAutoUpgradeSchedule, aksManagedNodeOSUpgradeSchedule",
    text: "one of default, aksManagedAutoUpgradeSchedule, aksManagedNodeOSUpgradeSchedule",
    source: "https://learn.microsoft.com/azure/aks/planned-maintenance",
  },
  "azure-native:cosmosdb:DatabaseAccount": {
    min: 3,
    max: 44,
    chars: /[a-z0-9-]/,
    start: /[a-z0-9]/,
    end: /[a-z0-9]/,
    text: "3-44 lowercase letters, digits and hyphens; starts and ends with a letter or digit",
  },
  "azure-native:cosmosdb:SqlResourceSqlDatabase": {
    min: 1,
    max: 255,
    chars: /[^/\\#?]/,
    extra: (n) => (n.endsWith(" ") ? "ends with a space" : undefined),
    text: "1-255 characters except / \\ # ?; not ending in a space",
    source: "https://learn.microsoft.com/azure/cosmos-db/concepts-limits#per-item-limits",
  },
  "azure-native:cosmosdb:SqlResourceSqlContainer": {
    min: 1,
    max: 255,
    chars: /[^/\\#?]/,
    extra: (n) => (n.endsWith(" ") ? "ends with a space" : undefined),
    text: "1-255 characters except / \\ # ?; not ending in a space",
    source: "https://learn.microsoft.com/azure/cosmos-db/concepts-limits#per-item-limits",
  },
  "azure-native:keyvault:Vault": {
    min: 3,
    max: 24,
    chars: /[A-Za-z0-9-]/,
    start: /[A-Za-z]/,
    end: ALNUM,
    extra: noDoubleHyphen,
    text: "3-24 alphanumerics and hyphens; starts with a letter, ends with a letter or digit; no consecutive hyphens",
  },
  "azure-native:managedidentity:UserAssignedIdentity": {
    min: 3,
    max: 128,
    chars: /[A-Za-z0-9_-]/,
    start: ALNUM,
    text: "3-128 alphanumerics, hyphens and underscores; starts with a letter or digit",
  },
  "azure-native:managedidentity:FederatedIdentityCredential": {
    min: 3,
    max: 120,
    chars: /[A-Za-z0-9_-]/,
    start: ALNUM,
    text: "3-120 alphanumerics, hyphens and underscores; starts with a letter or digit",
  },
  "azure-native:monitor:ActionGroup": {
    min: 1,
    max: 260,
    chars: /[^:<>+/&%\\?|\p{Cc}]/u,
    extra: (n) => (/[. ]$/.test(n) ? "ends with a period or space" : undefined),
    text: "1-260 characters except :<>+/&%\\?| ; not ending in a period or space",
  },
  "azure-native:monitor:MetricAlert": {
    min: 1,
    max: 260,
    chars: /[^*#&+:<>?@%{}\\/\p{Cc}]/u,
    extra: (n) => (/[. ]$/.test(n) ? "ends with a period or space" : undefined),
    text: "1-260 characters except *#&+:<>?@%{}\\/ ; not ending in a period or space",
  },
  "azure-native:monitor:DiagnosticSetting": {
    min: 1,
    max: 260,
    chars: /[^:<>+/&%\\?|\p{Cc}]/u,
    text: "1-260 characters except :<>+/&%\\?|",
  },
  "azure-native:monitor:DataCollectionEndpoint": {
    min: 3,
    max: 44,
    chars: /[A-Za-z0-9-]/,
    start: ALNUM,
    end: ALNUM,
    text: "3-44 alphanumerics and hyphens; starts and ends alphanumeric (enforced by the service, not in the ARM contract)",
    source: "https://github.com/Azure/ARO-HCP/issues/457",
  },
  "azure-native:monitor:DataCollectionRule": {
    noRule: "no length in the naming-rules table or the REST API; Azure Monitor accepts up to 64 in practice",
  },
  "azure-native:monitor:DataCollectionRuleAssociation": {
    noRule: "no rule in the naming-rules table or the REST API (a child of the associated resource)",
  },
  "azure-native:alertsmanagement:PrometheusRuleGroup": {
    noRule:
      "no rule in the naming-rules table or the REST API; the platform's rule group names are short and hyphenated",
  },
  "azure-native:monitor:AzureMonitorWorkspace": {
    noRule: "no rule in the naming-rules table; the platform keeps these names within the endpoint's 44 characters",
  },
  "azure-native:applicationinsights:Component": {
    min: 1,
    max: 260,
    chars: /[^%&\\?/\p{Cc}]/u,
    extra: (n) => (/[. ]$/.test(n) ? "ends with a period or space" : undefined),
    text: "1-260 characters except %&\\?/ ; not ending in a period or space",
  },
  "azure-native:operationalinsights:Workspace": {
    min: 4,
    max: 63,
    chars: /[A-Za-z0-9-]/,
    start: ALNUM,
    end: ALNUM,
    text: "4-63 alphanumerics and hyphens; starts and ends alphanumeric",
  },
  "azure-native:network:VirtualNetwork": { min: 2, max: 64, ...NETWORK, text: networkText(2, 64) },
  "azure-native:network:Subnet": { min: 1, max: 80, ...NETWORK, text: networkText(1, 80) },
  "azure-native:network:NetworkSecurityGroup": { min: 1, max: 80, ...NETWORK, text: networkText(1, 80) },
  "azure-native:network:NatGateway": { min: 1, max: 80, ...NETWORK, text: networkText(1, 80) },
  "azure-native:network:PublicIPAddress": { min: 1, max: 80, ...NETWORK, text: networkText(1, 80) },
  "azure-native:network:PrivateEndpoint": { min: 2, max: 64, ...NETWORK, text: networkText(2, 64) },
  "azure-native:network:PrivateDnsZoneGroup": {
    noRule: "no rule in the naming-rules table or the REST API (a child of the private endpoint)",
  },
  "azure-native:privatedns:PrivateZone": {
    min: 1,
    max: 253,
    chars: /[A-Za-z0-9_.-]/,
    extra: (n) =>
      n.split(".").some((l) => l.length < 1 || l.length > 63) ? "a label outside 1-63 characters" : undefined,
    text: "a DNS name: labels of 1-63 alphanumerics, underscores and hyphens separated by periods; at most 253",
  },
  "azure-native:privatedns:VirtualNetworkLink": { min: 1, max: 80, ...NETWORK, text: networkText(1, 80) },
  "azure-native:storage:StorageAccount": {
    min: 3,
    max: 24,
    chars: /[a-z0-9]/,
    text: "3-24 lowercase letters and digits",
  },
  "azure-native:storage:BlobContainer": {
    min: 3,
    max: 63,
    chars: /[a-z0-9-]/,
    start: /[a-z0-9]/,
    end: /[a-z0-9]/,
    extra: noDoubleHyphen,
    text: "3-63 lowercase letters, digits and hyphens; starts and ends with a letter or digit; no consecutive hyphens",
  },
  "azure-native:storage:BlobServiceProperties": {
    min: 7,
    max: 7,
    chars: /[a-z]/,
    extra: (n) => (n === "default" ? undefined : 'not "default"'),
    text: 'always "default"',
    source: "https://learn.microsoft.com/rest/api/storagerp/blob-services/set-service-properties",
  },
};

/** The problems of `name` under `rule` (empty when it complies). Pure. */
export function nameProblems(name: string, rule: NameRule): string[] {
  const problems: string[] = [];
  if (name.length < rule.min || name.length > rule.max)
    problems.push(`${name.length} characters, outside ${rule.min}-${rule.max}`);
  const bad = [...new Set([...name].filter((c) => !new RegExp(`^${rule.chars.source}$`, rule.chars.flags).test(c)))];
  if (bad.length > 0) problems.push(`characters not allowed: ${bad.map((c) => JSON.stringify(c)).join(" ")}`);
  if (rule.start !== undefined && name.length > 0 && !rule.start.test(name[0] as string))
    problems.push(`starts with ${JSON.stringify(name[0])}`);
  if (rule.end !== undefined && name.length > 0 && !rule.end.test(name[name.length - 1] as string))
    problems.push(`ends with ${JSON.stringify(name[name.length - 1])}`);
  const extra = rule.extra?.(name);
  if (extra !== undefined) problems.push(extra);
  return problems;
}
