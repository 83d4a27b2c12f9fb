import { createReadStream } from 'node:fs';
import type { Rejection } from '../domain/read-events.js';
import { readEvents } from '../domain/read-events.js';
import { EventSet, type Session, sessionizeSet } from '../domain/sessionize.js';

export interface FileError {
  file: string;
  error: string;
}

export interface BatchResult {
  sessions: Session[];
  rejected: Rejection[];
  errors: FileError[];
  files: number;
  accepted: number;
}

export interface BatchOptions {
  gapMs: number;
  /** Called now and then with the number of events read so far. */
  onProgress?: (eventsRead: number) => void;
}

/** The batch job: every file read into one deduplicated event set, then sessionized in one pass. */
export async function sessionizeFiles(paths: readonly string[], options: BatchOptions): Promise<BatchResult> {
  const events = new EventSet();
  const rejected: Rejection[] = [];
  const errors: FileError[] = [];
  let accepted = 0;
  let eventsRead = 0;
  const sink = {
    event: (record: Parameters<EventSet['add']>[0]) => {
      events.add(record);
      if (++eventsRead % 100_000 === 0) options.onProgress?.(eventsRead);
    },
    rejected: (rejection: Rejection) => {
      rejected.push(rejection);
    },
  };
  for (const path of paths) {
    try {
      const summary = await readEvents(path, createReadStream(path), sink);
      accepted += summary.accepted;
    } catch (error) {
      errors.push({ file: path, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { sessions: sessionizeSet(events, options.gapMs), rejected, errors, files: paths.length, accepted };
}
