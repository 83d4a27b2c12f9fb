import type { DayChange } from '../../domain/store/plan-merge.js';
import { encodeDay, encodeTombstone } from './day-codec.js';
import { tokenOf } from './keys.js';
import type { Item } from './transport.js';

/** The items that store one merge's day changes under its version and transaction. */
export function itemsForChanges(
  user: string,
  changes: readonly DayChange[],
  version: number,
  txn: string,
  pageLimitBytes: number | undefined,
): Item[] {
  const token = tokenOf(version, txn);
  const items: Item[] = [];
  for (const change of changes) {
    if (change.sessions.length === 0) {
      items.push(encodeTombstone(user, change.day, version, txn, token));
      continue;
    }
    const encoded = encodeDay(
      { user, day: change.day, version, txn, token, before: change.before, sessions: change.sessions },
      pageLimitBytes,
    );
    // Chunks first: a page is never stored without the chunks it names.
    items.push(...encoded.chunks, ...encoded.pages);
  }
  return items;
}

/** A random transaction id: 8 characters of base64url. */
export function newTxn(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}
