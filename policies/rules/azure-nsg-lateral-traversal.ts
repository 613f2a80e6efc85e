import * as network from "@pulumi/azure-native/network";
import { resourceRule } from "../lib/define";
import { coversPort, coversTcp, coversVirtualNetwork, orderedRules } from "../lib/nsg";
import { eqi } from "../lib/strings";

const PORTS = [
  { port: 3389, label: "RDP (3389)" },
  { port: 22, label: "SSH (22)" },
];

/** A compromised node cannot reach other hosts in the network over RDP or SSH. */
export const azureNsgLateralTraversal = resourceRule(
  {
    name: "azure-nsg-lateral-traversal",
    description:
      "Network security groups must deny outbound RDP (3389) and SSH (22) to the virtual network before any rule allows it, so a compromised node cannot move laterally. Azure's default rule AllowVnetOutBound allows both. Stricter than PSRule, which passes when either port is denied: this rule needs both.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      'Add outbound rules `{ access: "Deny", direction: "Outbound", protocol: "Tcp", destinationAddressPrefix: "VirtualNetwork", destinationPortRanges: ["22", "3389"], sourceAddressPrefix: "*", sourcePortRange: "*" }` with a priority below every outbound allow rule (the Network component adds them).',
    controls: [
      {
        source: "psrule",
        id: "Azure.NSG.LateralTraversal",
        title: "Deny outbound RDP and SSH within the virtual network",
      },
    ],
  },
  network.NetworkSecurityGroup,
  (props, report) => {
    const outbound = orderedRules(props, "Outbound");
    for (const { port, label } of PORTS) {
      const first = outbound.find((r) => coversTcp(r) && coversPort(r, port) && coversVirtualNetwork(r));
      if (first === undefined || !eqi(first.access, "Deny"))
        report(
          `no outbound rule denies ${label} to VirtualNetwork${first ? ` before rule ${String(first.name)} allows it` : ""}.`,
          `add an outbound Deny rule for TCP ${port} to VirtualNetwork ahead of every outbound Allow rule.`,
        );
    }
  },
);
