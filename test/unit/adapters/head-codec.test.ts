import { describe, expect, it } from 'vitest';
import {
  commitUpdate,
  decodeHead,
  EMPTY_HEAD,
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
