import * as k8s from "@pulumi/kubernetes";
import { resourceRule } from "../lib/define";
import { eqi } from "../lib/strings";

const INTERNAL = "service.beta.kubernetes.io/azure-load-balancer-internal";

/** Services are not exposed on public load balancers or node ports. */
export const k8sServiceNotPublic = resourceRule(
  {
    name: "k8s-service-not-public",
    description:
      "Kubernetes Services must not create a public Azure load balancer or open node ports. A LoadBalancer Service is allowed only with the internal load balancer annotation; public traffic enters through the platform's ingress.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: `Use type ClusterIP, or add the annotation \`${INTERNAL}: "true"\` to a LoadBalancer Service.`,
    controls: [
      { source: "azure-policy", id: "3fc4dc25", title: "Kubernetes clusters should use internal load balancers" },
      { source: "project", id: "no-public-services", title: "Pulumi policy template no-public-services" },
    ],
  },
  k8s.core.v1.Service,
  (props, report) => {
    const type = props.spec?.type;
    if (eqi(type, "NodePort")) report("spec.type is NodePort, which opens a port on every node.", "use ClusterIP.");
    if (eqi(type, "LoadBalancer") && !eqi(props.metadata?.annotations?.[INTERNAL], "true"))
      report(
        "spec.type is LoadBalancer without the internal annotation, so Azure creates a public IP.",
        `add the annotation \`${INTERNAL}: "true"\` or use ClusterIP.`,
      );
  },
);
