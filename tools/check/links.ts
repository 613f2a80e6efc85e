/**
 * Property dependencies for plan-shaped resources.
 *
 * The engine knows which resource an input came from (`resourceUri: account.id`), and stack policies
 * rely on that through `propertyDependencies`. A plan or a resources file only has resolved values,
 * so the check recovers the links from them: an ARM id (`/subscriptions/…/providers/…/<type>/<name>`)
 * links to the resource with that physical name and type (any `<type>/<name>` pair of the id, so a
 * sub-resource id such as `…/storageAccounts/sa/blobServices/default` links to the account), and a
 * `<kind>Name` input whose value is another resource's physical name links to it
 * (`privateEndpointName: pe.name`), and so does a `resourceName` naming a resource of the same provider
 * module (`resourceName: cluster.name` on an AKS agent pool). Explicit `propertyDependencies` in a resources file are used as given.
 */
import { type CheckResource } from "./types";

const NAME_KEYS = [
  "resourceName",
  "accountName",
  "registryName",
  "vaultName",
  "clusterName",
  "workspaceName",
  "virtualNetworkName",
  "privateZoneName",
  "identityName",
  "name",
];
const OTHER_NAME_KEYS = [
  "privateEndpointName",
  "resourceGroupName",
  "agentPoolName",
  "subnetName",
  "networkSecurityGroupName",
];

/**
 * The names a resource may have in Azure: first the one the platform's mocks derive (the same key
 * order as tools/plan/mocks.ts, else the logical name), then other explicit name inputs.
 */
export function physicalNames(r: CheckResource): string[] {
  const i = r.inputs as Record<string, unknown>;
  const first = NAME_KEYS.map((k) => i[k]).find((v): v is string => typeof v === "string") ?? r.name;
  // Only a resource group is named by its own `resourceGroupName`; for everything else it names the parent group.
  const keys =
    r.type === "azure-native:resources:ResourceGroup"
      ? OTHER_NAME_KEYS
      : OTHER_NAME_KEYS.filter((k) => k !== "resourceGroupName");
  const others = keys.map((k) => i[k]).filter((v): v is string => typeof v === "string");
  return [...new Set([first, ...others])];
}

/** `databaseAccounts` → `databaseaccount`, `privateDnsZones` → `privatezone`, `registries` → `registry`. */
function normaliseKind(s: string): string {
  const l = s.toLowerCase().replace(/dns/g, "");
  if (l.endsWith("ies")) return `${l.slice(0, -3)}y`;
  if (l.endsWith("s")) return l.slice(0, -1);
  return l;
}

function kindOf(type: string): string {
  return normaliseKind(type.split(":").pop() ?? type);
}

/** `azure-native:containerservice:AgentPool` → `azure-native:containerservice`. */
function moduleOf(type: string): string {
  return type.slice(0, type.lastIndexOf(":"));
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** `(kind, name)` pairs of an ARM id, or `[]` when `s` is not one. */
function armPairs(s: string): Array<[string, string]> {
  const m = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)(?:\/providers\/[^/]+\/(.+))?$/i.exec(s);
  if (!m) return [];
  const pairs: Array<[string, string]> = [["resourcegroup", m[1]!]];
  const rest = (m[2] ?? "").split("/").filter(Boolean);
  for (let i = 0; i + 1 < rest.length; i += 2) pairs.push([normaliseKind(rest[i]!), rest[i + 1]!]);
  return pairs;
}

/** For every resource, input key → logical names of the resources it refers to. */
export function inferPropertyDependencies(
  resources: readonly CheckResource[],
): Map<CheckResource, Record<string, CheckResource[]>> {
  const byKindName = new Map<string, CheckResource[]>();
  const byName = new Map<string, CheckResource[]>();
  const byId = new Map<string, CheckResource>();
  for (const r of resources) {
    for (const n of physicalNames(r)) {
      const key = `${kindOf(r.type)}/${n.toLowerCase()}`;
      byKindName.set(key, [...(byKindName.get(key) ?? []), r]);
      byName.set(n, [...(byName.get(n) ?? []), r]);
    }
    if (r.id) byId.set(r.id.toLowerCase(), r);
  }
  const byLogical = new Map(resources.map((r) => [r.name, r]));
  const result = new Map<CheckResource, Record<string, CheckResource[]>>();
  for (const r of resources) {
    const deps: Record<string, CheckResource[]> = {};
    for (const [key, value] of Object.entries(r.inputs)) {
      const explicit = r.propertyDependencies?.[key];
      const found = new Set<CheckResource>();
      if (explicit)
        for (const n of explicit) {
          const d = byLogical.get(n);
          if (d) found.add(d);
        }
      else {
        for (const s of strings(value)) {
          const exact = byId.get(s.toLowerCase());
          if (exact) found.add(exact);
          for (const [kind, name] of armPairs(s))
            for (const d of byKindName.get(`${kind}/${name.toLowerCase()}`) ?? []) found.add(d);
          // `resourceName` names the parent in the same provider module (an AKS agent pool's cluster).
          if (typeof value === "string" && key === "resourceName")
            for (const d of byName.get(s) ?? []) if (moduleOf(d.type) === moduleOf(r.type)) found.add(d);
          if (typeof value === "string" && key.endsWith("Name") && key !== "name") {
            const wanted = normaliseKind(key.slice(0, -4));
            for (const d of byName.get(s) ?? [])
              if (wanted.endsWith(kindOf(d.type)) || kindOf(d.type).endsWith(wanted)) found.add(d);
          }
        }
      }
      found.delete(r);
      if (found.size > 0) deps[key] = [...found];
    }
    result.set(r, deps);
  }
  return result;
}
