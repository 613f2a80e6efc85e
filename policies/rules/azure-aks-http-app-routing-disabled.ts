import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { type Props } from "../lib/props";

/** The retired HTTP application routing add-on stays off. */
export const azureAksHttpAppRoutingDisabled = resourceRule(
  {
    name: "azure-aks-http-app-routing-disabled",
    description:
      "AKS clusters must not enable the HTTP application routing add-on. It publishes services through a public DNS zone without TLS and is not meant for production; it is off when unset.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Remove `addonProfiles.httpApplicationRouting` (or set `enabled: false`); use the application routing add-on (`ingressProfile.webAppRouting`) or an internal ingress instead.",
    controls: [
      { source: "psrule", id: "Azure.AKS.HttpAppRouting", title: "Disable the HTTP application routing add-on" },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    const addons: Props = props.addonProfiles ?? {};
    // Add-on keys are case-insensitive in the AKS API.
    for (const key of Object.keys(addons).filter((k) => k.toLowerCase() === "httpapplicationrouting"))
      if (addons[key]?.enabled === true)
        report(`addonProfiles.${key}.enabled is true.`, "remove the add-on or set `enabled: false`.");
  },
);
