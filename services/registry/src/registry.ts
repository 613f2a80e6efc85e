/**
 * The model registry over one Cosmos DB container (partition key `/name`). Every write that could race is
 * conditional: a version is claimed by creating `${name}@${v}` (Cosmos rejects a second create of the same id), the
 * counter moves only with `IfMatch` on its ETag, and the alias map is replaced only with `IfMatch`. So concurrent
 * registrations get distinct consecutive versions and concurrent promotions have exactly one winner.
 */
import { randomUUID } from "node:crypto";
import type { Container } from "@azure/cosmos";
import { MODEL_ALIAS, MODEL_NAME } from "@ai-platform/contracts";
import {
  RegistryConflictError,
  RegistryNotFoundError,
  type ModelStatus,
  type ModelVersion,
  type NewModelVersion,
  type RegistryEvent,
  type TrafficSplit,
} from "./types.js";

/** The registry operations both services use. */
export interface ModelRegistry {
  listModels(): Promise<string[]>;
  /** Versions ascending by `version`. */
  listVersions(name: string): Promise<ModelVersion[]>;
  getVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  getAliases(name: string): Promise<{ aliases: Record<string, number>; etag: string }>;
  /** `ref`: a version number ("3"), an alias ("production") or "latest". */
  resolve(name: string, ref: string): Promise<ModelVersion | undefined>;
  /** Assigns the next version (monotonic, gap-free) and stores the record as a candidate. */
  register(input: NewModelVersion): Promise<ModelVersion>;
  /** Points `alias` at `version`; with `ifMatch`, only if the alias map is unchanged. Conflict → RegistryConflictError. */
  setAlias(
    name: string,
    alias: string,
    version: number,
    opts: { actor: string; reason?: string; ifMatch?: string },
  ): Promise<void>;
  /** The audit trail, oldest first. */
  history(name: string): Promise<RegistryEvent[]>;
  /** The model's traffic split (`{}` when everything goes to the served alias). */
  getTraffic(name: string): Promise<TrafficSplit>;
  /** Replaces the traffic split (only with versions that exist) and records a `set-traffic` event. */
  setTraffic(name: string, traffic: TrafficSplit, opts: { actor: string; reason?: string }): Promise<void>;
  /** Appends an event (e.g. a pipeline decision with its figures) to the audit trail. */
  recordEvent(event: Omit<RegistryEvent, "id" | "type" | "at">): Promise<void>;
}

interface CounterDoc {
  id: "counter";
  name: string;
  type: "counter";
  last: number;
  _etag?: string;
}
interface AliasDoc {
  id: "aliases";
  name: string;
  type: "aliases";
  aliases: Record<string, number>;
  _etag?: string;
}

interface TrafficDoc {
  id: "traffic";
  name: string;
  type: "traffic";
  traffic: TrafficSplit;
}

const systemFields = ["_rid", "_self", "_etag", "_attachments", "_ts"] as const;

function clean<T extends object>(doc: T): T {
  const out = { ...doc } as Record<string, unknown>;
  for (const f of systemFields) delete out[f];
  return out as T;
}

function statusCode(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "number"
    ? error.code
    : undefined;
}

/** Upper bound on retries of one registration under contention (each retry means another writer succeeded). */
const maxRegisterAttempts = 200;

/** A {@link ModelRegistry} over the `models` container. */
/**
 * The status a version shows: the production alias is the truth, the stored status a copy that `setAlias` updates
 * after moving the alias. A crash between the two leaves the copy behind; reading through the alias keeps the
 * registry consistent (the alias's version is `production`, any other stored `production` is `archived`) until a
 * re-run of the promotion writes the copy.
 */
function withAliasStatus(v: ModelVersion, aliases: Record<string, number>): ModelVersion {
  const production = aliases.production;
  if (production === v.version && v.status !== "production") return { ...v, status: "production" };
  if (production !== undefined && production !== v.version && v.status === "production") {
    return { ...v, status: "archived" };
  }
  return v;
}

