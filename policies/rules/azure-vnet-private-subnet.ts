import { multiTypeRule } from "../lib/define";
import { type Props } from "../lib/props";
import { show } from "../lib/strings";

const SUBNET = "azure-native:network:Subnet";
const VNET = "azure-native:network:VirtualNetwork";
const EXCLUDED = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "AzureBastionSubnet"];

/** Nothing in a subnet reaches the internet through Azure's implicit default outbound IP. */
export const azureVnetPrivateSubnet = multiTypeRule(
  {
    name: "azure-vnet-private-subnet",
    description:
      "Subnets must disable default outbound access (`defaultOutboundAccess: false`), so egress leaves only through an explicit path (NAT gateway, firewall) whose address is known and logged. Unset means enabled on the API versions the platform uses. Stricter than PSRule, which skips delegated subnets.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps: "Set `defaultOutboundAccess: false` and attach a NAT gateway to subnets that need egress.",
    controls: [
      { source: "psrule", id: "Azure.VNET.PrivateSubnet", title: "Disable default outbound access on subnets" },
      {
        source: "microsoft-learn",
        id: "default-outbound-access",
        title: "Default outbound access in Azure (private subnets)",
      },
    ],
  },
  [SUBNET, VNET],
  (props, report, _config, args) => {
    const subnets: Array<{ label: string; name: unknown; subnet: Props }> =
      args.type === SUBNET
        ? [{ label: "defaultOutboundAccess", name: props.subnetName ?? args.name, subnet: props }]
        : ((props.subnets ?? []) as Props[]).map((s, i) => ({
            label: `subnets[${i}].defaultOutboundAccess`,
            name: s.name,
            subnet: s.properties ?? s,
          }));
    for (const { label, name, subnet } of subnets) {
      if (typeof name === "string" && EXCLUDED.some((e) => e.toLowerCase() === name.toLowerCase())) continue;
      if (subnet.defaultOutboundAccess !== false)
        report(
          `${label} is ${show(subnet.defaultOutboundAccess)} (${String(name)}).`,
          "set `defaultOutboundAccess: false`.",
        );
    }
  },
);
