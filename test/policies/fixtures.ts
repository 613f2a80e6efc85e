/**
 * Compliant inputs for every resource type the pack checks, shaped as the azure-native and Kubernetes
 * SDKs serialise them (including the client-side defaults the azure-native SDK fills in). Each rule's
 * tests mutate one field of these.
 */
const TAGS = { environment: "prod", workload: "ai-platform", "managed-by": "pulumi" };

// Functions, not shared constants: structuredClone keeps shared references, so a mutation of one
// container would otherwise change the other.
const podSecurity = () => ({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
const containerSecurity = () => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ["ALL"] },
});
const resources = () => ({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } });
const IMAGE =
  "aiplatformacr.azurecr.io/inference@sha256:0f5ad3c3b7a6a3e7f0d1c9a0e2b4c6d8e0f1a2b3c4d5e6f708192a3b4c5d6e7f";
const probe = { httpGet: { path: "/v2/health/live", port: 8080 } };

/** A pod spec that meets every workload rule (GPU request with its toleration). */
export function podSpec() {
  return {
    serviceAccountName: "inference",
    automountServiceAccountToken: true,
    securityContext: podSecurity(),
    tolerations: [{ key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" }],
    nodeSelector: { accelerator: "nvidia" },
    containers: [
      {
        name: "server",
        image: IMAGE,
        ports: [{ containerPort: 8080, name: "http" }],
        resources: {
          requests: { ...resources().requests, "nvidia.com/gpu": 1 },
          limits: { ...resources().limits, "nvidia.com/gpu": 1 },
        },
        securityContext: containerSecurity(),
        livenessProbe: probe,
        readinessProbe: { httpGet: { path: "/v2/health/ready", port: 8080 } },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
      },
    ],
    initContainers: [
      { name: "fetch-model", image: IMAGE, resources: resources(), securityContext: containerSecurity() },
    ],
    volumes: [{ name: "tmp", emptyDir: {} }],
  };
}

const metadata = () => ({
  name: "inference",
  namespace: "ai-platform",
  labels: { "app.kubernetes.io/name": "inference" },
});
const template = () => ({
  metadata: { labels: { app: "inference", "azure.workload.identity/use": "true" } },
  spec: podSpec(),
});

/** Compliant inputs by type token. */
export const compliant: Record<string, Record<string, unknown>> = {
  "azure-native:cosmosdb:DatabaseAccount": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    kind: "GlobalDocumentDB",
    createMode: "Default",
    databaseAccountOfferType: "Standard",
    disableLocalAuth: true,
    disableKeyBasedMetadataWriteAccess: true,
    publicNetworkAccess: "Disabled",
    networkAclBypass: "None",
    minimalTlsVersion: "Tls12",
    enableFreeTier: false,
    backupPolicy: { type: "Continuous", continuousModeProperties: { tier: "Continuous30Days" } },
    locations: [{ locationName: "westeurope", failoverPriority: 0, isZoneRedundant: true }],
    tags: TAGS,
  },
  "azure-native:containerservice:ManagedCluster": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    kubernetesVersion: "1.33",
    sku: { name: "Base", tier: "Standard" },
    identity: {
      type: "UserAssigned",
      userAssignedIdentities: [
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp",
      ],
    },
    enableRBAC: true,
    disableLocalAccounts: true,
    aadProfile: { managed: true, enableAzureRBAC: true, tenantID: "11111111-1111-1111-1111-111111111111" },
    apiServerAccessProfile: { enablePrivateCluster: true },
    networkProfile: {
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkPolicy: "cilium",
      outboundType: "loadBalancer",
      podCidr: "192.168.0.0/16",
      serviceCidr: "172.16.0.0/16",
      dnsServiceIP: "172.16.0.10",
    },
    oidcIssuerProfile: { enabled: true },
    securityProfile: {
      workloadIdentity: { enabled: true },
      defender: {
        securityMonitoring: { enabled: true },
        logAnalyticsWorkspaceResourceId:
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
      },
    },
    addonProfiles: {
      azurepolicy: { enabled: true },
      azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true" } },
    },
    autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
    agentPoolProfiles: [
      {
        name: "system",
        mode: "System",
        vmSize: "Standard_D4ds_v5",
        type: "VirtualMachineScaleSets",
        count: 3,
        availabilityZones: ["1", "2", "3"],
        enableNodePublicIP: false,
        nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
      },
    ],
    tags: TAGS,
  },
  "azure-native:containerservice:AgentPool": {
    resourceGroupName: "rg-ai-platform",
    resourceName: "aks",
    agentPoolName: "gpu",
    mode: "User",
    vmSize: "Standard_NC4as_T4_v3",
    type: "VirtualMachineScaleSets",
    availabilityZones: ["1", "2", "3"],
    enableAutoScaling: true,
    minCount: 3,
    maxCount: 6,
    enableNodePublicIP: false,
    nodeTaints: ["sku=gpu:NoSchedule"],
    gpuProfile: { driver: "Install" },
    tags: TAGS,
  },
  "azure-native:containerregistry:Registry": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    sku: { name: "Premium" },
    adminUserEnabled: false,
    anonymousPullEnabled: false,
    publicNetworkAccess: "Disabled",
    networkRuleBypassOptions: "AzureServices",
    networkRuleSet: { defaultAction: "Deny", ipRules: [] },
    policies: { exportPolicy: { status: "disabled" } },
    zoneRedundancy: "Enabled",
    tags: TAGS,
  },
  "azure-native:keyvault:Vault": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    properties: {
      tenantId: "11111111-1111-1111-1111-111111111111",
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      accessPolicies: [],
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      publicNetworkAccess: "Disabled",
      networkAcls: { bypass: "AzureServices", defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] },
    },
    tags: TAGS,
  },
  "azure-native:storage:StorageAccount": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    kind: "StorageV2",
    sku: { name: "Standard_ZRS" },
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    minimumTlsVersion: "TLS1_2",
    enableHttpsTrafficOnly: true,
    publicNetworkAccess: "Disabled",
    networkRuleSet: { defaultAction: "Deny" },
    tags: TAGS,
  },
  "azure-native:storage:BlobContainer": {
    resourceGroupName: "rg-ai-platform",
    accountName: "aiplatformmodels",
    containerName: "models",
    publicAccess: "None",
  },
  "azure-native:network:NetworkSecurityGroup": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    securityRules: [
      {
        name: "deny-lateral-management",
        priority: 100,
        direction: "Outbound",
        access: "Deny",
        protocol: "Tcp",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "VirtualNetwork",
        destinationPortRanges: ["22", "3389"],
      },
      {
        name: "allow-load-balancer",
        priority: 110,
        direction: "Inbound",
        access: "Allow",
        protocol: "*",
        sourceAddressPrefix: "AzureLoadBalancer",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
      },
    ],
    tags: TAGS,
  },
  "azure-native:network:Subnet": {
    resourceGroupName: "rg-ai-platform",
    virtualNetworkName: "vnet",
    subnetName: "nodes",
    addressPrefix: "10.20.0.0/22",
    defaultOutboundAccess: false,
    networkSecurityGroup: {
      id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg",
    },
  },
  "azure-native:network:VirtualNetwork": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    addressSpace: { addressPrefixes: ["10.20.0.0/16"] },
    subnets: [
      {
        name: "nodes",
        addressPrefix: "10.20.0.0/22",
        defaultOutboundAccess: false,
        networkSecurityGroup: {
          id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg",
        },
      },
    ],
    tags: TAGS,
  },
  "azure-native:network:PublicIPAddress": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    sku: { name: "Standard", tier: "Regional" },
    publicIPAllocationMethod: "Static",
    publicIPAddressVersion: "IPv4",
    zones: ["1", "2", "3"],
    tags: TAGS,
  },
  "azure-native:applicationinsights:Component": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    kind: "web",
    applicationType: "web",
    ingestionMode: "LogAnalytics",
    workspaceResourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
    disableLocalAuth: true,
    tags: TAGS,
  },
  "azure-native:operationalinsights:Workspace": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    sku: { name: "PerGB2018" },
    retentionInDays: 90,
    features: { disableLocalAuth: true },
    replication: { enabled: true, location: "northeurope" },
    tags: TAGS,
  },
  "kubernetes:apps/v1:Deployment": {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadata(),
    spec: { replicas: 2, selector: { matchLabels: { app: "inference" } }, template: template() },
  },
  "kubernetes:apps/v1:StatefulSet": {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: metadata(),
    spec: { serviceName: "inference", selector: { matchLabels: { app: "inference" } }, template: template() },
  },
  "kubernetes:apps/v1:DaemonSet": {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: metadata(),
    spec: { selector: { matchLabels: { app: "inference" } }, template: template() },
  },
  "kubernetes:batch/v1:Job": {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: metadata(),
    spec: { backoffLimit: 2, template: { ...template(), spec: { ...podSpec(), restartPolicy: "Never" } } },
  },
  "kubernetes:batch/v1:CronJob": {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: metadata(),
    spec: {
      schedule: "0 3 * * *",
      jobTemplate: { spec: { template: { ...template(), spec: { ...podSpec(), restartPolicy: "Never" } } } },
    },
  },
  "kubernetes:core/v1:Pod": { apiVersion: "v1", kind: "Pod", metadata: metadata(), spec: podSpec() },
  "kubernetes:core/v1:Service": {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(),
    spec: { type: "ClusterIP", selector: { app: "inference" }, ports: [{ port: 80, targetPort: 8080 }] },
  },
  "kubernetes:core/v1:Namespace": {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "ai-platform", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
  },
  "azure-native:monitor:DiagnosticSetting": {
    resourceUri: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/cosmos",
    workspaceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
    logs: [{ categoryGroup: "allLogs", enabled: true }],
  },
  "azure-native:network:PrivateEndpoint": {
    resourceGroupName: "rg-ai-platform",
    location: "westeurope",
    subnet: { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe" },
    privateLinkServiceConnections: [
      {
        name: "sql",
        groupIds: ["Sql"],
        privateLinkServiceId:
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/cosmos",
      },
    ],
    tags: TAGS,
  },
};

/** Workload kinds (the pod rules apply to all of them). */
export const WORKLOADS = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
  "kubernetes:core/v1:Pod",
];

/** Where each workload kind keeps its pod spec, as a mutation path prefix. */
export const POD_SPEC_PATH: Record<string, string> = {
  "kubernetes:apps/v1:Deployment": "spec.template.spec",
  "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
  "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
  "kubernetes:batch/v1:Job": "spec.template.spec",
  "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
  "kubernetes:core/v1:Pod": "spec",
};
