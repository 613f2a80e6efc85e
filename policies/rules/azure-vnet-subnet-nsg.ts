import { multiTypeRule } from "../lib/define";
import { type Props } from "../lib/props";

const SUBNET = "azure-native:network:Subnet";
const VNET = "azure-native:network:VirtualNetwork";
/** Subnets Azure does not allow (or need) an NSG on. */
const EXCLUDED = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"];

/** Every subnet filters traffic with a network security group. */
export const azureVnetSubnetNsg = multiTypeRule(
  {
    name: "azure-vnet-subnet-nsg",
    description:
      "Every subnet, whether a Subnet resource or inline in a VirtualNetwork, must have a network security group (gateway, firewall and route server subnets excepted). A subnet without one accepts every flow the default routes allow. An NSG id unknown at preview counts as set.",
    severity: "high",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Set `networkSecurityGroup: { id: <nsg id> }` on the subnet (the Network component gives each subnet its own).",
    controls: [
      { source: "psrule", id: "Azure.VNET.UseNSGs", title: "Associate a network security group with every subnet" },
      { source: "azure-policy", id: "e71308d3", title: "Subnets should be associated with a Network Security Group" },
    ],
  },
  [SUBNET, VNET],
  (props, report, _config, args) => {
    const subnets: Array<{ label: string; name: unknown; subnet: Props }> =
      args.type === SUBNET
        ? [{ label: "the subnet", name: props.subnetName ?? args.name, subnet: props }]
        : ((props.subnets ?? []) as Props[]).map((s, i) => ({
            label: `subnets[${i}]`,
            name: s.name,
            subnet: s.properties ?? s,
          }));
    for (const { label, name, subnet } of subnets) {
      if (typeof name === "string" && EXCLUDED.some((e) => e.toLowerCase() === name.toLowerCase())) continue;
      // `in` does not read the id, so `{ id: nsg.id }` (unknown at preview) counts as set.
      const nsg: unknown = subnet.networkSecurityGroup;
      if (nsg === undefined || nsg === null || typeof nsg !== "object" || !("id" in nsg))
        report(`${label} (${String(name)}) has no network security group.`, "set `networkSecurityGroup: { id }`.");
    }
  },
);
