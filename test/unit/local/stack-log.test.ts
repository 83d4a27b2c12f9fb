// How `npm start` words the handler's log entries and the queue's deliveries.
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../local/sqs-queue.js';
import { formatHandlerLog, formatQueueActivity, plural } from '../../../local/stack-log.js';

const message: StoredMessage = {
  messageId: 'm1',
  body: '{}',
  sentAt: 0,
  sequence: 1,
  receiveCount: 3,
  visibleAt: 0,
  lastError: 'Error: down',
};

describe('stack log lines', () => {
  it('counts in the singular for one and the plural otherwise', () => {
    expect([0, 1, 2].map((count) => plural(count, 'user'))).toEqual(['0 users', '1 user', '2 users']);
  });

  it('words an ingested object from its stats', () => {
    const line = formatHandlerLog('info', 'ingested', {
      key: 'incoming/a.ndjson',
      eventsRead: 1,
      rejected: 0,
      usersTouched: 1,
      sessionsWritten: 2,
      durationMs: 1234,
    });

    expect(line).toBe('ingested incoming/a.ndjson: 1 event, 0 rejected, 1 user, 2 sessions written (1.2 s)');
  });

  it('words a file that is no export, and stays quiet on other info entries', () => {
    const line = formatHandlerLog('error', 'file is not a valid export', {
      key: 'incoming/case.json',
      fileError: 'no events',
      eventsRead: 0,
      sessionsWritten: 0,
      report: 'rejected/incoming/case.json.ndjson',
    });

    expect(line).toBe(
      'NOT an export: incoming/case.json: no events; 0 events read, 0 sessions written (report: rejected/incoming/case.json.ndjson)',
    );
    expect(formatHandlerLog('info', 'cold start', {})).toBeUndefined();
  });

  it('words failed and dead-lettered deliveries, and leaves successes to the handler', () => {
    const failed = formatQueueActivity(
      {
        type: 'failed',
        message: { ...message, receiveCount: 1 },
        reason: 'Error: down',
        retryInMs: 30_000,
        lastReceive: false,
      },
      ['incoming/a'],
    );
    const dead = formatQueueActivity({ type: 'dead-lettered', message }, ['incoming/a']);

    expect(failed).toBe('FAILED incoming/a (receive 1): Error: down; it is received again in 30 s');
    expect(dead).toMatch(/^DEAD-LETTERED incoming\/a after 3 receives \(last: Error: down\); `npm run dlq`/);
    expect(
      formatQueueActivity({ type: 'succeeded', message, durationMs: 1 }, ['incoming/a']),
    ).toBeUndefined();
  });
});
