import * as network from "@pulumi/azure-native/network";
import { resourceRule } from "../lib/define";
import { fromAnySource, orderedRules, ruleLabel } from "../lib/nsg";
import { eqi } from "../lib/strings";

/** No inbound rule admits traffic from anywhere. */
export const azureNsgNoAnyInboundSource = resourceRule(
  {
    name: "azure-nsg-no-any-inbound-source",
    description:
      "Network security groups must not allow inbound traffic from any source (`*`, `Internet`, `0.0.0.0/0`). Such a rule exposes everything behind it to the internet. Stricter than PSRule, which checks `*` only.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Name the sources an inbound Allow rule admits (address prefixes, service tags such as `AzureLoadBalancer`, or application security groups).",
    controls: [
      { source: "psrule", id: "Azure.NSG.AnyInboundSource", title: "Avoid inbound rules that allow any source" },
      {
        source: "cis-azure",
        id: "v2.0.0 6.1",
        title: "Ensure that RDP access from the Internet is evaluated and restricted",
      },
      {
        source: "cis-azure",
        id: "v2.0.0 6.2",
        title: "Ensure that SSH access from the Internet is evaluated and restricted",
      },
    ],
  },
  network.NetworkSecurityGroup,
  (props, report) => {
    for (const rule of orderedRules(props, "Inbound"))
      if (eqi(rule.access, "Allow") && fromAnySource(rule))
        report(`${ruleLabel(rule)} allows inbound traffic from any source.`, "restrict the rule's source prefixes.");
  },
);
