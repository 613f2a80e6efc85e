import * as network from "@pulumi/azure-native/network";
import { resourceRule } from "../lib/define";
import { fromAnySource, orderedRules, ruleLabel } from "../lib/nsg";
import { eqi } from "../lib/strings";

/** The first inbound rule does not drop everything, load-balancer probes included. */
export const azureNsgNoDenyAllInbound = resourceRule(
  {
    name: "azure-nsg-no-deny-all-inbound",
    description:
      "The highest-priority inbound rule of a network security group must not deny traffic from any source. It would also drop Azure Load Balancer health probes and traffic within the virtual network, so every service behind it fails; Azure's default rules already deny the internet last. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      "Allow the traffic the subnet needs (`VirtualNetwork`, `AzureLoadBalancer`) with lower priority numbers than a broad deny, or rely on the default DenyAllInBound rule.",
    controls: [{ source: "psrule", id: "Azure.NSG.DenyAllInbound", title: "Do not deny all inbound traffic first" }],
  },
  network.NetworkSecurityGroup,
  (props, report) => {
    const [first] = orderedRules(props, "Inbound");
    if (first !== undefined && eqi(first.access, "Deny") && fromAnySource(first))
      report(
        `${ruleLabel(first)} is the first inbound rule and denies every source.`,
        "put the rules that allow required traffic ahead of it.",
      );
  },
);
