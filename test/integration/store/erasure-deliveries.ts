// Deliveries of a store-vs-batch scenario's files beside an erasure, for the erasure properties: through a
// client that crashes or pauses at one of its writes, or paused mid-merge while the erasure runs.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { pausingClient } from './erasure-harness.js';
import { type StoreUnderTest, writerOn } from './store-harness.js';
import { ingestFile, type Scenario } from './store-vs-batch-harness.js';

/** One delivery of file `index` through `client`'s writer. */
export function deliverThrough(
  store: StoreUnderTest,
  client: DynamoDBClient,
  bucket: Map<string, Uint8Array>,
  scenario: Scenario,
  index: number,
): Promise<void> {
  return ingestFile(store, writerOn(store, client, { pageLimitBytes: 600 }), bucket, scenario, index);
}

/**
 * Erases `id` while a delivery of file `index` waits at its write number `write` (from 0), then lets the
 * delivery finish. A delivery with fewer writes than that finishes first: the erasure then follows it.
 */
export async function eraseMidMerge(
  store: StoreUnderTest,
  endpoint: string,
  eraser: DynamoDbEraser,
  bucket: Map<string, Uint8Array>,
  scenario: Scenario,
  { index, id, write }: { index: number; id: string; write: number },
): Promise<void> {
  const paused = pausingClient(endpoint, write);
  const delivery = deliverThrough(store, paused.client, bucket, scenario, index);
  await Promise.race([paused.reached, delivery]);
  await eraser.eraseUser(id);
  paused.release();
  await delivery.finally(() => paused.client.destroy());
}
