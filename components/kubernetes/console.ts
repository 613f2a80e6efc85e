/**
 * The platform console on AKS: one Deployment of two containers, the console (listening on loopback only) and an
 * oauth2-proxy sidecar that signs people in with Entra ID and passes their e-mail and group ids on. Only members of
 * `operatorGroupId` may promote or roll back; everyone the proxy lets in may look. Behind an internal-only Service,
 * under the `restricted` Pod Security profile, with its ingress and egress NetworkPolicies and its workload
 * identity ServiceAccount (it reads the registry and datasets, and moves aliases for operators).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { requireKubernetesProvider } from "./provider";
import { assertDnsLabel, recommendedLabels, selectorLabels } from "./labels";
import { egressToPodsSpec, ingressAllowSpec } from "./namespace";
import {
  type PlatformConnectionArgs,
  WORKLOAD_IDENTITY_POD_LABELS,
  pinnedImage,
  platformEnv,
  restrictedContainerSecurityContext,
  workloadPodSpec,
} from "./pod-spec";
import { type ContainerResources, containerResources } from "./resources";
import { workloadServiceAccount } from "./service-account";

/** The port the console listens on inside the pod (loopback only: the proxy is its one way in). */
export const CONSOLE_PORT = 8081;
/** The port of the oauth2-proxy sidecar, the pod's only exposed port. */
export const CONSOLE_PROXY_PORT = 4180;

