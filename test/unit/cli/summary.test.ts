import { describe, expect, it } from 'vitest';
import type { BatchResult } from '../../../cli/batch.js';
import { describeRun, summarizeRun } from '../../../cli/output/summary.js';

const result = (overrides: Partial<BatchResult>): BatchResult => ({
  sessions: [],
  sessionCount: 0,
  userCount: 0,
  rejected: [],
  files: [],
  accepted: 0,
  distinct: 0,
  ...overrides,
});

/** A file's summary but its name and records: no events, no rejections. */
const file = {
  format: undefined,
  container: undefined,
  compression: 'none',
  accepted: 0,
  rejected: 0,
} as const;

describe('summarizeRun', () => {
  it('counts records over files, duplicates as accepted minus distinct, and sessions and users as counted', () => {
    const summary = summarizeRun(
      result({
        files: [
          { ...file, file: 'a', records: 3 },
          { ...file, file: 'b', records: 4 },
        ],
        accepted: 6,
        distinct: 4,
        rejected: [{ file: 'a', position: 2, reason: 'x', raw: 'x' }],
        sessionCount: 3,
        userCount: 2,
      }),
    );
    expect(summary).toEqual({
      files: 2,
      records: 7,
      accepted: 6,
      distinct: 4,
      duplicates: 2,
      rejected: 1,
      sessions: 3,
      users: 2,
    });
  });

  it('counts no input skipped as no export (a Lambda test event in a folder) among the files read, by its summary alone', () => {
    const summary = summarizeRun(
      result({
        files: [
          { ...file, file: 'day.ndjson', records: 2 },
          {
            ...file,
            file: 'lambda/sqs.json',
            records: 0,
            skipped: 'an AWS Lambda test event (aws:sqs), not an export',
          },
        ],
      }),
    );
    expect(summary.files).toBe(1);
  });

  it('counts a ZIP member skipped unread (a manifest) among no files read, as the text summary', () => {
    const summary = summarizeRun(
      result({
        files: [
          { ...file, file: 'x.zip!manifest.json', records: 0, skipped: 'a manifest, not an export' },
          { ...file, file: 'x.zip!events.ndjson', records: 2 },
        ],
        zips: { archives: 1, members: 2, skipped: 1 },
      }),
    );
    expect(summary.files).toBe(1);
    expect(describeRun(summary, { archives: 1, members: 2, skipped: 1 })).toContain(
      'in 1 file (a ZIP archive read as its 1 member);',
    );
  });
});

describe('describeRun', () => {
  it('says distinct events and duplicates apart, in words that agree with their numbers', () => {
    expect(
      describeRun({
        files: 2,
        records: 41,
        accepted: 41,
        distinct: 40,
        duplicates: 1,
        rejected: 1,
        sessions: 12,
        users: 3,
      }),
    ).toBe(
      '12 sessions of 3 users from 40 distinct events (41 accepted, 1 duplicate) in 2 files; 1 rejected.',
    );
    expect(
      describeRun({
        files: 1,
        records: 1,
        accepted: 1,
        distinct: 1,
        duplicates: 0,
        rejected: 0,
        sessions: 1,
        users: 1,
      }),
    ).toBe('1 session of 1 user from 1 distinct event (1 accepted, 0 duplicates) in 1 file; 0 rejected.');
    expect(
      describeRun({
        files: 1,
        records: 1234567,
        accepted: 1234567,
        distinct: 1234000,
        duplicates: 567,
        rejected: 0,
        sessions: 2000,
        users: 1000,
      }),
    ).toContain('from 1,234,000 distinct events (1,234,567 accepted, 567 duplicates)');
  });

  it('counts a ZIP archive as one file, saying its members apart', () => {
    const run = {
      files: 6,
      records: 4,
      accepted: 4,
      distinct: 4,
      duplicates: 0,
      rejected: 0,
      sessions: 1,
      users: 1,
    };
    // 4 files and a ZIP archive of 2 members: 6 entries in `files`, 5 files given.
    expect(describeRun(run, { archives: 1, members: 2 })).toContain(
      'in 5 files (a ZIP archive read as its 2 members);',
    );
    expect(describeRun({ ...run, files: 7 }, { archives: 2, members: 4 })).toContain(
      'in 5 files (2 ZIP archives read as their 4 members);',
    );
    // A skipped member (a manifest, a directory's entry) is one of the archive's, but not read: not in `files`.
    expect(describeRun({ ...run, files: 5 }, { archives: 1, members: 2, skipped: 1 })).toContain(
      'in 5 files (a ZIP archive read as its 1 member);',
    );
    expect(describeRun(run)).toContain('in 6 files;');
  });
});
