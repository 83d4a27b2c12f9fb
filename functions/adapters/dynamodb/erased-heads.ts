import type { Head } from './head-codec.js';
import type { Item, Transport } from './transport.js';

// How an erasure marks a head (docs/operations.md, "The suppression entry"): the update of a head that
// exists, the attributes of one it creates, and when a head needs no new mark. Attribute names are
// head-codec's.

type HeadUpdate = Parameters<Transport['update']>[1];

/**
 * The head of an erased id: a new version (so a merge that read the old one fails its commit and, retrying,
 * refuses its events), the erased flag, and totals of nothing; its parked copies (events the head itself
 * holds, `pe`) go with the rest. The link stays, so an erased anonymousId still routes to its user, but
 * without the link event's content (only a tie between two links reads it, and an erased id takes no
 * link); intents go, so nothing can commit on what was read before.
 */
function erasedHeadUpdate(read: Head, version: number, txn: string, recent: string): HeadUpdate {
  const link = read.link === undefined ? undefined : { ...read.link, canonical: '' };
  return {
    UpdateExpression:
      'SET #er = :true, #v = :version, #t = :txn, #rc = :recent, #sc = :zero, #ec = :zero, #dc = :zero, ' +
      `#mo = :none, #ac = :zero, #in = :noIntents${link === undefined ? '' : ', #li = :link'} ` +
      'REMOVE #ld, #fs, #ls, #as, #pe',
    ConditionExpression: '#v = :read',
    ExpressionAttributeNames: {
      '#er': 'er',
      '#v': 'v',
      '#t': 't',
      '#rc': 'rc',
      '#sc': 'sc',
      '#ec': 'ec',
      '#dc': 'dc',
      '#mo': 'mo',
      '#ac': 'ac',
      '#in': 'in',
      '#ld': 'ld',
      '#fs': 'fs',
      '#ls': 'ls',
      '#as': 'as',
      '#pe': 'pe',
      ...(link !== undefined && { '#li': 'li' }),
    },
    ExpressionAttributeValues: {
      ':true': { BOOL: true },
      ':version': { N: String(version) },
      ':txn': { S: txn },
      ':recent': { S: recent },
      ':zero': { N: '0' },
      ':none': { S: '' },
      ':noIntents': { M: {} },
      ':read': { N: String(read.version) },
      ...(link !== undefined && { ':link': { S: JSON.stringify(link) } }),
    },
  };
}

/**
 * The head of an anonymousId erased with the user it was stitched to: a new version (a link offer or a merge
 * that read it fails its commit) and the `ea` flag; its link stays without the event's content. Intents stay:
 * they are the staged writes of the id's own user, if it has one.
 */
function anonymousErasedHeadUpdate(read: Head, version: number, txn: string, recent: string): HeadUpdate {
  const link = read.link === undefined ? undefined : { ...read.link, canonical: '' };
  return {
    UpdateExpression: `SET #ea = :true, #v = :version, #t = :txn, #rc = :recent${link === undefined ? '' : ', #li = :link'}`,
    ConditionExpression: '#v = :read',
    ExpressionAttributeNames: {
      '#ea': 'ea',
      '#v': 'v',
      '#t': 't',
      '#rc': 'rc',
      ...(link !== undefined && { '#li': 'li' }),
    },
    ExpressionAttributeValues: {
      ':true': { BOOL: true },
      ':version': { N: String(version) },
      ':txn': { S: txn },
      ':recent': { S: recent },
      ':read': { N: String(read.version) },
      ...(link !== undefined && { ':link': { S: JSON.stringify(link) } }),
    },
  };
}

/** One kind of mark: the update of a head that exists, the attributes of one it creates. */
export interface HeadMark {
  /** A head that needs no new mark. */
  readonly done: (head: Head) => boolean;
  readonly update: (read: Head, version: number, txn: string, recent: string) => HeadUpdate;
  readonly created: Item;
}

export const ERASED: HeadMark = {
  done: () => false,
  update: erasedHeadUpdate,
  created: { er: { BOOL: true }, sc: { N: '0' }, ec: { N: '0' }, dc: { N: '0' }, mo: { S: '' } },
};

/** Whether an anonymousId's head now links it to a user other than `user` (an earlier link moved it since). */
export const linkedElsewhere = (head: Head, user: string) =>
  head.link !== undefined && head.link.userId !== user;

/** The mark of an anonymousId erased with `user`; none when a link to another user came first. */
export const anonymousErased = (user: string): HeadMark => ({
  done: (head) =>
    head.erased ||
    linkedElsewhere(head, user) ||
    (head.anonymousErased && (head.link?.canonical ?? '') === ''),
  update: anonymousErasedHeadUpdate,
  created: { ea: { BOOL: true } },
});
