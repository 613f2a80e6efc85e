/**
 * Pulumi mocks for running components and stacks without a cloud: the offline plan (`npm run plan`,
 * `npm run check -- --stack`) and every test suite use these (tests through test/support/pulumi-mocks.ts).
 *
 * `installMocks()` records every registered resource with its inputs and answers with realistic
 * Azure/Kubernetes outputs (ARM ids, endpoints, principal ids), so components that read child outputs
 * behave as on a real preview/up. Unwrap outputs with `unwrap()`, never `expect` inside `apply`.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- resource inputs and mock state are untyped by nature (Pulumi's MockResourceArgs.inputs is `any`). */
import * as pulumi from "@pulumi/pulumi";

/** One resource as the mocks saw it registered. */
export interface RegisteredResource {
  /** Type token, for example `azure-native:cosmosdb:DatabaseAccount`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  /** Inputs exactly as the program passed them, outputs resolved. */
  inputs: Record<string, any>;
  /** Outputs the mock returned (inputs plus computed properties). */
  state: Record<string, any>;
  /** Provider reference, when the resource used an explicit provider. */
  provider?: string;
}

/** One provider function call (invoke) as the mocks saw it. */
export interface RecordedCall {
  token: string;
  inputs: Record<string, any>;
}

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
/** The tenant id the mocks report from `getClientConfig`. */
export const MOCK_TENANT_ID = "11111111-1111-1111-1111-111111111111";
/** The deployer object id the mocks report from `getClientConfig`. */
export const MOCK_DEPLOYER_OBJECT_ID = "22222222-2222-2222-2222-222222222222";

/**
 * The access token the mocks report from `getClientToken`: an unsigned JWT of a signed-in user (it has `scp`),
 * like the one `az login` gives a person on a laptop.
 */
export const MOCK_ACCESS_TOKEN = [
  Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url"),
  Buffer.from(JSON.stringify({ oid: MOCK_DEPLOYER_OBJECT_ID, scp: "user_impersonation" })).toString("base64url"),
  "",
].join(".");

const recorded: RegisteredResource[] = [];
const calls: RecordedCall[] = [];

