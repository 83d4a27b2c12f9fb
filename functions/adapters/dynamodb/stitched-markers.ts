// A user's stitched anonymousIds as the store keeps them (rule 8): a marker item each (`A#<anonymousId>`
// under the user's partition), and in the user's head their count and the first few in order (`ac`, `as`).
// A link that moves an anonymousId's events changes both in the move's own commit (stitching-writer.ts).
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { compareText } from '../../domain/sessions/order.js';
import { type Head, MAX_STITCHED_SAMPLE, type StoredLink } from './head.js';
import { anonymousIdOfStitchedSk, STITCHED_SK_START, stitchedSk, userPk } from './keys.js';
import { itemKey, type Transport } from './transport.js';

/** What a user's head says of its stitched anonymousIds: how many, and the first few in order. */
export interface StitchedSummary {
  readonly count: number;
  readonly sample: string[];
}

/**
 * The summaries a move of `anonymousId` from `from`'s partition to `to`'s changes: `to` gains it, `from`
 * loses it (the anonymousId's own partition has no marker of itself). `heads` holds both users' heads.
 */
export async function stitchedSummaries(
  transport: Transport,
  anonymousId: string,
  from: string,
  to: string,
  heads: ReadonlyMap<string, Head>,
): Promise<Map<string, StitchedSummary>> {
  const summaries = new Map<string, StitchedSummary>();
  if (from === to) return summaries;
  if (to !== anonymousId)
    summaries.set(to, await stitchedAfter(transport, to, heads.get(to) as Head, anonymousId, 'add'));
  if (from !== anonymousId)
    summaries.set(from, await stitchedAfter(transport, from, heads.get(from) as Head, anonymousId, 'remove'));
  return summaries;
}

/** The markers' writes for the same move: `to`'s marker put (with the link's instant), `from`'s deleted. */
export function markerWrites(
  anonymousId: string,
  link: StoredLink | undefined,
  from: string,
  to: string,
): TransactWriteItem[] {
  const items: TransactWriteItem[] = [];
  if (from === to) return items;
  if (to !== anonymousId && link !== undefined) {
    items.push({
      Put: {
        Item: { ...itemKey(userPk(to), stitchedSk(anonymousId)), at: { N: String(link.timestamp) } },
      } as never,
    });
  }
  if (from !== anonymousId) {
    items.push({ Delete: { Key: itemKey(userPk(from), stitchedSk(anonymousId)) } as never });
  }
  return items;
}

/** A user's stitched anonymousIds after adding or removing one: the count, and the first few in order. */
async function stitchedAfter(
  transport: Transport,
  user: string,
  head: Head,
  anonymousId: string,
  change: 'add' | 'remove',
): Promise<StitchedSummary> {
  const known = new Set(head.stitchedSample);
  if (change === 'add') {
    const isNew = !known.has(anonymousId) && !(await isStitched(transport, user, anonymousId));
    const sample = [...new Set([...head.stitchedSample, anonymousId])]
      .sort(compareText)
      .slice(0, MAX_STITCHED_SAMPLE);
    return { count: head.stitchedCount + (isNew ? 1 : 0), sample };
  }
  const count = Math.max(0, head.stitchedCount - 1);
  let sample = head.stitchedSample.filter((id) => id !== anonymousId);
  if (sample.length < Math.min(count, MAX_STITCHED_SAMPLE))
    sample = await firstStitched(transport, user, anonymousId);
  return { count, sample };
}

async function isStitched(transport: Transport, user: string, anonymousId: string): Promise<boolean> {
  return (await transport.get(itemKey(userPk(user), stitchedSk(anonymousId)))) !== undefined;
}

/**
 * Every marker is read: keys sort by UTF-8 bytes (and ids of the `A~` form after all others), the sample by
 * UTF-16 code units, so the first keys need not hold the first ids (`\u{10000}` sorts before `\uffff`). Only
 * an anonymousId leaving the sample of a user with more than it holds comes here.
 */
async function firstStitched(transport: Transport, user: string, except: string): Promise<string[]> {
  const items = await transport.query({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': { S: userPk(user) }, ':prefix': { S: STITCHED_SK_START } },
    ConsistentRead: true,
  });
  return items
    .flatMap((item) => {
      const id = anonymousIdOfStitchedSk(item.sk?.S ?? '');
      return id === undefined || id === except ? [] : [id];
    })
    .sort(compareText)
    .slice(0, MAX_STITCHED_SAMPLE);
}
