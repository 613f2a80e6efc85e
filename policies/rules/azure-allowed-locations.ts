import { multiTypeRule } from "../lib/define";

function normalise(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** Resources are created only in approved regions (data residency, quota, latency). */
export const azureAllowedLocations = multiTypeRule(
  {
    name: "azure-allowed-locations",
    description:
      "Azure resources must be created in an approved region. Data residency and the GPU quota are agreed per region; `global` (DNS zones) is always allowed and an unset location inherits the resource group's.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Set the stack's `azure-native:location` (or the resource's `location`) to an allowed region, or extend `allowedLocations` after approval.",
    controls: [
      { source: "azure-policy", id: "e56962a6", title: "Allowed locations" },
      { source: "azure-policy", id: "e765b5de", title: "Allowed locations for resource groups" },
      { source: "psrule", id: "Azure.Resource.AllowedRegions", title: "Deploy to allowed regions only" },
      { source: "psrule", id: "Azure.ACR.ReplicaLocation", title: "Keep registry replicas within allowed regions" },
    ],
    config: {
      allowedLocations: {
        type: "array",
        items: { type: "string" },
        default: [
          "westeurope",
          "northeurope",
          "swedencentral",
          "francecentral",
          "germanywestcentral",
          "uksouth",
          "eastus",
          "eastus2",
          "westus3",
        ],
        description: "Region names (any case, spaces ignored).",
      },
    },
  },
  ["azure-native:*"],
  (props, report, config: { allowedLocations: string[] }) => {
    const location: unknown = props.location;
    if (typeof location !== "string") return;
    const n = normalise(location);
    if (n === "global") return;
    if (!config.allowedLocations.some((l) => normalise(l) === n))
      report(
        `location is "${location}", which is not an allowed region.`,
        `use one of ${config.allowedLocations.join(", ")}.`,
      );
  },
);
