import type { BatchResult } from '../batch.js';
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
    files: result.files.length,
    records: result.files.reduce((sum, file) => sum + file.records, 0),
    accepted: result.accepted,
    distinct: result.distinct,
    duplicates: result.accepted - result.distinct,
    rejected: result.rejected.length,
    sessions: result.sessionCount,
    users: result.userCount,
  };
}

/** `12 sessions of 3 users from 40 distinct events (41 accepted, 1 duplicate) in 2 files; 1 rejected.` */
export function describeRun(summary: RunSummary): string {
  return (
    `${plural(summary.sessions, 'session')} of ${plural(summary.users, 'user')} from ` +
    `${plural(summary.distinct, 'distinct event')} (${summary.accepted.toLocaleString('en')} accepted, ` +
    `${plural(summary.duplicates, 'duplicate')}) in ${plural(summary.files, 'file')}; ` +
    `${summary.rejected.toLocaleString('en')} rejected.`
  );
}
