import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { decodeWtf8, hasLoneSurrogate, wtf8Bytes } from '../../../contract/wtf8.js';
import type { EventSource } from '../../domain/events/event.js';
import { EMPTY_TOTALS, type UserTotals } from '../../domain/store/stored.js';
import type { RecentCommit } from './commit-history.js';
import { HEAD_SK, userPk } from './keys.js';
import type { Item, Key } from './transport.js';
import { itemKey } from './transport.js';
import { attributeChanges, updateExpression } from './update-expression.js';

/** The earliest link of an anonymousId (rule 8), kept in that anonymousId's head. */
export interface StoredLink {
  readonly userId: string;
  readonly timestamp: number;
  readonly eventId: string;
  /** The link event as sent, in canonical JSON: the last tie-break between links, exact ('' when not read). */
  readonly canonical: string;
  /** Where the link event was read: a tie with a later link reads its text there when `canonical` is ''. */
  readonly source?: EventSource;
}

/** A staged write in progress (docs/design.md, "Merges"): its items are invisible until it commits. */
export interface Intent {
  readonly version: number;
  readonly firstDay: string;
  readonly lastDay: string;
  /** When it was registered (epoch ms): its items are cleared only once its writer can no longer write. */
  readonly at: number;
  /**
   * The other partitions a stitching move stages in under the same transaction (none for a merge): erasing
   * this user finds there the staged pages of a move that can no longer commit, which may hold its events.
   */
  readonly partners: readonly string[];
}

/** An intent as stored in the head's `in` map. */
export function encodeIntent(intent: Intent): AttributeValue {
  return {
    M: {
      v: { N: String(intent.version) },
      f: { S: intent.firstDay },
      l: { S: intent.lastDay },
      a: { N: String(intent.at) },
      ...(intent.partners.length > 0 && { o: { L: intent.partners.map((user) => ({ S: user })) } }),
    },
  };
}

/** A user's head: the commit point of every change to the user, and the figures a summary needs. */
export interface Head {
  readonly exists: boolean;
  readonly version: number;
  readonly txn: string;
  /** Newest stored day. */
  readonly lastDay: string | undefined;
  /** The latest commits, oldest first: which transaction each recent version belongs to. */
  readonly recent: readonly RecentCommit[];
  /** Fingerprint of the rules the user's sessions were cut under. */
  readonly rules: string | undefined;
  /**
   * The transaction of a recut that turned stitching on, from its commit until every link stored in the
   * partition was offered (`lo`): a recut whose offers a crash cut short is at the new rules already, and only
   * this shows it unfinished. Every recut sets or removes it, so with `rules` it names a recut to them.
   */
  readonly offersPending: string | undefined;
  readonly totals: UserTotals;
  readonly link: StoredLink | undefined;
  /** AnonymousIds stitched to this user: how many, and the first few. */
  readonly stitchedCount: number;
  readonly stitchedSample: readonly string[];
  readonly erased: boolean;
  /**
   * The id was erased as an anonymousId stitched to an erased user (`ea`): its anonymous events and links are
   * refused, but the id's own user, the events sent with it as their userId, is another user and stays.
   */
  readonly anonymousErased: boolean;
  readonly intents: ReadonlyMap<string, Intent>;
  /** Copies kept out of the sessions until a stitching move needs them (`MergePlan.parked`), encoded. */
  readonly parked: Uint8Array | undefined;
  /**
   * A day of this user was once stored as several pages (`bp`, never cleared): a list page then sizes its
   * reads by what such pages take, not by the user's average day.
   */
  readonly busyDays: boolean;
}

export const MAX_STITCHED_SAMPLE = 20;

export const EMPTY_HEAD: Head = {
  exists: false,
  version: 0,
  txn: '',
  lastDay: undefined,
  recent: [],
  rules: undefined,
  offersPending: undefined,
  totals: EMPTY_TOTALS,
  link: undefined,
  stitchedCount: 0,
  stitchedSample: [],
  erased: false,
  anonymousErased: false,
  intents: new Map(),
  parked: undefined,
  busyDays: false,
};

export function headKey(user: string): Key {
  return itemKey(userPk(user), HEAD_SK);
}

/** An id with no UTF-8 (a lone surrogate) cannot be a string attribute: it goes as its WTF-8 bytes. */
function encodeSampleId(id: string): AttributeValue {
  return hasLoneSurrogate(id) ? { B: wtf8Bytes(id) } : { S: id };
}

function decodeSampleId(value: AttributeValue): string {
  return value.S ?? (value.B === undefined ? '' : (decodeWtf8(value.B) ?? ''));
}

function encodeMonths(months: ReadonlyMap<string, number>): string {
  return [...months].map(([month, count]) => `${month}=${count}`).join(',');
}

function decodeMonths(text: string | undefined): Map<string, number> {
  const months = new Map<string, number>();
  if (text === undefined || text === '') return months;
  for (const entry of text.split(',')) {
    const [month, count] = entry.split('=');
    if (month !== undefined && count !== undefined) months.set(month, Number(count));
  }
  return months;
}

const num = (value: AttributeValue | undefined): number | undefined =>
  value?.N === undefined ? undefined : Number(value.N);

