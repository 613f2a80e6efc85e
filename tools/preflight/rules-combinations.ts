/**
 * Known-incompatible combinations: settings each valid alone that Azure (or a tool) rejects, or that
 * deploy but do not work, together.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gpusPerNode } from "../../components/gpu-sizes";
import type { PlannedResource } from "../plan/types";
import { keyOf, type Finding, type PlanView } from "./types";

const str = (v: unknown): string => (typeof v === "string" ? v : "");
type Profile = { enablePrivateCluster?: boolean; enableVnetIntegration?: boolean; authorizedIPRanges?: string[] };
const profileOf = (c: PlannedResource): Profile => (c.inputs.apiServerAccessProfile ?? {}) as Profile;

/** Authorized ranges apply to a public endpoint only. */
function authorizedRangesOnPrivate(plan: PlanView): Finding[] {
  return plan
    .ofType("azure-native:containerservice:ManagedCluster")
    .filter((c) => profileOf(c).enablePrivateCluster === true && (profileOf(c).authorizedIPRanges ?? []).length > 0)
    .map((c) => ({
      resource: keyOf(c),
      rule: "combinations/authorized-ranges-private-cluster",
      why: "authorizedIPRanges on a private cluster: AKS rejects the combination (there is no public endpoint to restrict)",
      source: "https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges",
      fix: "drop the ranges, or make the API server public",
    }));
}

/** Nodes of a public, non-VNet-integrated cluster reach the API server from their egress IP. */
function natEgressAuthorized(plan: PlanView): Finding[] {
  const findings: Finding[] = [];
  for (const c of plan.ofType("azure-native:containerservice:ManagedCluster")) {
    const p = profileOf(c);
    const outbound = str((c.inputs.networkProfile as { outboundType?: string } | undefined)?.outboundType);
    if (p.enablePrivateCluster === true || p.enableVnetIntegration === true) continue;
    if ((p.authorizedIPRanges ?? []).length === 0 || outbound !== "userAssignedNATGateway") continue;
    const egress = plan
      .ofType("azure-native:network:PublicIPAddress")
      .map((ip) => ip.computed?.ipAddress)
      .filter((ip): ip is string => ip !== undefined);
    if (egress.some((ip) => (p.authorizedIPRanges ?? []).includes(`${ip}/32`))) continue;
    findings.push({
      resource: keyOf(c),
      rule: "combinations/nat-egress-authorized-ranges",
      why: "public API server with authorized ranges and NAT-gateway egress, but the NAT egress IP is not authorized: nodes cannot reach the API server (AKS adds only its load balancer IP)",
      source:
        "https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges#overview-of-api-server-authorized-ip-ranges",
      fix: "add the NAT gateway's public IP (/32) to authorizedIPRanges, or enable API-server VNet integration",
    });
  }
  return findings;
}

