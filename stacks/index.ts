/**
 * The composition root: `pulumi up` on a stack stands up the whole platform. Reads the stack's
 * configuration (the only place that does), resolves it purely, and hands it to `AiPlatform`.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AiPlatform } from "../components/platform";
import { resolvePlatformConfig } from "./config/resolve";
import { platformArgs } from "./platform-args";

const project = pulumi.getProject();
const prefix = `${project}:`;
const raw = Object.fromEntries(
  Object.entries(pulumi.runtime.allConfig()).flatMap(([key, value]) =>
    key.startsWith(prefix) ? [[key.slice(prefix.length), value]] : [],
  ),
);
const config = resolvePlatformConfig(raw);
const platform = new AiPlatform(
  `${config.namePrefix}-${config.environment}`,
  platformArgs(config, { repositoryRoot: path.resolve(__dirname, ".."), project }),
);

/** Resource group holding the platform. */
export const resourceGroupName = platform.resourceGroupName;
/** VNet id (peer or attach runners here). */
export const vnetId = platform.vnetId;
/** Cosmos DB endpoint (Entra auth only). */
export const cosmosEndpoint = platform.cosmosEndpoint;
/** Model store blob endpoint (Entra auth only). */
export const blobEndpoint = platform.blobEndpoint;
/** Registry login server. */
export const registryLoginServer = platform.registryLoginServer;
/** Key Vault URI. */
export const keyVaultUri = platform.keyVaultUri;
/** Digest-pinned service images. */
export const images = { inference: platform.inferenceImage, training: platform.trainingImage };
/** AKS cluster name and resource id. */
export const clusterName = platform.clusterName;
export const clusterId = platform.clusterId;
/** API server FQDN (a private FQDN in prod). */
export const apiServerFqdn = platform.apiServerFqdn;
/** OIDC issuer for workload identity federation. */
export const oidcIssuerUrl = platform.oidcIssuerUrl;
/** In-cluster URL of the inference API. */
export const inferenceUrl = platform.inferenceUrl;
/** Log Analytics workspace id. */
export const logAnalyticsWorkspaceId = platform.logAnalyticsWorkspaceId;
/** Non-interactive kubeconfig (kubelogin), a secret: `pulumi stack output kubeconfig --show-secrets > kubeconfig`. */
export const kubeconfig = platform.kubeconfig;
