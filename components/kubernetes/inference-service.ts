/**
 * The ONNX inference service on AKS: a digest-pinned Deployment (CPU or GPU variant) speaking the
 * Open Inference Protocol over REST on port 8080 and gRPC on 8081, behind an internal-only Service, with a PodDisruptionBudget,
 * a HorizontalPodAutoscaler, its ingress NetworkPolicy, its workload identity ServiceAccount and,
 * optionally, Key Vault secrets through a SecretProviderClass.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { requireKubernetesProvider } from "./provider";
import { type GpuPlacement, type PlatformConnectionArgs, WORKLOAD_IDENTITY_POD_LABELS } from "./pod-spec";
import type { ContainerResources } from "./resources";
import { type KeyVaultObject, keyVaultSecretProviderClass } from "./secret-provider-class";
import { workloadIdentitySubject, workloadServiceAccount } from "./service-account";
import { INFERENCE_GRPC_PORT, INFERENCE_PORT, planInferencePod } from "./inference-pod";

export * from "./inference-pod";

/** Inputs of `InferenceService`. */
export interface InferenceServiceArgs {
  /** Namespace to deploy into (a `PlatformNamespace`). */
  namespace: pulumi.Input<string>;
  /** Image, pinned by digest (`<acr>.azurecr.io/inference@sha256:…`); a plain string is checked now, an Output on resolve. Use the CUDA image with `gpu`. */
  image: pulumi.Input<string>;
  /** Client id of the inference managed identity (federated to `serviceAccountSubject`). */
  identityClientId: pulumi.Input<string>;
  /** Entra tenant id, for the ServiceAccount annotation and the Key Vault provider. Required with `secrets`. */
  tenantId?: pulumi.Input<string>;
  /** Cosmos DB and blob endpoints of the model registry. */
  connection: PlatformConnectionArgs;
  /** Models to serve as `name@ref` (ref: a version, an alias such as `production`, or `latest`); becomes INFERENCE_MODELS. */
  models: string[];
  /** GPU variant: claims GPUs, tolerates the GPU taint, selects GPU nodes, sets INFERENCE_DEVICE=cuda. Unset: CPU variant. */
  gpu?: GpuPlacement;
  /** Minimum replicas (HPA). Defaults to `2`, so a voluntary disruption never takes the service down. */
  minReplicas?: number;
  /** Maximum replicas (HPA). Defaults to `5`. */
  maxReplicas?: number;
  /** HPA target average CPU utilisation, percent of requests. Defaults to `70`. */
  targetCpuUtilizationPercent?: number;
  /** Requests/limits. Defaults to `DEFAULT_CPU_INFERENCE_RESOURCES` or, with `gpu`, `DEFAULT_GPU_INFERENCE_RESOURCES`. */
  resources?: ContainerResources;
  /**
   * How the Service is exposed. Defaults to `"ClusterIP"` (cluster-internal). `"InternalLoadBalancer"`
   * gives a VNet-private Azure load balancer (annotated internal); a public load balancer is not offered.
   */
  serviceType?: "ClusterIP" | "InternalLoadBalancer";
  /** Namespaces whose pods may call the service, besides its own. Defaults to none. */
  allowFromNamespaces?: string[];
  /** CIDRs that may call the service (VNet clients of the internal load balancer). Defaults to none. */
  allowFromCidrs?: string[];
  /** Namespaces allowed to scrape `/metrics`. Defaults to `["kube-system"]`, where AKS managed Prometheus runs. */
  metricsFromNamespaces?: string[];
  /**
   * Key Vault secrets mounted at `/mnt/secrets` through a SecretProviderClass. `apiKeySecret` names the
   * object holding the API key: INFERENCE_API_KEY_FILE points at it. Unset: no secrets, no API key.
   */
  secrets?: { keyVaultName: pulumi.Input<string>; apiKeySecret?: string; objects?: KeyVaultObject[] };
  /**
   * Require an Entra ID bearer token for this audience on every inference call (INFERENCE_AUTH_JWT_AUDIENCE,
   * issuer tenant `tenantId`, which is then required). Defaults to none: the service is reachable only inside
   * the cluster or the VNet; set it when callers there should also authenticate.
   */
  jwtAudience?: string;
  /** Request rate limit per client, requests per second (INFERENCE_RATE_LIMIT_RPS). Defaults to none. */
  rateLimitPerSecond?: number;
  /** How often the service re-resolves model aliases (INFERENCE_POLL_INTERVAL_MS). Defaults to the service's own default. */
  pollIntervalMs?: number;
  /**
   * With `models: ["*@production"]` (every model that has the alias): the most models and artifact bytes one pod
   * serves (INFERENCE_MAX_MODELS, INFERENCE_MAX_MODEL_BYTES); a model beyond the cap answers 503 naming it.
   * Defaults to no cap: size the pod's memory for every model the alias may cover.
   */
  servingCap?: { models?: number; bytes?: number };
  /** ServiceAccount name. Defaults to `"inference"`; the federated credential's subject names it. */
  serviceAccountName?: string;
  /** `app.kubernetes.io/version` label. Defaults to none. */
  version?: string;
  /** UID/GID the container runs as. Defaults to `1000` (the Node.js image's `node` user). */
  runAsUser?: number;
}

