import { multiTypeRule } from "../lib/define";
import { fromRegistry } from "../lib/images";
import { WORKLOAD_TYPES, containersOf, podTemplate } from "../lib/pod";

/** Images come only from the platform's registry. */
export const k8sImagesFromAllowedRegistries = multiTypeRule(
  {
    name: "k8s-images-from-allowed-registries",
    description:
      "Container images must come from the platform's registry. Images there are built by the platform's pipeline and scanned, and pulling does not depend on a public registry's availability or rate limits.",
    severity: "high",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Import or build the image into the platform's Azure Container Registry and reference it from there, or exempt a pinned third-party image in the policy config.",
    controls: [
      { source: "azure-policy", id: "febd0533", title: "Kubernetes cluster containers should only use allowed images" },
    ],
    config: {
      allowedRegistries: {
        type: "array",
        items: { type: "string" },
        default: ["*.azurecr.io"],
        description: "Registry patterns `host[/path-prefix]`; `*` in the host matches any run of characters.",
      },
    },
  },
  WORKLOAD_TYPES,
  (props, report, config: { allowedRegistries: string[] }, args) => {
    for (const { label, container } of containersOf(podTemplate(args.type, props).spec)) {
      const image: unknown = container.image;
      if (typeof image !== "string" || !config.allowedRegistries.some((p) => fromRegistry(image, p)))
        report(
          `${label} uses image ${JSON.stringify(image)}, which is not from ${config.allowedRegistries.join(", ")}.`,
          "use an image from the platform's registry.",
        );
    }
  },
);