export function decodeHead(item: Item | undefined): Head {
  if (item === undefined) return EMPTY_HEAD;
  const intents = new Map<string, Intent>();
  for (const [txn, value] of Object.entries(item.in?.M ?? {})) {
    const intent = value.M ?? {};
    intents.set(txn, {
      version: num(intent.v) ?? 0,
      firstDay: intent.f?.S ?? '',
      lastDay: intent.l?.S ?? '',
      at: num(intent.a) ?? 0,
      partners: (intent.o?.L ?? []).flatMap((user) => (user.S === undefined ? [] : [user.S])),
    });
  }
  return {
    exists: true,
    version: num(item.v) ?? 0,
    txn: item.t?.S ?? '',
    lastDay: item.ld?.S,
    recent: item.rc?.S === undefined ? [] : (JSON.parse(item.rc.S) as RecentCommit[]),
    rules: item.rf?.S,
    offersPending: item.lo?.S,
    totals: {
      sessionCount: num(item.sc) ?? 0,
      eventCount: num(item.ec) ?? 0,
      firstSeenAt: num(item.fs),
      lastSeenAt: num(item.ls),
      months: decodeMonths(item.mo?.S),
      dayCount: num(item.dc) ?? 0,
    },
    link: item.li?.S === undefined ? undefined : (JSON.parse(item.li.S) as StoredLink),
    stitchedCount: num(item.ac) ?? 0,
    stitchedSample: item.as?.L?.map(decodeSampleId) ?? [],
    erased: item.er?.BOOL === true,
    anonymousErased: item.ea?.BOOL === true,
    intents,
    parked: item.pe?.B,
    busyDays: item.bp?.BOOL === true,
  };
}

/** What a commit sets: the parts of the head a merge may change. */
export interface HeadCommit {
  readonly version: number;
  readonly txn: string;
  readonly lastDay: string | undefined;
  readonly recent: readonly RecentCommit[];
  readonly rules: string;
  /** `Head.offersPending`: a transaction sets it, null removes it, absent leaves it. */
  readonly offersPending?: string | null;
  readonly totals: UserTotals;
  readonly link?: StoredLink | undefined;
  readonly stitchedCount?: number;
  readonly stitchedSample?: readonly string[];
  /** The parked copies, encoded; null removes them, absent leaves them. */
  readonly parked?: Uint8Array | null;
  /** Set when the commit stores a day as several pages; absent leaves the flag as it was. */
  readonly busyDays?: true;
}

/**
 * The UpdateItem expression of a commit, conditional on the version read (and on the committing intent,
 * when staged). An update, not a put, so intents registered meanwhile by other writers survive it.
 */
export function commitUpdate(
  read: Head,
  commit: HeadCommit,
  stagedTxn?: string,
): {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, AttributeValue>;
} {
  const { totals } = commit;
  const { names, values, sets, removes } = attributeChanges({
    v: { N: String(commit.version) },
    t: { S: commit.txn },
    ld: commit.lastDay === undefined ? undefined : { S: commit.lastDay },
    rc: { S: JSON.stringify(commit.recent) },
    rf: { S: commit.rules },
    ...(commit.offersPending !== undefined && {
      lo: commit.offersPending === null ? undefined : { S: commit.offersPending },
    }),
    sc: { N: String(totals.sessionCount) },
    ec: { N: String(totals.eventCount) },
    fs: totals.firstSeenAt === undefined ? undefined : { N: String(totals.firstSeenAt) },
    ls: totals.lastSeenAt === undefined ? undefined : { N: String(totals.lastSeenAt) },
    mo: { S: encodeMonths(totals.months) },
    dc: { N: String(totals.dayCount) },
    ...('link' in commit && {
      li: commit.link === undefined ? undefined : { S: JSON.stringify(commit.link) },
    }),
    ...(commit.stitchedCount !== undefined && { ac: { N: String(commit.stitchedCount) } }),
    ...(commit.stitchedSample !== undefined && {
      as: commit.stitchedSample.length === 0 ? undefined : { L: commit.stitchedSample.map(encodeSampleId) },
    }),
    ...(commit.parked !== undefined && { pe: commit.parked === null ? undefined : { B: commit.parked } }),
    ...(commit.busyDays === true && { bp: { BOOL: true } }),
  });
  if (!read.exists) {
    names['#in'] = 'in';
    values[':noIntents'] = { M: {} };
    sets.push('#in = :noIntents');
  }
  let condition: string;
  if (read.exists) {
    names['#cv'] = 'v';
    values[':read'] = { N: String(read.version) };
    condition = '#cv = :read';
  } else {
    names['#pk'] = 'pk';
    condition = 'attribute_not_exists(#pk)';
  }
  if (stagedTxn !== undefined) {
    // A staged merge registered its intent first, so the head exists by now.
    names['#in'] = 'in';
    names['#txn'] = stagedTxn;
    removes.push('#in.#txn');
    condition = `(${condition}) AND attribute_exists(#in.#txn)`;
  }
  return {
    UpdateExpression: updateExpression(sets, removes),
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * The UpdateItem that removes `Head.offersPending` when it still names the recut `txn`, not another recut's.
 * No new version: the sessions do not change, and a writer that read the head may still commit.
 */
export function offersDoneUpdate(txn: string) {
  return {
    UpdateExpression: 'REMOVE #lo',
    ConditionExpression: '#lo = :lo',
    ExpressionAttributeNames: { '#lo': 'lo' },
    ExpressionAttributeValues: { ':lo': { S: txn } },
  };
}