/** Requests/limits of each container: server-rendered pages and a proxy need little. */
export const DEFAULT_CONSOLE_RESOURCES: ContainerResources = {
  requests: { cpu: "100m", memory: "256Mi" },
  limits: { cpu: "1", memory: "1Gi" },
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Inputs of `PlatformConsole`. */
export interface PlatformConsoleArgs {
  /** Namespace to deploy into (a `PlatformNamespace`). */
  namespace: pulumi.Input<string>;
  /** The console image, pinned by digest. */
  image: pulumi.Input<string>;
  /** The oauth2-proxy image (v7.8 or later, for Entra ID federated token auth), pinned by digest. */
  proxyImage: pulumi.Input<string>;
  /** Client id of the console's managed identity (registry and dataset access), federated to its ServiceAccount. */
  identityClientId: pulumi.Input<string>;
  /** Entra tenant: the sign-in issuer and the workload identity's tenant. */
  tenantId: pulumi.Input<string>;
  /**
   * Client id of the Entra app registration people sign in to. It authenticates with a federated credential for
   * this pod's ServiceAccount (no client secret) and must emit the `groups` claim (group object ids).
   */
  signInClientId: pulumi.Input<string>;
  /** Object id of the Entra group whose members may promote and roll back. */
  operatorGroupId: string;
  /** Object id of a group that may sign in at all. Defaults to none: anyone in the tenant may look. */
  viewerGroupId?: string;
  /** The URL people open (for the sign-in redirect), e.g. `https://console.ai.internal.example`. Defaults to none: the proxy derives it from the request. */
  url?: string;
  /** Cosmos DB and blob endpoints of the registry and datasets. */
  connection: PlatformConnectionArgs;
  /** In-cluster base URL of the inference service, whose `/metrics` the serving view reads. */
  inferenceUrl: pulumi.Input<string>;
  /** Labels of the inference pods, so the console may reach their port. */
  inferencePodLabels: Record<string, string>;
  /** The inference container port. */
  inferencePort: number;
  /** `"ClusterIP"` (default) or `"InternalLoadBalancer"` (VNet-private); a public load balancer is not offered. */
  serviceType?: "ClusterIP" | "InternalLoadBalancer";
  /** Namespaces whose pods may open the console, besides its own. Defaults to none. */
  allowFromNamespaces?: string[];
  /** CIDRs that may open the console (VNet clients of the internal load balancer). Defaults to none. */
  allowFromCidrs?: string[];
  /** Requests/limits of each container. Defaults to `DEFAULT_CONSOLE_RESOURCES`. */
  resources?: ContainerResources;
  /** ServiceAccount name. Defaults to `"console"`; the federated credentials' subject names it. */
  serviceAccountName?: string;
}

/** Validates `args` and builds the pod spec of a PlatformConsole named `name` (`cookieSecretName`: the proxy's secret). */
export function planConsolePod(
  name: string,
  args: PlatformConsoleArgs,
  cookieSecretName: string,
): { podSpec: k8s.types.input.core.v1.PodSpec; saName: string } {
  assertDnsLabel("name", name, 52);
  if (!GUID.test(args.operatorGroupId))
    throw new Error(
      `operatorGroupId (${JSON.stringify(args.operatorGroupId)}) must be an Entra group object id (a GUID)`,
    );
  if (args.viewerGroupId !== undefined && !GUID.test(args.viewerGroupId))
    throw new Error(`viewerGroupId (${JSON.stringify(args.viewerGroupId)}) must be an Entra group object id (a GUID)`);
  if (args.url !== undefined && !/^https:\/\/[^/]+$/.test(args.url))
    throw new Error(`url (${JSON.stringify(args.url)}) must be https://<host> without a path`);
  const saName = assertDnsLabel("serviceAccountName", args.serviceAccountName ?? "console");
  const resources = args.resources ?? DEFAULT_CONSOLE_RESOURCES;
  const podSpec = workloadPodSpec({
    containerName: "console",
    image: pinnedImage("image", args.image),
    env: [
      ...platformEnv(args.connection),
      { name: "HOST", value: "127.0.0.1" },
      { name: "CONSOLE_PORT", value: String(CONSOLE_PORT) },
      { name: "CONSOLE_AUTH", value: "proxy" },
      { name: "CONSOLE_OPERATOR_GROUP", value: args.operatorGroupId },
      { name: "CONSOLE_INFERENCE_URL", value: args.inferenceUrl },
    ],
    resources,
    serviceAccountName: saName,
    // Probed through the proxy (the console listens on loopback), which lets exactly this path through unsigned.
    container: {
      readinessProbe: { httpGet: { path: "/healthz", port: CONSOLE_PROXY_PORT }, periodSeconds: 10 },
      livenessProbe: {
        httpGet: { path: "/healthz", port: CONSOLE_PROXY_PORT },
        periodSeconds: 20,
        failureThreshold: 6,
      },
    },
  });
  const issuer = pulumi.interpolate`https://login.microsoftonline.com/${args.tenantId}/v2.0`;
  const proxy: k8s.types.input.core.v1.Container = {
    name: "oauth2-proxy",
    image: pinnedImage("proxyImage", args.proxyImage),
    imagePullPolicy: "IfNotPresent",
    args: [
      "--provider=entra-id",
      pulumi.interpolate`--oidc-issuer-url=${issuer}`,
      pulumi.interpolate`--client-id=${args.signInClientId}`,
      "--entra-id-federated-token-auth=true",
      `--upstream=http://127.0.0.1:${CONSOLE_PORT}/`,
      `--http-address=0.0.0.0:${CONSOLE_PROXY_PORT}`,
      "--email-domain=*",
      "--pass-user-headers=true",
      "--skip-provider-button=true",
      "--cookie-secure=true",
      "--cookie-samesite=lax",
      "--reverse-proxy=true",
      "--ping-path=/ping",
      "--skip-auth-route=GET=^/healthz$",
      ...(args.viewerGroupId === undefined ? [] : [`--allowed-group=${args.viewerGroupId}`]),
      ...(args.url === undefined ? [] : [`--redirect-url=${args.url}/oauth2/callback`]),
    ],
    env: [
      {
        name: "OAUTH2_PROXY_COOKIE_SECRET",
        valueFrom: { secretKeyRef: { name: cookieSecretName, key: "cookie-secret" } },
      },
    ],
    ports: [{ name: "http", containerPort: CONSOLE_PROXY_PORT, protocol: "TCP" }],
    readinessProbe: { httpGet: { path: "/ping", port: CONSOLE_PROXY_PORT }, periodSeconds: 10 },
    livenessProbe: { httpGet: { path: "/ping", port: CONSOLE_PROXY_PORT }, periodSeconds: 20 },
    resources: containerResources("oauth2-proxy.resources", resources, 0),
    securityContext: restrictedContainerSecurityContext(),
  };
  return {
    podSpec: { ...podSpec, containers: [...(podSpec.containers as object[]), proxy] } as typeof podSpec,
    saName,
  };
}

/** The console Deployment with its proxy, internal Service, NetworkPolicies, cookie Secret and ServiceAccount. */
export class PlatformConsole extends pulumi.ComponentResource {
  /** In-cluster URL of the console (through its sign-in proxy). */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: PlatformConsoleArgs, opts?: pulumi.ComponentResourceOptions) {
    requireKubernetesProvider("PlatformConsole", opts);
    const cookieSecretName = `${name}-cookie`;
    const { podSpec, saName } = planConsolePod(name, args, cookieSecretName);
    super("ai-platform:kubernetes:PlatformConsole", name, {}, opts);
    const parent = { parent: this };
    const ids = { name: "console", instance: name, component: "console" };
    const labels = recommendedLabels(ids);
    const selector = selectorLabels(ids);

    const sa = workloadServiceAccount(
      `${name}-sa`,
      { namespace: args.namespace, name: saName, clientId: args.identityClientId, tenantId: args.tenantId, labels },
      parent,
    );
    // oauth2-proxy encrypts its session cookie with 32 random bytes; kept only in this Secret (a Pulumi secret).
    const cookie = new random.RandomPassword(`${name}-cookie-secret`, { length: 32, special: false }, parent);
    const secret = new k8s.core.v1.Secret(
      `${name}-cookie`,
      {
        metadata: { name: cookieSecretName, namespace: args.namespace, labels },
        type: "Opaque",
        stringData: { "cookie-secret": cookie.result },
      },
      parent,
    );
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          template: { metadata: { labels: { ...labels, ...WORKLOAD_IDENTITY_POD_LABELS } }, spec: podSpec },
        },
      },
      { parent: this, dependsOn: [sa, secret] },
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
          ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
        },
      },
      parent,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-ingress`,
      {
        metadata: { name: `${name}-allow-ingress`, namespace: args.namespace, labels },
        spec: ingressAllowSpec({
          podLabels: selector,
          port: CONSOLE_PROXY_PORT,
          ...(args.allowFromNamespaces ? { fromNamespaces: args.allowFromNamespaces } : {}),
          ...(args.allowFromCidrs ? { fromCidrs: args.allowFromCidrs } : {}),
        }),
      },
      parent,
    );
    // The namespace denies egress by default (DNS and HTTPS only): the serving view reads the inference metrics.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-inference`,
      {
        metadata: { name: `${name}-allow-inference`, namespace: args.namespace, labels },
        spec: egressToPodsSpec({
          podLabels: selector,
          toPodLabels: args.inferencePodLabels,
          port: args.inferencePort,
        }),
      },
      parent,
    );
    this.url = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    this.registerOutputs({ url: this.url });
  }
}
