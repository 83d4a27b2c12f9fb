import type { BatchResult, ZipCount } from '../batch.js';
import { plural } from './plural.js';

export interface RunSummary {
  files: number;
  records: number;
  accepted: number;
  distinct: number;
  duplicates: number;
  rejected: number;
  sessions: number;
  users: number;
}

export function summarizeRun(result: BatchResult): RunSummary {
  return {
    // Files read, a ZIP member each: one skipped unread (a Lambda test event in a folder, a ZIP archive's
    // manifest) is listed, not counted, as the text summary says only the members read.
    files: result.files.filter((file) => file.skipped === undefined).length,
    records: result.files.reduce((sum, file) => sum + file.records, 0),
    accepted: result.accepted,
    distinct: result.distinct,
    duplicates: result.accepted - result.distinct,
    rejected: result.rejected.length,
    sessions: result.sessionCount,
    users: result.userCount,
  };
}

/** `in 5 files (a ZIP archive read as its 2 members)`: an archive is one file, as it was given. */
function filesText(files: number, { archives, members, skipped = 0 }: ZipCount): string {
  if (archives === 0) return `in ${plural(files, 'file')}`;
  const read = members - skipped;
  const given = plural(files - read + archives, 'file');
  return archives === 1
    ? `in ${given} (a ZIP archive read as its ${plural(read, 'member')})`
    : `in ${given} (${plural(archives, 'ZIP archive')} read as their ${plural(read, 'member')})`;
}

/** `12 sessions of 3 users from 40 distinct events (41 accepted, 1 duplicate) in 2 files; 1 rejected.` */
export function describeRun(summary: RunSummary, zips: ZipCount = { archives: 0, members: 0 }): string {
  return (
    `${plural(summary.sessions, 'session')} of ${plural(summary.users, 'user')} from ` +
    `${plural(summary.distinct, 'distinct event')} (${summary.accepted.toLocaleString('en')} accepted, ` +
    `${plural(summary.duplicates, 'duplicate')}) ${filesText(summary.files, zips)}; ` +
    `${summary.rejected.toLocaleString('en')} rejected.`
  );
}
