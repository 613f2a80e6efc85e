/**
 * Validates Kubernetes objects, as the Pulumi mocks recorded their inputs, against the upstream
 * Kubernetes OpenAPI schemas (kubernetes-models: one compiled validator per kind), and the
 * SecretProviderClass against its CRD's schema (transcribed below from kubernetes-sigs/secrets-store-csi-driver
 * deploy/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml, spec part).
 *
 * Note: the upstream schemas do not forbid unknown fields; the typed @pulumi/kubernetes input types
 * the builders are written against catch misspelt fields at compile time instead.
 */
import { Ajv } from "ajv";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Job } from "kubernetes-models/batch/v1/Job";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { RegisteredResource } from "../support/pulumi-mocks";

type Model = new (data: any) => { validate(): void };

/** Pulumi type token → upstream model. */
export const UPSTREAM_MODELS: Readonly<Record<string, Model>> = {
  "kubernetes:core/v1:Namespace": Namespace,
  "kubernetes:core/v1:ServiceAccount": ServiceAccount,
  "kubernetes:core/v1:Service": Service,
  "kubernetes:apps/v1:Deployment": Deployment,
  "kubernetes:apps/v1:DaemonSet": DaemonSet,
  "kubernetes:batch/v1:Job": Job,
  "kubernetes:batch/v1:CronJob": CronJob,
  "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy,
};

const stringMap = { type: "object", additionalProperties: { type: "string" } };
/** The SecretProviderClass CRD schema (v1), with `metadata` as the API server checks it. */
export const SECRET_PROVIDER_CLASS_SCHEMA = {
  type: "object",
  required: ["apiVersion", "kind", "spec"],
  properties: {
    apiVersion: { const: "secrets-store.csi.x-k8s.io/v1" },
    kind: { const: "SecretProviderClass" },
    metadata: {
      type: "object",
      properties: {
        name: { type: "string" },
        namespace: { type: "string" },
        labels: stringMap,
        annotations: stringMap,
      },
    },
    spec: {
      type: "object",
      properties: {
        provider: { type: "string" },
        parameters: stringMap,
        secretObjects: {
          type: "array",
          items: {
            type: "object",
            properties: {
              annotations: stringMap,
              labels: stringMap,
              secretName: { type: "string" },
              type: { type: "string" },
              data: {
                type: "array",
                items: { type: "object", properties: { key: { type: "string" }, objectName: { type: "string" } } },
              },
            },
          },
        },
      },
    },
  },
} as const;

const validateSpc = new Ajv({ allErrors: true, strict: true }).compile(SECRET_PROVIDER_CLASS_SCHEMA);

/** Throws with the validator's message unless `r` is valid for its upstream schema; unknown Kubernetes types throw too. */
export function validateUpstream(r: RegisteredResource): void {
  if (r.type === "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass") {
    if (!validateSpc(r.inputs)) throw new Error(`${r.name}: ${JSON.stringify(validateSpc.errors)}`);
    return;
  }
  const model = UPSTREAM_MODELS[r.type];
  if (model === undefined) throw new Error(`${r.name}: no upstream schema known for ${r.type}`);
  try {
    new model(r.inputs).validate();
  } catch (e) {
    throw new Error(`${r.name} (${r.type}): ${String(e)}`, { cause: e });
  }
}

/** Validates every recorded Kubernetes object (Helm releases excepted: their manifests render in-cluster); returns how many. */
export function validateAllUpstream(resources: readonly RegisteredResource[]): number {
  const objects = resources.filter(
    (r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release",
  );
  for (const r of objects) validateUpstream(r);
  return objects.length;
}

/** The pod spec inside a workload, wherever its kind keeps it. */
export function podSpecOf(r: RegisteredResource): any {
  switch (r.type) {
    case "kubernetes:batch/v1:CronJob":
      return r.inputs.spec.jobTemplate.spec.template.spec;
    case "kubernetes:core/v1:Pod":
      return r.inputs.spec;
    default:
      return r.inputs.spec.template.spec;
  }
}