/** An internal-only OIP inference Deployment with its Service, PDB, HPA, NetworkPolicy and ServiceAccount. */
export class InferenceService extends pulumi.ComponentResource {
  /** Service name (the in-cluster DNS name is `<serviceName>.<namespace>.svc.cluster.local`). */
  readonly serviceName: pulumi.Output<string>;
  /** In-cluster base URL of the Open Inference Protocol API, e.g. `http://inference.ai.svc.cluster.local`. */
  readonly url: pulumi.Output<string>;
  /** In-cluster `host:port` of its gRPC service, e.g. `inference.ai.svc.cluster.local:8081`. */
  readonly grpcAddress: pulumi.Output<string>;
  /** Deployment name. */
  readonly deploymentName: pulumi.Output<string>;
  /** Subject the inference identity's federated credential must trust. */
  readonly serviceAccountSubject: pulumi.Output<string>;

  constructor(name: string, args: InferenceServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before registering anything: bad input fails with one precise message.
    requireKubernetesProvider("InferenceService", opts);
    const plan = planInferencePod(name, args);
    const { labels, selector, saName, minReplicas } = plan;
    super("ai-platform:kubernetes:InferenceService", name, {}, opts);
    const parent = { parent: this };

    const dependsOn: pulumi.Resource[] = [
      workloadServiceAccount(
        `${name}-sa`,
        { namespace: args.namespace, name: saName, clientId: args.identityClientId, tenantId: args.tenantId, labels },
        parent,
      ),
    ];
    if (args.secrets !== undefined && plan.keyVaultObjects !== undefined) {
      dependsOn.push(
        keyVaultSecretProviderClass(
          `${name}-spc`,
          {
            namespace: args.namespace,
            name: plan.secretProviderClassName,
            keyVaultName: args.secrets.keyVaultName,
            tenantId: args.tenantId as pulumi.Input<string>,
            clientId: args.identityClientId,
            objects: plan.keyVaultObjects,
            labels,
          },
          parent,
        ),
      );
    }
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        // Not awaited: pods become Ready only once the registry serves their models, which on a fresh platform
        // happens after the first training run; an awaited rollout would time out the first `pulumi up`.
        metadata: { name, namespace: args.namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } },
        spec: {
          // The HPA owns the replica count; this is only the first rollout's size.
          replicas: minReplicas,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: {
              labels: { ...labels, ...WORKLOAD_IDENTITY_POD_LABELS },
              annotations: {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": String(INFERENCE_PORT),
                "prometheus.io/path": "/metrics",
              },
            },
            spec: plan.podSpec,
          },
        },
      },
      { parent: this, dependsOn, ignoreChanges: ["spec.replicas"] },
    );

    const internalLb = (args.serviceType ?? "ClusterIP") === "InternalLoadBalancer";
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: {
          name,
          namespace: args.namespace,
          labels,
          ...(internalLb ? { annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" } } : {}),
        },
        spec: {
          type: internalLb ? "LoadBalancer" : "ClusterIP",
          selector,
          ports: [
            { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
            // h2c: gRPC over cleartext HTTP/2 inside the cluster, so meshes and gateways route it as gRPC.
            {
              name: "grpc",
              port: INFERENCE_GRPC_PORT,
              targetPort: "grpc",
              protocol: "TCP",
              appProtocol: "kubernetes.io/h2c",
            },
          ],
        },
      },
      parent,
    );

    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      },
      parent,
    );

    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-hpa`,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
          minReplicas,
          maxReplicas: plan.maxReplicas,
          metrics: [
            {
              type: "Resource",
              resource: {
                name: "cpu",
                target: { type: "Utilization", averageUtilization: plan.targetCpuUtilizationPercent },
              },
            },
          ],
          behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
      },
      parent,
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-ingress`,
      {
        metadata: { name: `${name}-allow-ingress`, namespace: args.namespace, labels },
        spec: plan.ingressSpec,
      },
      parent,
    );

    this.serviceName = service.metadata.name;
    this.deploymentName = deployment.metadata.name;
    this.url = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    this.grpcAddress = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${INFERENCE_GRPC_PORT}`;
    this.serviceAccountSubject = pulumi.output(args.namespace).apply((ns) => workloadIdentitySubject(ns, saName));
    this.registerOutputs({
      serviceName: this.serviceName,
      url: this.url,
      grpcAddress: this.grpcAddress,
      deploymentName: this.deploymentName,
      serviceAccountSubject: this.serviceAccountSubject,
    });
  }
}
