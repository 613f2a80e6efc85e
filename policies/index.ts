// Wiring only: constructing a PolicyPack starts the analyzer server, so tests import ./rules instead.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME } from "./pack";
import { rules } from "./rules";

new PolicyPack(PACK_NAME, {
  policies: [...rules],
  enforcementLevel: "advisory",
  description: "Security and compliance rules of the AI platform: Azure data services, AKS, and Kubernetes workloads.",
  provider: "azure",
  tags: ["azure", "kubernetes", "security"],
});
