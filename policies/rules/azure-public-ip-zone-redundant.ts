import * as network from "@pulumi/azure-native/network";
import { resourceRule } from "../lib/define";
import { eqi, show } from "../lib/strings";

/** The address keeps working when one availability zone fails. */
export const azurePublicIpZoneRedundant = resourceRule(
  {
    name: "azure-public-ip-zone-redundant",
    description:
      'Standard regional public IP addresses must be zone-redundant (`zones: ["1", "2", "3"]`). Without zones, or pinned to one zone, the address fails with that zone; zones cannot be changed after creation. StandardV2 addresses are zone-redundant by default and global ones have no zones, so both are skipped. Reliability rule: mandatory in prod, advisory in dev.',
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      'Set `zones: ["1", "2", "3"]` when creating the address (a change replaces it, and with it the egress address).',
    controls: [
      { source: "psrule", id: "Azure.PublicIP.AvailabilityZone", title: "Make Standard public IPs zone-redundant" },
      {
        source: "microsoft-learn",
        id: "public-ip-availability-zones",
        title: "Public IP addresses: availability zones",
      },
    ],
  },
  network.PublicIPAddress,
  (props, report) => {
    if (!eqi(props.sku?.name, "Standard") || eqi(props.sku?.tier, "Global")) return;
    const zones: unknown = props.zones;
    const set = Array.isArray(zones) ? new Set(zones.map(String)) : new Set<string>();
    if (!(set.size === 3 && ["1", "2", "3"].every((z) => set.has(z))))
      report(`zones is ${show(zones)}, not all of 1, 2 and 3.`, 'set `zones: ["1", "2", "3"]`.');
  },
);
