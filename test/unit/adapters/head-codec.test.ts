import { describe, expect, it } from 'vitest';
import { EMPTY_HEAD } from '../../../functions/adapters/dynamodb/head.js';
import {
  commitUpdate,
  decodeHead,
  type HeadCommit,
} from '../../../functions/adapters/dynamodb/head-codec.js';
import { EMPTY_TOTALS } from '../../../functions/domain/store/stored.js';

const COMMIT: HeadCommit = {
  version: 2,
  txn: 'tx2',
  lastDay: '2024-05-06',
  recent: [],
  rules: 'r',
  totals: EMPTY_TOTALS,
};

describe('the head’s busy-days flag (bp)', () => {
  it('is set by a commit that stores a day as several pages, and left alone by any other', () => {
    const set = commitUpdate(EMPTY_HEAD, { ...COMMIT, busyDays: true });
    expect(set.UpdateExpression).toContain('#bp = :bp');
    expect(set.ExpressionAttributeValues[':bp']).toEqual({ BOOL: true });
    const other = commitUpdate(EMPTY_HEAD, COMMIT);
    expect(other.ExpressionAttributeNames['#bp']).toBeUndefined();
    expect(other.UpdateExpression).not.toContain('#bp');
  });

  it('reads as set only when stored', () => {
    expect(decodeHead({ pk: { S: 'U#u' }, sk: { S: 'H' }, bp: { BOOL: true } }).busyDays).toBe(true);
    expect(decodeHead({ pk: { S: 'U#u' }, sk: { S: 'H' } }).busyDays).toBe(false);
    expect(decodeHead(undefined).busyDays).toBe(false);
  });
});

describe('the head’s mark of links not yet offered (lo)', () => {
  it('is set or removed by a commit that says so, and left alone by any other', () => {
    const set = commitUpdate(EMPTY_HEAD, { ...COMMIT, offersPending: 'tx2' });
    expect(set.UpdateExpression).toContain('#lo = :lo');
    expect(set.ExpressionAttributeValues[':lo']).toEqual({ S: 'tx2' });
    const removed = commitUpdate(EMPTY_HEAD, { ...COMMIT, offersPending: null });
    expect(removed.UpdateExpression).toMatch(/REMOVE .*#lo/);
    const other = commitUpdate(EMPTY_HEAD, COMMIT);
    expect(other.ExpressionAttributeNames['#lo']).toBeUndefined();
  });

  it('reads back as the recut’s transaction', () => {
    expect(decodeHead({ pk: { S: 'U#u' }, sk: { S: 'H' }, lo: { S: 'tx2' } }).offersPending).toBe('tx2');
    expect(decodeHead({ pk: { S: 'U#u' }, sk: { S: 'H' } }).offersPending).toBeUndefined();
  });
});

describe('the head’s stitched sample', () => {
  it('keeps an anonymousId with no UTF-8 (a lone surrogate) as its bytes, and reads it back', () => {
    const sample = ['anon-1', 'a\ud800b'];
    const update = commitUpdate(EMPTY_HEAD, { ...COMMIT, stitchedCount: 2, stitchedSample: sample });
    const stored = update.ExpressionAttributeValues[':as'];
    expect(stored?.L?.[0]).toEqual({ S: 'anon-1' });
    expect(stored?.L?.[1]?.S).toBeUndefined();
    expect(
      decodeHead({ pk: { S: 'U#u' }, sk: { S: 'H' }, ...(stored && { as: stored }) }).stitchedSample,
    ).toEqual(sample);
  });
});
