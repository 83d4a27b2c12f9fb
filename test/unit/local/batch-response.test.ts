// Which messages of a batch failed, by Lambda's rules for partial batch responses.
import { describe, expect, it } from 'vitest';
import { failedMessageIds } from '../../../local/batch-response.js';

describe('failedMessageIds', () => {
  const batch = [{ messageId: 'm1' }, { messageId: 'm2' }];

  it.each([
    ['no response', undefined],
    ['null', null],
    ['no list', {}],
    ['an empty list', { batchItemFailures: [] }],
  ])('treats %s as complete success', (_what, response) => {
    expect(failedMessageIds(batch, response).ids).toEqual(new Set());
  });

  it("gives each failed message the handler's own reason for it, when it gave one", () => {
    const failed = failedMessageIds(batch, {
      batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }],
      failureReasons: { m2: 'Error: table throttled' },
    });
    expect(failed.ids).toEqual(new Set(['m1', 'm2']));
    expect(failed.reasons).toEqual({ m2: 'Error: table throttled' });
  });

  it('fails only the named messages', () => {
    expect(failedMessageIds(batch, { batchItemFailures: [{ itemIdentifier: 'm2' }] }).ids).toEqual(
      new Set(['m2']),
    );
  });

  it.each([
    ['an unknown id', { batchItemFailures: [{ itemIdentifier: 'other' }] }],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null id', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a list that is not one', { batchItemFailures: 'm1' }],
  ])('fails the whole batch for %s, as Lambda does', (_what, response) => {
    const failed = failedMessageIds(batch, response);
    expect(failed.ids).toEqual(new Set(['m1', 'm2']));
    expect(failed.reason).toMatch(/whole batch/);
  });
});