/** A stable fake GUID derived from a string, so principal ids are deterministic across runs. */
export function fakeGuid(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of seed) {
    h1 = Math.imul(h1 ^ ch.charCodeAt(0), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ ch.charCodeAt(0), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0")).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function armProviderPath(type: string): string {
  // "azure-native:cosmosdb:DatabaseAccount" -> "Microsoft.Cosmosdb/databaseAccounts"
  const [, module = "resources", kind = "Resource"] = type.split(":");
  const namespace = `Microsoft.${module.charAt(0).toUpperCase()}${module.slice(1)}`;
  return `${namespace}/${kind.charAt(0).toLowerCase()}${kind.slice(1)}s`;
}

function azureState(args: pulumi.runtime.MockResourceArgs): Record<string, any> {
  const inputs = args.inputs as Record<string, any>;
  const rg = inputs.resourceGroupName ?? "rg";
  const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}`;
  // ARM ids as Azure computes them: a resource group is named by its own `resourceGroupName`, and a subnet's id
  // nests under its VNet.
  if (args.type === "azure-native:resources:ResourceGroup") {
    const name = inputs.resourceGroupName ?? inputs.name ?? args.name;
    return { ...inputs, name, id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${name}` };
  }
  if (args.type === "azure-native:network:Subnet") {
    const name = inputs.subnetName ?? inputs.name ?? args.name;
    return {
      ...inputs,
      name,
      id: `${group}/providers/Microsoft.Network/virtualNetworks/${inputs.virtualNetworkName ?? "vnet"}/subnets/${name}`,
    };
  }
  const physicalName: string =
    inputs.resourceName ??
    inputs.accountName ??
    inputs.registryName ??
    inputs.vaultName ??
    inputs.clusterName ??
    inputs.workspaceName ??
    inputs.virtualNetworkName ??
    inputs.privateZoneName ??
    inputs.identityName ??
    inputs.name ??
    args.name;
  const id = `${group}/providers/${armProviderPath(args.type)}/${physicalName}`;
  const state: Record<string, any> = { ...inputs, name: physicalName, id };
  switch (args.type) {
    case "azure-native:managedidentity:UserAssignedIdentity":
      Object.assign(state, {
        principalId: fakeGuid(`principal:${args.name}`),
        clientId: fakeGuid(`client:${args.name}`),
        tenantId: MOCK_TENANT_ID,
      });
      break;
    case "azure-native:cosmosdb:DatabaseAccount":
      state.documentEndpoint = `https://${physicalName}.documents.azure.com:443/`;
      break;
    case "azure-native:storage:StorageAccount":
      state.primaryEndpoints = { blob: `https://${physicalName}.blob.core.windows.net/` };
      break;
    case "azure-native:containerregistry:Registry":
      state.loginServer = `${physicalName}.azurecr.io`;
      break;
    case "azure-native:keyvault:Vault":
      state.properties = { ...(inputs.properties ?? {}), vaultUri: `https://${physicalName}.vault.azure.net/` };
      break;
    case "azure-native:containerservice:ManagedCluster":
      Object.assign(state, {
        fqdn: `${physicalName}.hcp.westeurope.azmk8s.io`,
        privateFQDN: `${physicalName}.privatelink.westeurope.azmk8s.io`,
        oidcIssuerProfile: { ...(inputs.oidcIssuerProfile ?? {}), issuerURL: `https://oidc.example/${physicalName}/` },
        identityProfile: {
          kubeletidentity: {
            objectId: fakeGuid(`kubelet:${args.name}`),
            clientId: fakeGuid(`kubelet-client:${args.name}`),
            resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/MC_${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${physicalName}-agentpool`,
          },
        },
        nodeResourceGroup: `MC_${rg}_${physicalName}`,
      });
      break;
    case "azure-native:network:PublicIPAddress":
      // A documentation address (RFC 5737) derived from the name, as Azure allocates a static one on create.
      state.ipAddress = `198.51.100.${(parseInt(fakeGuid(`ip:${args.name}`).slice(0, 2), 16) % 254) + 1}`;
      break;
    case "azure-native:operationalinsights:Workspace":
      state.customerId = fakeGuid(`workspace:${args.name}`);
      break;
    case "azure-native:applicationinsights:Component":
      state.connectionString = `InstrumentationKey=${fakeGuid(`ai:${args.name}`)};IngestionEndpoint=https://westeurope.in.applicationinsights.azure.com/`;
      break;
  }
  return state;
}

/** A `random.RandomString` answers with a stable lower-case alphanumeric `result` of the requested length. */
function randomStringState(args: pulumi.runtime.MockResourceArgs): Record<string, any> {
  const inputs = args.inputs as Record<string, any>;
  const result = fakeGuid(`random:${args.name}`)
    .replace(/-/g, "")
    .repeat(4)
    .slice(0, Number(inputs.length ?? 16));
  return { ...inputs, result };
}

/**
 * Installs the mocks and clears what earlier tests recorded. Call in `beforeEach`/`beforeAll`,
 * before importing or constructing any component.
 */
export async function installMocks(
  options: { project?: string; stack?: string; preview?: boolean } = {},
): Promise<void> {
  await installMocksWith(options);
}

/**
 * Computes extra outputs for a resource on top of what `installMocks` returns (for example a
 * digest for an image build); return `undefined` to keep the default state.
 */
export type ExtraMockState = (
  args: pulumi.runtime.MockResourceArgs,
  state: Record<string, any>,
) => Record<string, any> | undefined;

/**
 * `installMocks` with extra outputs for resource types the shared mocks echo back unchanged.
 * The offline plan (`npm run plan`) uses it for image builds; `installMocks()` is this with no extras.
 */
export async function installMocksWith(
  options: { project?: string; stack?: string; preview?: boolean } = {},
  extraState?: ExtraMockState,
): Promise<void> {
  recorded.length = 0;
  calls.length = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const base = args.type.startsWith("azure-native:")
          ? azureState(args)
          : args.type === "random:index/randomString:RandomString"
            ? randomStringState(args)
            : { ...(args.inputs as Record<string, any>) };
        const state = { ...base, ...(extraState?.(args, base) ?? {}) };
        const id = (state.id as string | undefined) ?? `${args.name}-id`;
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, state, provider: args.provider });
        return { id, state };
      },
      call(args) {
        calls.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
          case "azure-native:authorization:getClientConfig":
            return {
              clientId: fakeGuid("deployer-client"),
              objectId: MOCK_DEPLOYER_OBJECT_ID,
              subscriptionId: SUBSCRIPTION,
              tenantId: MOCK_TENANT_ID,
            };
          case "azure-native:authorization:getClientToken":
            return { token: MOCK_ACCESS_TOKEN };
          case "azure-native:containerservice:listManagedClusterUserCredentials": {
            const kubeconfig = Buffer.from(
              [
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                `- name: ${args.inputs.resourceName}`,
                "  cluster:",
                `    server: https://${args.inputs.resourceName}.hcp.westeurope.azmk8s.io:443`,
                "contexts:",
                `- name: ${args.inputs.resourceName}`,
                "  context:",
                `    cluster: ${args.inputs.resourceName}`,
                "    user: clusterUser",
                `current-context: ${args.inputs.resourceName}`,
                "users:",
                "- name: clusterUser",
                "  user:",
                "    exec:",
                "      apiVersion: client.authentication.k8s.io/v1beta1",
                "      command: kubelogin",
                "      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]",
              ].join("\n"),
            ).toString("base64");
            return { kubeconfigs: [{ name: "clusterUser", value: kubeconfig }] };
          }
          default:
            return args.inputs;
        }
      },
    },
    options.project ?? "ai-platform",
    options.stack ?? "test",
    options.preview ?? false,
  );
}

/** Every resource registered since the last `installMocks()`, in registration order. */
export function allRegistered(): readonly RegisteredResource[] {
  return recorded;
}

/** The resources of one type token registered since the last `installMocks()`. */
export function registered(type: string): RegisteredResource[] {
  return recorded.filter((r) => r.type === type);
}

/** The provider function calls made since the last `installMocks()`. */
export function recordedCalls(token?: string): RecordedCall[] {
  return token === undefined ? [...calls] : calls.filter((c) => c.token === token);
}

/**
 * Resolves an Output (or plain value) to its value. Also waits for pending registrations,
 * so `registered()` is complete once the returned promise settles.
 */
export async function unwrap<T>(value: pulumi.Input<T>): Promise<T> {
  const output = pulumi.output(value) as pulumi.Output<T>;
  return new Promise<T>((resolve) =>
    output.apply((v) => {
      resolve(v as T);
      return v;
    }),
  );
}

/** Waits until every resource constructed so far has been registered with the mocks. */
export async function settle(): Promise<void> {
  // Registrations resolve through chained promises; a macrotask turn lets them all drain.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Picks the named keys of an object, for compact exact assertions. */
export function pick<T extends Record<string, any>, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, obj[k]])) as Pick<T, K>;
}
