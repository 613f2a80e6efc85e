/**
 * Upserts documents of one logical partition as Cosmos DB transactional batches (at most 100 operations and about
 * 1.5 MB each, under the service's 100-operation and 2 MB limits), several batches in flight. All rows of a dataset
 * share the partition key, so a batch is the natural unit: one request carries 100 rows, and the SDK's retry policy
 * covers throttling (429) of the whole request. A batch fails as a whole when one operation fails; the failing
 * operations are reported and the others sent again, so one bad document never costs its 99 neighbours.
 */
import type { Container, JSONObject, OperationInput } from "@azure/cosmos";

/** Options of {@link BatchWriter}. */
export interface BatchWriterOptions<T> {
  /** Batches in flight at once (default 8). */
  inFlight?: number;
  /** Called with each batch's documents once they are stored; awaited before the batch's slot is reused. */
  onWritten: (docs: T[]) => void | Promise<void>;
  /** Called for a document the service refused, with the status or error. */
  onFailed: (doc: T, reason: string) => void;
}

/** Cosmos DB's limits for one transactional batch are 100 operations and 2 MB; stay under the size with room. */
const maxOperations = 100;
const maxBatchBytes = 1_500_000;

/** Writes documents in transactional batches with bounded concurrency; `add` waits when every slot is busy. */
export class BatchWriter<T extends { id: string }> {
  private batch: T[] = [];
  private batchBytes = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly inFlight: number;
  /** Requests sent so far: transactional batches, and single upserts after a batch request failed as a whole. */
  readonly requests = { batches: 0, single: 0 };

  constructor(
    private readonly container: Container,
    private readonly partitionKey: string,
    private readonly opts: BatchWriterOptions<T>,
  ) {
    this.inFlight = opts.inFlight ?? 8;
  }

  /** Queues `doc` (`bytes`: its approximate JSON size); resolves once it is queued, or sent with a full batch. */
  async add(doc: T, bytes: number): Promise<void> {
    if (this.batch.length > 0 && this.batchBytes + bytes > maxBatchBytes) await this.dispatch();
    this.batch.push(doc);
    this.batchBytes += bytes;
    if (this.batch.length >= maxOperations) await this.dispatch();
  }

  /** Sends what is queued and waits for every batch in flight. */
  async close(): Promise<void> {
    if (this.batch.length > 0) await this.dispatch();
    await Promise.all(this.running);
  }

  private async dispatch(): Promise<void> {
    const docs = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    while (this.running.size >= this.inFlight) await Promise.race(this.running);
    const task = this.send(docs).finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /**
   * Sends one batch. When operations fail, the batch stored nothing (it is atomic): the failing ones are reported
   * and the rest sent again. When the request itself fails, each document is tried on its own, so the report names
   * exactly the ones the service refuses.
   */
  private async send(docs: T[]): Promise<void> {
    let pending = docs;
    for (;;) {
      const ops: OperationInput[] = pending.map((doc) => ({
        operationType: "Upsert",
        partitionKey: this.partitionKey,
        resourceBody: doc as unknown as JSONObject,
      }));
      let results: { statusCode: number }[];
      this.requests.batches += 1;
      try {
        // Statuses only: the service need not send 100 documents back (`Prefer: return=minimal`).
        const response = await this.container.items.batch(ops, this.partitionKey, {
          contentResponseOnWriteEnabled: false,
        });
        results = response.result ?? [];
      } catch {
        await this.sendOneByOne(pending);
        return;
      }
      const ok = (i: number) => (results[i]?.statusCode ?? 0) >= 200 && (results[i]?.statusCode ?? 0) < 300;
      const refused = pending.filter((_, i) => !ok(i) && results[i]?.statusCode !== 424);
      if (refused.length === 0 && pending.every((_, i) => ok(i))) {
        await this.opts.onWritten(pending);
        return;
      }
      if (refused.length === 0) {
        await this.sendOneByOne(pending); // 424s without a failing operation: not a batch we can reason about
        return;
      }
      for (const doc of refused) this.opts.onFailed(doc, `status ${results[pending.indexOf(doc)]?.statusCode ?? 0}`);
      pending = pending.filter((doc) => !refused.includes(doc));
      if (pending.length === 0) return;
    }
  }

  /** Upserts each document on its own, reporting the ones refused. */
  private async sendOneByOne(docs: T[]): Promise<void> {
    const stored: T[] = [];
    await Promise.all(
      docs.map(async (doc) => {
        this.requests.single += 1;
        try {
          await this.container.items.upsert(doc as unknown as JSONObject);
          stored.push(doc);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          this.opts.onFailed(doc, typeof code === "number" ? `status ${code}` : (error as Error).message);
        }
      }),
    );
    if (stored.length > 0) await this.opts.onWritten(stored);
  }
}
