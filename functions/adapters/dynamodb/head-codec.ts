// How a user's head (head.ts) is stored: the one place that names its attributes, for reading it, for a
// merge's commit, for an intent registered or dropped, and for an erasure's marks.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { decodeWtf8, hasLoneSurrogate, wtf8Bytes } from '../../../contract/wtf8.js';
import type { UserTotals } from '../../domain/store/stored.js';
import type { RecentCommit } from './commit-history.js';
import { EMPTY_HEAD, type Head, type Intent, type StoredLink } from './head.js';
import { HEAD_SK, userPk } from './keys.js';
import { type Item, itemKey, type Key } from './transport.js';
import { attributeChanges, updateExpression } from './update-expression.js';

export function headKey(user: string): Key {
  return itemKey(userPk(user), HEAD_SK);
}

/** An intent as stored in the head's `in` map. */
function encodeIntent(intent: Intent): AttributeValue {
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

/** The names of the head's attributes a scan filters heads by (a recut's count of users left), as read here. */
export const HEAD_SCAN_NAMES = {
  rules: 'rf',
  erased: 'er',
  offersPending: 'lo',
  link: 'li',
  anonymousErased: 'ea',
} as const;

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

/** A new version of the head: the transaction that writes it, and the latest commits it keeps. */
export interface HeadVersion {
  readonly version: number;
  readonly txn: string;
  readonly recent: readonly RecentCommit[];
}

/** The parts of the head a new version writes: each one given is set (null removes it), each absent one left. */
export interface HeadParts {
  readonly lastDay?: string | null;
  readonly rules?: string;
  /** `Head.offersPending`. */
  readonly offersPending?: string | null;
  readonly totals?: UserTotals;
  readonly link?: StoredLink | null;
  readonly stitchedCount?: number;
  /** Empty removes it. */
  readonly stitchedSample?: readonly string[];
  /** The parked copies, encoded. */
  readonly parked?: Uint8Array | null;
  /** Set once, never cleared. */
  readonly busyDays?: true;
  readonly erased?: true;
  readonly anonymousErased?: true;
}

/** A new version's attributes: those to set, and (undefined) those to remove. */
function headAttributes(
  { version, txn, recent }: HeadVersion,
  parts: HeadParts,
): Record<string, AttributeValue | undefined> {
  const { totals } = parts;
  const removable = <T>(value: T | null, encode: (value: T) => AttributeValue) =>
    value === null ? undefined : encode(value);
  return {
    v: { N: String(version) },
    t: { S: txn },
    ...(parts.lastDay !== undefined && { ld: removable(parts.lastDay, (day) => ({ S: day })) }),
    rc: { S: JSON.stringify(recent) },
    ...(parts.rules !== undefined && { rf: { S: parts.rules } }),
    ...(parts.offersPending !== undefined && { lo: removable(parts.offersPending, (txn) => ({ S: txn })) }),
    ...(totals !== undefined && {
      sc: { N: String(totals.sessionCount) },
      ec: { N: String(totals.eventCount) },
      fs: totals.firstSeenAt === undefined ? undefined : { N: String(totals.firstSeenAt) },
      ls: totals.lastSeenAt === undefined ? undefined : { N: String(totals.lastSeenAt) },
      mo: { S: encodeMonths(totals.months) },
      dc: { N: String(totals.dayCount) },
    }),
    ...(parts.link !== undefined && { li: removable(parts.link, (link) => ({ S: JSON.stringify(link) })) }),
    ...(parts.stitchedCount !== undefined && { ac: { N: String(parts.stitchedCount) } }),
    ...(parts.stitchedSample !== undefined && {
      as: parts.stitchedSample.length === 0 ? undefined : { L: parts.stitchedSample.map(encodeSampleId) },
    }),
    ...(parts.parked !== undefined && { pe: removable(parts.parked, (parked) => ({ B: parked })) }),
    ...(parts.busyDays === true && { bp: { BOOL: true } }),
    ...(parts.erased === true && { er: { BOOL: true } }),
    ...(parts.anonymousErased === true && { ea: { BOOL: true } }),
  };
}

/** What a commit sets: the parts of the head a merge may change. */
export interface HeadCommit extends HeadVersion {
  readonly lastDay: string | undefined;
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

/** An UpdateItem of the head, as a transaction's Update takes it too. */
export interface HeadUpdate {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, AttributeValue>;
}

/**
 * The UpdateItem expression of a commit, conditional on the version read (and on the committing intent,
 * when staged). An update, not a put, so intents registered meanwhile by other writers survive it.
 */
export function commitUpdate(read: Head, commit: HeadCommit, stagedTxn?: string): HeadUpdate {
  const { lastDay, link, ...parts } = commit;
  const { names, values, sets, removes } = attributeChanges(
    headAttributes(commit, {
      ...parts,
      lastDay: lastDay ?? null,
      ...('link' in commit && { link: link ?? null }),
    }),
  );
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
 * The UpdateItem of a new version of the head read that is no merge's commit (an erasure's mark), conditional
 * on the version read: it writes `parts` and removes the intents `dropped`, each by its key, so later ones stay.
 */
export function versionUpdate(
  read: Head,
  next: HeadVersion,
  parts: HeadParts,
  dropped: readonly string[],
): HeadUpdate {
  const { names, values, sets, removes } = attributeChanges(headAttributes(next, parts));
  dropped.forEach((txn, index) => {
    names['#in'] = 'in';
    names[`#drop${index}`] = txn;
    removes.push(`#in.#drop${index}`);
  });
  return {
    UpdateExpression: updateExpression(sets, removes),
    ConditionExpression: '#cv = :read',
    ExpressionAttributeNames: { ...names, '#cv': 'v' },
    ExpressionAttributeValues: { ...values, ':read': { N: String(read.version) } },
  };
}

/** The head of `user` a first version writes where none was stored (put where no `pk` is), with no intents. */
export function versionItem(user: string, next: HeadVersion, parts: HeadParts): Item {
  const item: Item = { ...headKey(user), in: { M: {} } };
  for (const [attribute, value] of Object.entries(headAttributes(next, parts)))
    if (value !== undefined) item[attribute] = value;
  return item;
}

/** The head a staged write creates to register its intent where none was stored: version 0, no commit. */
export function intentHeadItem(user: string, txn: string, intent: Intent): Item {
  return { ...headKey(user), v: { N: '0' }, t: { S: '' }, in: { M: { [txn]: encodeIntent(intent) } } };
}

/** The UpdateItem that registers an intent in the head read, conditional on its version. */
export function addIntentUpdate(read: Head, txn: string, intent: Intent): HeadUpdate {
  return {
    UpdateExpression: 'SET #in.#txn = :intent',
    ConditionExpression: '#v = :read',
    ExpressionAttributeNames: { '#in': 'in', '#txn': txn, '#v': 'v' },
    ExpressionAttributeValues: { ':intent': encodeIntent(intent), ':read': { N: String(read.version) } },
  };
}

/** The UpdateItem that removes the intent `txn`, failing its condition where it is gone already. */
export function dropIntentUpdate(txn: string) {
  return {
    UpdateExpression: 'REMOVE #in.#txn',
    ConditionExpression: 'attribute_exists(#in.#txn)',
    ExpressionAttributeNames: { '#in': 'in', '#txn': txn },
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
