/**
 * The puts of concurrent merges, sent together. An ingest runs 16 merges at once and a daily merge writes two
 * items (a page and its chunk); the SDK's cost per request is most of the ingest's CPU. Items queued in one
 * turn of the event loop share `BatchWriteItem` requests of up to 25 items and about 720 KB, a few requests
 * at once. Items are invisible until their merge commits, so neither their order nor their company matters
 * to readers; a loser's items are cleared by version and transaction whatever request carried them.
 */

import { DeadlinePassed } from './request-errors.js';
import { type Item, itemKey, type Key, type Transport } from './transport.js';

export const BATCH_PUT_BYTES = 720 * 1024;
const BATCH_PUT_ITEMS = 25;
/**
 * Requests in flight at once. Items reach 350 KB; four requests of up to 720 KB hold about what sixteen
 * merges' single puts did, and one after another, a first ingest of years of history (two items a day)
 * could not finish before the append deadline.
 */
export const REQUESTS_IN_FLIGHT = 4;

/** About what DynamoDB counts as an item's size: names and values, binary and text alike. */
export function approximateItemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += name.length + (value.S?.length ?? 0) + (value.N?.length ?? 0) + (value.B?.byteLength ?? 0);
    if (value.M !== undefined) bytes += approximateItemBytes(value.M);
  }
  return bytes;
}

interface QueuedPut {
  readonly item: Item;
  readonly bytes: number;
  /** Not sent after this instant (epoch ms): the attempt's deadline. */
  readonly notAfter: number;
  readonly settle: (error?: unknown) => void;
}

export class PutCombiner {
  private readonly queue: QueuedPut[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly transport: Transport,
    private readonly maxInFlight = REQUESTS_IN_FLIGHT,
  ) {}

  /**
   * Puts `items`, none sent after `notAfter`. Resolves once every one is written; otherwise rejects, once
   * every one has settled, with the first failure (`DeadlinePassed` for those it never sent).
   */
  async put(items: readonly Item[], notAfter: number): Promise<void> {
    const outcomes = items.map(
      (item) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({
            item,
            bytes: approximateItemBytes(item),
            notAfter,
            settle: (error) => (error === undefined ? resolve() : reject(error)),
          });
        }),
    );
    this.schedule();
    const failed = (await Promise.allSettled(outcomes)).find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // One turn of the event loop: what other merges queue meanwhile rides in the same requests.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) continue;
      this.inFlight++;
      // Resends stop at the earliest deadline of the request's items, as the first send did.
      const notAfter = Math.min(...batch.map((queued) => queued.notAfter));
      this.transport
        .batchWrite(
          batch.map((queued) => ({ PutRequest: { Item: queued.item } })),
          notAfter,
        )
        .then(
          () => {
            for (const queued of batch) queued.settle();
          },
          (error: unknown) => {
            for (const queued of batch) queued.settle(error);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  /** The next request's items in queue order; items past their deadline are refused on the way. */
  private takeBatch(): QueuedPut[] {
    const batch: QueuedPut[] = [];
    let bytes = 0;
    const now = Date.now();
    while (this.queue.length > 0 && batch.length < BATCH_PUT_ITEMS) {
      const next = this.queue[0] as QueuedPut;
      if (now > next.notAfter) {
        this.queue.shift();
        next.settle(new DeadlinePassed());
        continue;
      }
      if (batch.length > 0 && bytes + next.bytes > BATCH_PUT_BYTES) break;
      this.queue.shift();
      batch.push(next);
      bytes += next.bytes;
    }
    return batch;
  }
}

const combiners = new WeakMap<Transport, PutCombiner>();

/** The one combiner of a transport, so every writer on it shares requests. */
function putCombinerOf(transport: Transport): PutCombiner {
  let combiner = combiners.get(transport);
  if (combiner === undefined) {
    combiner = new PutCombiner(transport);
    combiners.set(transport, combiner);
  }
  return combiner;
}

/**
 * An attempt's puts: through the transport's combiner, none sent past `deadline`; every key is noted in
 * `written` first, so a cut-short attempt clears it.
 */
export async function putAll(
  transport: Transport,
  items: readonly Item[],
  deadline: number,
  written: Key[],
): Promise<void> {
  if (Date.now() > deadline) throw new DeadlinePassed();
  for (const item of items) written.push(itemKey(item.pk?.S ?? '', item.sk?.S ?? ''));
  await putCombinerOf(transport).put(items, deadline);
}