/** Dockerfile syntax the classic builder (ACR Tasks quick builds) rejects or ignores. */
export const BUILDKIT_ONLY: readonly [RegExp, string][] = [
  [/^\s*RUN\s+(?:--\S+\s+)*--(?:mount|network|security)[=\s]/i, "RUN --mount/--network/--security"],
  [
    /^\s*(?:COPY|ADD)\s+(?:--\S+\s+)*--(?:link|chmod|parents|exclude)\b/i,
    "COPY/ADD --link/--chmod/--parents/--exclude",
  ],
  [/^\s*(?:RUN|COPY)\s.*<<-?\s*["']?[A-Z]+["']?\s*$/i, "heredoc"],
];

/** The BuildKit-only lines of a Dockerfile's text, as `line: feature`. Pure. */
export function buildKitOnlyLines(text: string): string[] {
  return text.split("\n").flatMap((line, i) => {
    const hit = BUILDKIT_ONLY.find(([re]) => re.test(line));
    return hit === undefined ? [] : [`line ${i + 1}: ${hit[1]}`];
  });
}

/** ACR Tasks quick builds (`DockerBuildRequest`) run the classic builder. */
function buildKitOnAcrQuickBuild(plan: PlanView): Finding[] {
  const findings: Finding[] = [];
  for (const run of plan.ofType("azure-native:containerregistry:TaskRun")) {
    const request = run.inputs.runRequest as { type?: string; dockerFilePath?: string } | undefined;
    if (request?.type !== "DockerBuildRequest" || request.dockerFilePath === undefined) continue;
    const file = path.join(plan.projectDir, request.dockerFilePath);
    if (!fs.existsSync(file)) continue;
    const lines = buildKitOnlyLines(fs.readFileSync(file, "utf8"));
    if (lines.length === 0) continue;
    findings.push({
      resource: keyOf(run),
      rule: "combinations/buildkit-acr-quick-build",
      why: `${request.dockerFilePath} needs BuildKit (${lines.join(", ")}), but ACR Tasks quick builds use the classic builder ("the --mount option requires BuildKit")`,
      source: "https://github.com/Azure/acr/issues/721",
      fix: "remove the BuildKit-only syntax from the Dockerfile, or build with a task step that sets DOCKER_BUILDKIT=1",
    });
  }
  return findings;
}

/** Defender's publisher authenticates with workspace keys only. */
function defenderLocalAuth(plan: PlanView): Finding[] {
  const findings: Finding[] = [];
  for (const c of plan.ofType("azure-native:containerservice:ManagedCluster")) {
    const defender = (
      c.inputs.securityProfile as { defender?: { logAnalyticsWorkspaceResourceId?: string } } | undefined
    )?.defender;
    const ws = plan.byId(str(defender?.logAnalyticsWorkspaceResourceId));
    const features = ws?.inputs.features as { disableLocalAuth?: boolean } | undefined;
    if (ws === undefined || features?.disableLocalAuth !== true) continue;
    findings.push({
      resource: keyOf(c),
      rule: "combinations/defender-local-auth-workspace",
      why: `Defender for Containers writes to ${ws.name}, which has local auth disabled: the publisher pods use workspace keys only and crash-loop`,
      source: "https://github.com/Azure/Microsoft-Defender-for-Cloud/issues/1010",
      fix: "omit logAnalyticsWorkspaceResourceId (Defender's default workspace) or give Defender a workspace with local auth",
    });
  }
  return findings;
}

type Container = { resources?: { limits?: Record<string, string> } };
type PodTemplate = { spec?: { nodeSelector?: Record<string, string>; containers?: Container[] } };

/** An HPA's maximum plus a rolling update's surge must fit the GPU pool it lands on. */
function gpuCapacity(plan: PlanView): Finding[] {
  const findings: Finding[] = [];
  for (const hpa of plan.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")) {
    const spec = hpa.inputs.spec as
      { maxReplicas?: number; scaleTargetRef?: { kind?: string; name?: string } } | undefined;
    const target = plan
      .ofType("kubernetes:apps/v1:Deployment")
      .find((d) => (d.inputs.metadata as { name?: string } | undefined)?.name === spec?.scaleTargetRef?.name);
    const dspec = target?.inputs.spec as
      { template?: PodTemplate; strategy?: { rollingUpdate?: { maxSurge?: number | string } } } | undefined;
    const gpus = (dspec?.template?.spec?.containers ?? []).reduce(
      (n, c) => n + Number(c.resources?.limits?.["nvidia.com/gpu"] ?? 0),
      0,
    );
    if (target === undefined || gpus === 0 || spec?.maxReplicas === undefined) continue;
    const selector = dspec?.template?.spec?.nodeSelector ?? {};
    const pool = plan
      .ofType("azure-native:containerservice:AgentPool")
      .find((p) =>
        Object.entries(selector).every(
          ([k, v]) => (p.inputs.nodeLabels as Record<string, string> | undefined)?.[k] === v,
        ),
      );
    if (pool === undefined) continue;
    const capacity = gpusPerNode(str(pool.inputs.vmSize)) * Number(pool.inputs.maxCount ?? 0);
    const surge =
      typeof dspec?.strategy?.rollingUpdate?.maxSurge === "number" ? dspec.strategy.rollingUpdate.maxSurge : 1;
    const needed = (spec.maxReplicas + surge) * gpus;
    if (needed <= capacity) continue;
    findings.push({
      resource: keyOf(hpa),
      rule: "combinations/gpu-capacity-hpa",
      why: `maxReplicas ${spec.maxReplicas} + surge ${surge} need ${needed} GPUs; pool ${str(pool.inputs.agentPoolName)} has at most ${capacity} (${str(pool.inputs.vmSize)} × ${String(pool.inputs.maxCount)}): pods stay Pending and a rollout at maximum never finishes`,
      source: "https://learn.microsoft.com/azure/aks/gpu-cluster",
      fix: "lower the HPA maximum to pool GPUs minus the surge, or raise the pool's maxCount",
    });
  }
  return findings;
}

/** Zone-spread node pools behind a NAT gateway that Azure places in no zone. */
function zoneRedundantEgress(plan: PlanView): Finding[] {
  const zonal = [
    ...plan.ofType("azure-native:containerservice:AgentPool"),
    ...plan.ofType("azure-native:containerservice:ManagedCluster"),
  ].some(
    (r) =>
      ((r.inputs.availabilityZones as string[] | undefined) ?? []).length > 1 ||
      ((r.inputs.agentPoolProfiles as { availabilityZones?: string[] }[] | undefined) ?? []).some(
        (p) => (p.availabilityZones ?? []).length > 1,
      ),
  );
  if (!zonal) return [];
  return [...plan.ofType("azure-native:network:NatGateway"), ...plan.ofType("azure-native:network:PublicIPAddress")]
    .filter((r) => ((r.inputs.zones as string[] | undefined) ?? []).length === 0)
    .map((r) => ({
      resource: keyOf(r),
      rule: "combinations/zone-redundant-egress",
      why: `node pools span availability zones but ${r.name} declares no zone: a Standard NAT gateway is zonal, and a no-zone one sits in a zone nobody chose, so the "zone-redundant" egress is single-zone without saying which`,
      source: "https://learn.microsoft.com/azure/nat-gateway/nat-availability-zones",
      fix: "pin the NAT gateway and its public IP to one zone (Network natGatewayZone) and accept zonal egress, or use a zone-redundant egress (StandardV2 NAT, or a firewall)",
    }));
}

/** The combinations rule class. */
export function combinationFindings(plan: PlanView): Finding[] {
  return [
    ...authorizedRangesOnPrivate(plan),
    ...natEgressAuthorized(plan),
    ...buildKitOnAcrQuickBuild(plan),
    ...defenderLocalAuth(plan),
    ...gpuCapacity(plan),
    ...zoneRedundantEgress(plan),
  ];
}
