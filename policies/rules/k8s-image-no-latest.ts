import { multiTypeRule } from "../lib/define";
import { parseImage } from "../lib/images";
import { WORKLOAD_TYPES, containersOf, podTemplate } from "../lib/pod";

/** Images are pinned: a version tag or a digest, never `latest` or no tag. */
export const k8sImageNoLatest = multiTypeRule(
  {
    name: "k8s-image-no-latest",
    description:
      "Container images must be pinned to a digest or an explicit version tag, never `latest` or an untagged name. A moving tag makes deployments unrepeatable and lets an unreviewed image reach the cluster.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Reference images by digest (`repo@sha256:…`, the platform's image build outputs one) or by an immutable version tag.",
    controls: [
      { source: "checkov", id: "CKV_K8S_14", title: "Image Tag should be fixed - not latest or blank" },
      { source: "checkov", id: "CKV_K8S_43", title: "Image should use digest" },
      {
        source: "azure-policy",
        id: "021f8078",
        title: "Kubernetes cluster container images should not include latest image tag",
      },
    ],
  },
  WORKLOAD_TYPES,
  (props, report, _config, args) => {
    for (const { label, container } of containersOf(podTemplate(args.type, props).spec)) {
      const image: unknown = container.image;
      if (typeof image !== "string") {
        report(`${label} has no image.`, "set a pinned image.");
        continue;
      }
      const ref = parseImage(image);
      if (ref.digest) continue;
      if (ref.tag === undefined)
        report(
          `${label} uses image "${image}" without a tag or digest (implicitly latest).`,
          "pin the image by digest or version tag.",
        );
      else if (ref.tag.toLowerCase() === "latest")
        report(`${label} uses image "${image}" with the latest tag.`, "pin the image by digest or version tag.");
    }
  },
);
