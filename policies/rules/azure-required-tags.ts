import { type ResourceValidationArgs } from "@pulumi/policy";
import { withDefaults } from "../lib/config";
import { multiTypeRule } from "../lib/define";

/** Resource types that accept `tags` in azure-native v3 and that the platform creates. */
export const TAGGABLE_TYPES = [
  "azure-native:resources:ResourceGroup",
  "azure-native:cosmosdb:DatabaseAccount",
  "azure-native:containerservice:ManagedCluster",
  "azure-native:containerservice:AgentPool",
  "azure-native:containerregistry:Registry",
  "azure-native:keyvault:Vault",
  "azure-native:storage:StorageAccount",
  "azure-native:network:VirtualNetwork",
  "azure-native:network:NetworkSecurityGroup",
  "azure-native:network:PrivateEndpoint",
  "azure-native:network:NatGateway",
  "azure-native:network:PublicIPAddress",
  "azure-native:privatedns:PrivateZone",
  "azure-native:privatedns:VirtualNetworkLink",
  "azure-native:operationalinsights:Workspace",
  "azure-native:applicationinsights:Component",
  "azure-native:managedidentity:UserAssignedIdentity",
  "azure-native:monitor:AzureMonitorWorkspace",
  "azure-native:monitor:ActionGroup",
  "azure-native:monitor:MetricAlert",
] as const;

const configSchema = {
  requiredTags: {
    type: "array",
    items: { type: "string" },
    default: ["environment", "workload", "managed-by"],
    description: "Tag keys every taggable resource must carry.",
  },
  defaultTags: {
    type: "object",
    additionalProperties: { type: "string" },
    default: { workload: "ai-platform", "managed-by": "pulumi" },
    description: "Values `remediate` fills in for missing tags (existing values are kept).",
  },
  allowedValues: {
    type: "object",
    additionalProperties: { type: "string" },
    default: { environment: "^(dev|staging|prod)$" },
    description: "Per tag key, a regular expression its value must match.",
  },
} as const;

interface TagsConfig {
  requiredTags: string[];
  defaultTags: Record<string, string>;
  allowedValues: Record<string, string>;
}

/** Adds the configured default tags that are missing; `undefined` when nothing changes. */
function remediateTags(args: ResourceValidationArgs): Record<string, unknown> | undefined {
  if (!TAGGABLE_TYPES.includes(args.type as (typeof TAGGABLE_TYPES)[number])) return undefined;
  const config = withDefaults<TagsConfig>({ properties: configSchema as never }, args.getConfig<object>());
  const tags: Record<string, string> = { ...(args.props.tags ?? {}) };
  const missing = Object.keys(config.defaultTags).filter((k) => tags[k] === undefined);
  if (missing.length === 0) return undefined;
  return { ...args.props, tags: { ...config.defaultTags, ...tags } };
}

/** Every taggable Azure resource carries the organisation's tags, with valid values. */
export const azureRequiredTags = multiTypeRule(
  {
    name: "azure-required-tags",
    description:
      "Taggable Azure resources must carry the required tags with allowed values. Tags drive cost allocation, ownership and incident routing; at level `remediate` (the default) the configured default tags are added automatically and only tags without a default can fail.",
    severity: "low",
    // The fix is unambiguous for tags with a configured default, so the rule fixes them itself; a
    // required tag without a default still fails (reported as mandatory).
    enforcementLevel: "remediate",
    exemptible: true,
    remediationSteps:
      "Pass `tags` with every required key to the component (components forward them to each child), or run at level `remediate`.",
    controls: [
      { source: "azure-policy", id: "871b6d14", title: "Require a tag on resources" },
      { source: "azure-policy", id: "1e30110a", title: "Require a tag and its value on resources" },
    ],
    config: configSchema as never,
  },
  TAGGABLE_TYPES,
  (props, report, config: TagsConfig) => {
    const tags: Record<string, unknown> = props.tags ?? {};
    const missing = config.requiredTags.filter((k) => typeof tags[k] !== "string" || tags[k] === "");
    if (missing.length > 0)
      report(
        `tags are missing ${missing.join(", ")}.`,
        `add ${missing.map((k) => `\`${k}\``).join(", ")} to \`tags\`.`,
      );
    for (const [key, pattern] of Object.entries(config.allowedValues)) {
      const value = tags[key];
      if (typeof value === "string" && !new RegExp(pattern).test(value))
        report(`tag ${key} is "${value}", which does not match ${pattern}.`, `use a value matching ${pattern}.`);
    }
  },
  remediateTags,
);
