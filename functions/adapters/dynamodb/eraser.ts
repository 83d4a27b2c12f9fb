import { compareText } from '../../domain/sessions/order.js';
import type { ErasureResult, UserEraser } from '../../domain/store/ports.js';
import { nextHistory } from './commit-history.js';
import { newTxn } from './day-writes.js';
import { decodeHead, type Head, headKey } from './head-codec.js';
import { anonymousIdOfStitchedSk, HEAD_SK, userPk } from './keys.js';
import { backoff, isConditionFailure, itemKey, type Key, type Transport } from './transport.js';

export interface EraserOptions {
  readonly transport: Transport;
  /** Attempts at marking a head while merges keep committing to it. */
  readonly maxAttempts?: number;
}

export class ErasureConflictError extends Error {
  constructor(id: string, attempts: number) {
    super(
      `could not mark ${JSON.stringify(id)} erased: its head changed under ${attempts} attempts in a row; run the erasure again`,
    );
    this.name = 'ErasureConflictError';
  }
}

/** Keys deleted per round: a partition of any size is erased a bounded page at a time. */
const DELETE_PAGE_ITEMS = 500;

/**
 * The head of an erased id: a new version (so a merge that read the old one fails its commit and, retrying,
 * refuses its events), the erased flag, and totals of nothing; its parked copies (events the head itself
 * holds, `pe`) go with the rest. The link stays, so an erased anonymousId
 * still routes to its user, but without the link event's content (only a tie between two links reads it,
 * and an erased id takes no link); intents go, so nothing can commit on what was read before. Attribute
 * names are head-codec's.
 */
function erasedHeadUpdate(read: Head, version: number, txn: string, recent: string) {
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
 * User erasure in the DynamoDB store (docs/operations.md, "Erasure"). Each id is first marked erased in its
 * head, then every other item of its partition is deleted; an anonymousId stitched to it (an `A#` marker)
 * gets the same treatment before its marker goes, so an interrupted run leaves a trail the next run follows.
 */
export class DynamoDbEraser implements UserEraser {
  private readonly transport: Transport;
  private readonly maxAttempts: number;

  constructor(options: EraserOptions) {
    this.transport = options.transport;
    this.maxAttempts = options.maxAttempts ?? 25;
  }

  async eraseUser(userId: string): Promise<ErasureResult> {
    const tally = { itemsDeleted: 0, anonymousIds: [] as string[] };
    await this.erase(userId, new Set(), tally);
    return { userId, itemsDeleted: tally.itemsDeleted, anonymousIds: tally.anonymousIds.sort(compareText) };
  }

  private async erase(
    id: string,
    visited: Set<string>,
    tally: { itemsDeleted: number; anonymousIds: string[] },
  ): Promise<void> {
    visited.add(id);
    await this.markErased(id);
    for (;;) {
      const keys = await this.itemsBesideHead(id);
      if (keys.length === 0) return;
      for (const { sk } of keys) {
        const anonymousId = anonymousIdOfStitchedSk(sk.S);
        if (anonymousId === undefined || visited.has(anonymousId)) continue;
        tally.anonymousIds.push(anonymousId);
        await this.erase(anonymousId, visited, tally);
      }
      await this.transport.deleteKeys(keys);
      tally.itemsDeleted += keys.length;
    }
  }

  /** Marks the head erased with a new version, conditional on the version read; creates it when missing. */
  private async markErased(id: string): Promise<void> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const head = decodeHead(await this.transport.get(headKey(id)));
      const version = head.version + 1;
      const txn = newTxn();
      const now = Date.now();
      const recent = JSON.stringify(
        nextHistory(head.recent, { version, txn, at: now, afterDay: head.lastDay }, now).recent,
      );
      try {
        if (head.exists) {
          await this.transport.update(headKey(id), erasedHeadUpdate(head, version, txn, recent));
        } else {
          await this.transport.put(
            {
              ...headKey(id),
              er: { BOOL: true },
              v: { N: String(version) },
              t: { S: txn },
              rc: { S: recent },
              sc: { N: '0' },
              ec: { N: '0' },
              dc: { N: '0' },
              mo: { S: '' },
              in: { M: {} },
            },
            { ConditionExpression: 'attribute_not_exists(pk)' },
          );
        }
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      await backoff(attempt, this.transport.baseDelayMs);
    }
    throw new ErasureConflictError(id, this.maxAttempts);
  }

  /** The next page of the partition's keys other than the head (markers sort first: `A#` < `D#` < `E#`). */
  private async itemsBesideHead(id: string): Promise<Key[]> {
    const pk = userPk(id);
    const items = await this.transport.query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
        Limit: DELETE_PAGE_ITEMS,
      },
      (sofar) => sofar.length >= DELETE_PAGE_ITEMS,
    );
    return items
      .map((item) => item.sk?.S ?? HEAD_SK)
      .filter((sk) => sk !== HEAD_SK)
      .map((sk) => itemKey(pk, sk));
  }
}
