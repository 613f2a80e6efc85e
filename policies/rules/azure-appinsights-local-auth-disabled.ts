import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Telemetry is accepted only with an Entra token, not with the instrumentation key alone. */
export const azureAppinsightsLocalAuthDisabled = resourceRule(
  {
    name: "azure-appinsights-local-auth-disabled",
    description:
      "Application Insights components must disable local authentication (`disableLocalAuth: true`), so telemetry is ingested only with an Entra token. With local authentication anyone who reads the connection string can write telemetry; it is enabled when unset.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Set `disableLocalAuth: true` and grant the workloads' identities `Monitoring Metrics Publisher` on the component.",
    controls: [
      {
        source: "psrule",
        id: "Azure.AppInsights.LocalAuth",
        title: "Disable local (instrumentation key) authentication",
      },
      {
        source: "microsoft-learn",
        id: "azure-monitor-app-entra-auth",
        title: "Microsoft Entra authentication for Application Insights",
      },
    ],
  },
  applicationinsights.Component,
  (props, report) => {
    if (props.disableLocalAuth !== true)
      report(
        `disableLocalAuth is ${show(props.disableLocalAuth)} (service default false).`,
        "set `disableLocalAuth: true`.",
      );
  },
);