export class CosmosModelRegistry implements ModelRegistry {
  constructor(private readonly container: Container) {}

  async listModels(): Promise<string[]> {
    const { resources } = await this.container.items
      .query<{ name: string }>("SELECT c.name FROM c WHERE c.type = 'counter'")
      .fetchAll();
    return [...new Set(resources.map((r) => r.name))].sort();
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    const { resources } = await this.container.items
      .query<ModelVersion>(
        {
          query: "SELECT * FROM c WHERE c.name = @name AND c.type = 'version'",
          parameters: [{ name: "@name", value: name }],
        },
        { partitionKey: name },
      )
      .fetchAll();
    const { aliases } = await this.getAliases(name);
    return resources.map((v) => withAliasStatus(clean(v), aliases)).sort((a, b) => a.version - b.version);
  }

  async getVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    const { resource } = await this.container.item(`${name}@${version}`, name).read<ModelVersion>();
    return resource ? clean(resource) : undefined;
  }

  async getAliases(name: string): Promise<{ aliases: Record<string, number>; etag: string }> {
    const { resource } = await this.container.item("aliases", name).read<AliasDoc>();
    return { aliases: resource?.aliases ?? {}, etag: resource?._etag ?? "" };
  }

  async resolve(name: string, ref: string): Promise<ModelVersion | undefined> {
    if (/^\d+$/.test(ref)) return this.getVersion(name, Number(ref));
    if (ref === "latest") return (await this.listVersions(name)).at(-1);
    const version = (await this.getAliases(name)).aliases[ref];
    return version === undefined ? undefined : this.getVersion(name, version);
  }

  async register(input: NewModelVersion): Promise<ModelVersion> {
    if (!MODEL_NAME.test(input.name)) {
      throw new Error(`name: "${input.name}" must be 1-128 characters of letters, digits, '.', '_' or '-'`);
    }
    const counter = await this.readCounter(input.name);
    let candidate = (counter?.last ?? 0) + 1;
    for (let attempt = 0; attempt < maxRegisterAttempts; attempt++) {
      const record: ModelVersion = {
        ...input,
        id: `${input.name}@${candidate}`,
        type: "version",
        version: candidate,
        status: "candidate",
        createdAt: new Date().toISOString(),
      };
      try {
        await this.container.items.create(record);
      } catch (error) {
        if (statusCode(error) !== 409) throw error;
        candidate += 1; // someone else holds this version: try the next one, never skipping any
        continue;
      }
      await this.advanceCounter(input.name, candidate, counter);
      await this.appendEvent({ name: input.name, action: "register", version: candidate, actor: input.createdBy });
      return record;
    }
    throw new RegistryConflictError(
      `register ${input.name}: gave up after ${maxRegisterAttempts} conflicting attempts`,
    );
  }

  async setAlias(
    name: string,
    alias: string,
    version: number,
    opts: { actor: string; reason?: string; ifMatch?: string },
  ): Promise<void> {
    if (!MODEL_ALIAS.test(alias) || alias === "latest") {
      throw new Error(
        `alias: "${alias}" must be lowercase letters, digits or '-', start with a letter, and not be "latest"`,
      );
    }
    const target = await this.getVersion(name, version);
    if (!target) throw new RegistryNotFoundError(`${name}@${version} is not registered`);
    const { resource: current } = await this.container.item("aliases", name).read<AliasDoc>();
    const etag = current?._etag ?? "";
    if (opts.ifMatch !== undefined && opts.ifMatch !== etag) {
      throw new RegistryConflictError(
        `aliases of ${name} changed since you read them (another promotion won); re-read and retry`,
      );
    }
    const previousVersion = current?.aliases[alias];
    const doc: AliasDoc = {
      id: "aliases",
      name,
      type: "aliases",
      aliases: { ...(current?.aliases ?? {}), [alias]: version },
    };
    try {
      if (current) {
        await this.container
          .item("aliases", name)
          .replace(clean(doc), { accessCondition: { type: "IfMatch", condition: etag } });
      } else {
        await this.container.items.create(doc);
      }
    } catch (error) {
      const code = statusCode(error);
      if (code === 412 || code === 409) {
        throw new RegistryConflictError(
          `aliases of ${name} changed concurrently (another promotion won); re-read and retry`,
        );
      }
      throw error;
    }
    if (alias === "production") {
      if (previousVersion !== undefined && previousVersion !== version)
        await this.setStatus(name, previousVersion, "archived");
      await this.setStatus(name, version, "production");
    }
    await this.appendEvent({
      name,
      action: "set-alias",
      version,
      alias,
      actor: opts.actor,
      ...(previousVersion === undefined ? {} : { previousVersion }),
      ...(opts.reason === undefined ? {} : { reason: opts.reason }),
    });
  }

  async history(name: string): Promise<RegistryEvent[]> {
    const { resources } = await this.container.items
      .query<RegistryEvent & { seq: number }>(
        {
          query: "SELECT * FROM c WHERE c.name = @name AND c.type = 'event'",
          parameters: [{ name: "@name", value: name }],
        },
        { partitionKey: name },
      )
      .fetchAll();
    return resources
      .sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq)
      .map((e) => {
        const { seq: _seq, ...rest } = clean(e);
        return rest;
      });
  }

  async getTraffic(name: string): Promise<TrafficSplit> {
    const { resource } = await this.container.item("traffic", name).read<TrafficDoc>();
    return resource?.traffic ?? {};
  }

  async setTraffic(name: string, traffic: TrafficSplit, opts: { actor: string; reason?: string }): Promise<void> {
    const weight = traffic.canary?.weight;
    if (weight !== undefined && !(weight >= 0 && weight <= 1))
      throw new Error(`traffic.canary.weight: ${weight} must be a number from 0 to 1`);
    for (const v of [traffic.canary?.version, traffic.shadow?.version])
      if (v !== undefined && !(await this.getVersion(name, v)))
        throw new RegistryNotFoundError(`${name}@${v} is not registered`);
    const doc: TrafficDoc = { id: "traffic", name, type: "traffic", traffic };
    await this.container.items.upsert(doc);
    await this.appendEvent({
      name,
      action: "set-traffic",
      version: traffic.canary?.version ?? traffic.shadow?.version ?? 0,
      traffic,
      actor: opts.actor,
      ...(opts.reason === undefined ? {} : { reason: opts.reason }),
    });
  }

  async recordEvent(event: Omit<RegistryEvent, "id" | "type" | "at">): Promise<void> {
    await this.appendEvent(event);
  }

  private async readCounter(name: string): Promise<CounterDoc | undefined> {
    const { resource } = await this.container.item("counter", name).read<CounterDoc>();
    return resource;
  }

  /** Moves the counter forward to `version` (never backwards), conditional on its ETag; re-reads on a lost race. */
  private async advanceCounter(
    name: string,
    version: number,
    known: CounterDoc | undefined,
  ): Promise<CounterDoc | undefined> {
    let counter = known;
    for (;;) {
      if (counter && counter.last >= version) return counter;
      const next: CounterDoc = { id: "counter", name, type: "counter", last: version };
      try {
        if (counter?._etag) {
          const { resource } = await this.container
            .item("counter", name)
            .replace(next, { accessCondition: { type: "IfMatch", condition: counter._etag } });
          return resource;
        }
        const { resource } = await this.container.items.create(next);
        return resource;
      } catch (error) {
        const code = statusCode(error);
        if (code !== 412 && code !== 409) throw error;
        counter = await this.readCounter(name);
      }
    }
  }

  private async setStatus(name: string, version: number, status: ModelStatus): Promise<void> {
    await this.container.item(`${name}@${version}`, name).patch([{ op: "set", path: "/status", value: status }]);
  }

  private async appendEvent(event: Omit<RegistryEvent, "id" | "type" | "at">): Promise<void> {
    await this.container.items.create({
      ...event,
      id: `event-${randomUUID()}`,
      type: "event",
      at: new Date().toISOString(),
      seq: performance.now(),
    });
  }
}
