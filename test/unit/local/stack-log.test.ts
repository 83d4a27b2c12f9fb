// How `npm start` words the handler's log entries and the queue's deliveries.
import { describe, expect, it } from 'vitest';
import { dataDirEnv } from '../../../local/command-words.js';
import type { StoredMessage } from '../../../local/sqs-queue.js';
import {
  formatAdminLog,
  formatDropped,
  formatHandlerLog,
  formatQueueActivity,
  formatRecovered,
  formatThrottle,
  plural,
} from '../../../local/stack-log.js';

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

  it('words an ingested object from its stats: counts, duplicates, formats, skipped archive members', () => {
    const line = formatHandlerLog('info', 'ingested', {
      key: 'incoming/a.zip',
      records: 3,
      rejected: 0,
      duplicates: 1,
      usersTouched: 1,
      sessionsWritten: 2,
      files: [
        { file: 'incoming/a.zip!events.json', format: 'amplitude' },
        { file: 'incoming/a.zip!manifest.json', skipped: 'holds no events of any export format' },
      ],
      durationMs: 1234,
    });

    expect(line).toBe(
      'ingested incoming/a.zip: 3 events, 0 rejected, 1 user, 2 sessions written; 1 duplicate; read as amplitude; skipped incoming/a.zip!manifest.json (1.2 s)',
    );
  });

  it('says when an object held nothing to read, as the CLI says of such a file', () => {
    const line = formatHandlerLog('info', 'ingested', {
      key: 'incoming/empty.ndjson',
      records: 0,
      rejected: 0,
      usersTouched: 0,
      sessionsWritten: 0,
      files: [{ file: 'incoming/empty.ndjson', format: 'segment' }],
      durationMs: 40,
    });
    expect(line).toBe(
      'ingested incoming/empty.ndjson: 0 events, 0 rejected, 0 users, 0 sessions written; it holds nothing to read (no line or array element); read as segment (0.0 s)',
    );
    const some = formatHandlerLog('info', 'ingested', {
      key: 'incoming/one.ndjson',
      records: 1,
      rejected: 1,
      files: [{ file: 'incoming/one.ndjson', format: 'segment' }],
    });
    expect(some).not.toContain('nothing to read');
  });

  it('words an archive whose entry lists only some of its files by every format read, and counts the rest', () => {
    const line = formatHandlerLog('info', 'ingested', {
      key: 'incoming/a.zip',
      records: 3_000,
      rejected: 0,
      usersTouched: 10,
      sessionsWritten: 10,
      files: [{ file: 'incoming/a.zip!README.txt', skipped: 'holds no events of any export format' }],
      filesNotListed: 3_000,
      formats: ['amplitude'],
    });

    expect(line).toBe(
      'ingested incoming/a.zip: 3000 events, 0 rejected, 10 users, 10 sessions written; read as amplitude; 3000 more files not listed; skipped incoming/a.zip!README.txt',
    );
  });

  it('words a file that could not be read entirely, and stays quiet on other info entries', () => {
    const line = formatHandlerLog('error', 'export could not be read entirely; reported, not retried', {
      key: 'incoming/a.ndjson.gz',
      records: 28,
      rejected: 1,
      usersTouched: 2,
      sessionsWritten: 3,
      duplicates: 2,
      erased: 1,
      files: [
        {
          file: 'incoming/a.ndjson.gz',
          format: 'segment',
          error: 'truncated gzip; reading stopped after line 28',
        },
      ],
      report: 'rejected/incoming/a.ndjson.gz.ndjson',
    });

    // The same details as a file read to its end: duplicates, erased users, the format.
    expect(line).toBe(
      'NOT entirely read: incoming/a.ndjson.gz: truncated gzip; reading stopped after line 28; 28 events, 1 rejected, 2 users, 3 sessions written from what was read; 2 duplicates; 1 of erased users; read as segment (report: rejected/incoming/a.ndjson.gz.ndjson)',
    );
    expect(formatHandlerLog('info', 'cold start', {})).toBeUndefined();
  });

  it('says what an export is when no line of a file was JSON, as the CLI does', () => {
    // A CSV or a pretty-printed JSON object uploaded by mistake: "no line is JSON" alone leaves the user
    // guessing what the stack wanted instead.
    const line = formatHandlerLog('error', 'export could not be read entirely; reported, not retried', {
      key: 'incoming/users.csv',
      records: 0,
      rejected: 0,
      usersTouched: 0,
      sessionsWritten: 0,
      files: [{ file: 'incoming/users.csv', error: 'no line is JSON' }],
      report: 'rejected/incoming/users.csv.ndjson',
    });

    expect(line).toBe(
      'NOT entirely read: incoming/users.csv: no line is JSON (an export is NDJSON, one event per line, or a JSON array of events; one object over several lines, or an object wrapping the events, is neither); 0 events, 0 rejected, 0 users, 0 sessions written from what was read (report: rejected/incoming/users.csv.ndjson)',
    );
  });

  it('says when a file under a source of one format looks like another', () => {
    const line = formatHandlerLog('info', 'ingested', {
      key: 'segment-logs/s/2024-01-02/mp.ndjson',
      records: 37,
      rejected: 37,
      usersTouched: 0,
      sessionsWritten: 0,
      files: [{ file: 'segment-logs/s/2024-01-02/mp.ndjson', format: 'segment', looksLike: 'mixpanel' }],
      report: 'rejected/segment-logs/s/2024-01-02/mp.ndjson.ndjson',
    });
    expect(line).toContain(
      "; every record rejected as the source's format, but segment-logs/s/2024-01-02/mp.ndjson looks like mixpanel: upload it under a prefix that reads that format",
    );
  });

  it('counts the events of erased users an ingest refused', () => {
    const line = formatHandlerLog('info', 'ingested', {
      key: 'incoming/old.ndjson',
      records: 2,
      rejected: 0,
      duplicates: 0,
      erased: 2,
      usersTouched: 1,
      sessionsWritten: 0,
      report: 'rejected/incoming/old.ndjson.ndjson',
      files: [{ file: 'incoming/old.ndjson', format: 'segment' }],
    });

    expect(line).toBe(
      'ingested incoming/old.ndjson: 2 events, 0 rejected, 1 user, 0 sessions written (report: rejected/incoming/old.ndjson.ndjson); 2 of erased users; read as segment',
    );
  });

  it('words an erasure by its counts, never the id, which the admin log holds only hashed', () => {
    expect(
      formatAdminLog('user erased', { userIdSha256: 'ab12', itemsDeleted: 14, anonymousIdsErased: 1 }),
    ).toBe('erased a user: 14 items deleted, 1 stitched anonymousId erased with it');
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
    // On another data dir, the commands it suggests say which.
    expect(
      formatQueueActivity({ type: 'dead-lettered', message }, ['incoming/a'], 'SESSIONIZER_DATA_DIR=/tmp/d '),
    ).toContain(
      '`SESSIONIZER_DATA_DIR=/tmp/d npm run dlq` lists the dead letters, `SESSIONIZER_DATA_DIR=/tmp/d npm run replay -- --from-dlq`',
    );
    expect(
      formatQueueActivity({ type: 'succeeded', message, durationMs: 1 }, ['incoming/a']),
    ).toBeUndefined();
    expect(formatQueueActivity({ type: 'released', message }, ['incoming/a'])).toBe(
      'stopped while ingesting incoming/a: it is ingested again on the next start',
    );
  });

  it('shows what a bad file or key holds, escapes and bidi controls, escaped: never raw on the terminal', () => {
    // A key (a drop folder's file name) and ZIP member names come from outside; so do the errors naming them.
    const key = 'incoming/a\u001b]0;pwned\u0007.zip';
    const member = `${key}!ev\u202eslm.json`;
    const ingested = formatHandlerLog('info', 'ingested', {
      key,
      records: 1,
      rejected: 0,
      usersTouched: 1,
      sessionsWritten: 1,
      files: [
        { file: member, format: 'segment' },
        { file: `${key}!\u001b[2Jnotes.txt`, skipped: 'holds no events of any export format' },
      ],
      report: `rejected/${key}.ndjson`,
    });
    const broken = formatHandlerLog('error', 'export could not be read entirely; reported, not retried', {
      key,
      records: 0,
      rejected: 0,
      usersTouched: 0,
      sessionsWritten: 0,
      files: [{ file: member, error: `${member}: truncated \u009b31m` }],
    });
    const skipped = formatHandlerLog(
      'warn',
      `skipping sessionizer-local/${key}: not under any source prefix`,
      {
        key,
      },
    );
    const failed = formatQueueActivity(
      { type: 'failed', message, reason: `Error: ${key} was replaced`, retryInMs: 0, lastReceive: false },
      [key],
    );
    const dead = formatQueueActivity({ type: 'dead-lettered', message: { ...message, lastError: key } }, [
      key,
    ]);

    for (const line of [
      ingested,
      broken,
      skipped,
      failed,
      dead,
      formatRecovered([key]),
      formatDropped(key, key, '/tmp/d'),
    ]) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    }
    expect(ingested).toContain('ingested incoming/a\\x1b]0;pwned\\x07.zip: 1 event');
    expect(ingested).toContain('skipped incoming/a\\x1b]0;pwned\\x07.zip!\\x1b[2Jnotes.txt');
    expect(broken).toContain('ev\\u202eslm.json: truncated \\x9b31m');
    expect(formatRecovered([key, 'incoming/b'])).toBe(
      'enqueued 2 objects no earlier run finished: incoming/a\\x1b]0;pwned\\x07.zip, incoming/b',
    );
    expect(formatRecovered([])).toBeUndefined();
  });

  it('words an injected throttle so it cannot be mistaken for a real one', () => {
    expect(formatThrottle('BatchWriteItem', 'UnprocessedItems')).toBe(
      'fault injected: BatchWriteItem throttled (UnprocessedItems)',
    );
  });

  it('quotes a data dir the shell would split in the commands it suggests, so they run as copied', () => {
    expect(dataDirEnv('/tmp/my data')).toBe("SESSIONIZER_DATA_DIR='/tmp/my data' ");
    expect(dataDirEnv("/tmp/it's")).toBe("SESSIONIZER_DATA_DIR='/tmp/it'\\''s' ");
    expect(dataDirEnv('/tmp/$HOME;x')).toBe("SESSIONIZER_DATA_DIR='/tmp/$HOME;x' ");
    expect(dataDirEnv('/tmp/d-1_x.y')).toBe('SESSIONIZER_DATA_DIR=/tmp/d-1_x.y ');
  });
});
