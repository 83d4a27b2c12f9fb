import type { InputFormat } from '../contract/index.js';
import type { BrowserOf } from '../functions/domain/events/normalize.js';
import { lambdaTestEventError, lambdaTestEventOf } from '../functions/domain/reading/lambda-events.js';
import { memberLimit } from '../functions/domain/reading/member-limit.js';
import { type FileSummary, readExport } from '../functions/domain/reading/read-export.js';
import { compileRules, type SessionRules } from '../functions/domain/rules/session-rules.js';
import { EventCollector, type UserEvents } from '../functions/domain/sessions/collector.js';
import { type SessionBounds, sessionBounds } from '../functions/domain/sessions/split.js';
import { type SessionSummary, summarizeWindow } from '../functions/domain/sessions/summary.js';
import { readProblem } from './directory-files.js';
import { SpoolError } from './line-spool.js';
import { type RejectedEvents, RejectionLog } from './rejection-log.js';
import { RunFiles } from './run-files.js';
import { canonicalFromInputs } from './tie-break-texts.js';

/** One input of the batch: a name to report and a way to read its bytes (again, for tie-breaks). */
export interface BatchInput {
  readonly name: string;
  open(): AsyncIterable<Uint8Array>;
  /** Found in a folder named (not named itself): what is no export there is skipped, not an error. */
  readonly walked?: boolean;
}

export interface BatchOptions {
  readonly rules: SessionRules;
  readonly inputFormat: InputFormat;
  readonly browserOf: BrowserOf;
  readonly maxMemberBytes?: number;
  /** Names that could not be read at all, each listed among the files in its place: before input `before`. */
  readonly unreadable?: readonly { file: string; reason: string; before: number }[];
  /** Called now and then with the number of records read so far. */
  readonly onProgress?: (recordsRead: number) => void;
  /** Called once every input is read, before any session is cut: what each file gave, and which broke. */
  readonly onFilesRead?: (files: readonly FileSummary[]) => void;
  /**
   * Takes each user's sessions as they are cut (users in code-unit order) instead of the result holding them
   * all, so output can stream; a returned promise holds the next user back (backpressure).
   */
  readonly onSessions?: (sessions: readonly SessionSummary[]) => Promise<void> | undefined;
}

/** The ZIP archives read and their members, each member read one of a summary's `files`. */
export interface ZipCount {
  readonly archives: number;
  readonly members: number;
  /** Of `members`, those skipped unread (a manifest, a directory's entry): listed, not among `files`. */
  readonly skipped?: number;
}

export interface BatchResult {
  /** Every session, unless they went to `onSessions`. */
  readonly sessions: SessionSummary[];
  readonly sessionCount: number;
  readonly userCount: number;
  readonly rejected: RejectedEvents;
  readonly files: FileSummary[];
  /** Accepted events, counting every copy. */
  readonly accepted: number;
  /** Distinct events in the sessions (accepted minus duplicates). */
  readonly distinct: number;
  /** The ZIP archives read and their members (each one of `files`); none when absent. */
  readonly zips?: ZipCount;
}

const PROGRESS_EVERY = 100_000;

/** A file that could not be read at all, with why. */
export function unreadable(file: string, reason: string): FileSummary {
  return {
    file,
    format: undefined,
    container: undefined,
    compression: 'none',
    records: 0,
    accepted: 0,
    rejected: 0,
    error: reason,
  };
}

/** A local file that fails to read (permissions, a disk error) is reported like any broken file. */
async function readOrDescribe(input: BatchInput, read: () => Promise<FileSummary[]>): Promise<FileSummary[]> {
  try {
    return await read();
  } catch (error) {
    // Not the file's fault: the run cannot keep what it read.
    if (error instanceof SpoolError) throw error;
    return [unreadable(input.name, `cannot read: ${readProblem(error)}`)];
  }
}

/**
 * A file no line of which is JSON that is one AWS Lambda test event (events/lambda/'s) is said to be one: in a
 * folder, skipped as a manifest is (a newcomer's `sessionize events/` reads the sample exports and exits 0);
 * named itself, a file error that says what it is. Either way no line of it was an event or a rejection.
 */
async function nameLambdaTestEvent(input: BatchInput, summaries: FileSummary[]): Promise<void> {
  const what = await lambdaTestEventOf(input.name, summaries, () => input.open());
  const [summary] = summaries;
  if (what === undefined || summary === undefined) return;
  if (input.walked === true) {
    // Skipped as a ZIP member is, listed with why (`skipped`), and so not counted among the files read.
    const { error: _, ...rest } = summary;
    summaries[0] = { ...rest, records: 0, rejected: 0, skipped: what };
  } else summaries[0] = { ...summary, error: lambdaTestEventError(what) };
}

/** Sessions go to the taker this many at a time, so a user with a bot's history is never held whole. */
const SESSIONS_PER_BATCH = 1024;

/**
 * Summarizes a user's sessions and hands them on in order, reading their events in place in the columns (no
 * object per event). Only a taker that must be waited for (its output is full) costs a promise.
 */
function takeSessions(
  user: string,
  ordered: UserEvents,
  bounds: readonly SessionBounds[],
  take: (sessions: readonly SessionSummary[]) => Promise<void> | undefined,
): Promise<void> | undefined {
  const summaries = (from: number) =>
    bounds
      .slice(from, from + SESSIONS_PER_BATCH)
      .map((session, index) =>
        summarizeWindow(user, ordered.window(session.start, session.end), from + index + 1),
      );
  if (bounds.length <= SESSIONS_PER_BATCH) return take(summaries(0));
  return (async () => {
    for (let from = 0; from < bounds.length; from += SESSIONS_PER_BATCH) await take(summaries(from));
  })();
}

/** The one-shot batch computation: every file read into one collection, then rules 3-9 applied at once. */
export async function sessionizeInputs(
  inputs: readonly BatchInput[],
  options: BatchOptions,
): Promise<BatchResult> {
  const rules = compileRules(options.rules);
  const collector = new EventCollector(rules.stitching);
  const rejected = new RejectionLog();
  const files: FileSummary[] = [];
  const runFiles = new RunFiles<BatchInput>();
  let accepted = 0;
  let recordsRead = 0;
  const zips = { archives: 0, members: 0, skipped: 0 };
  // In the order of their places, as they were found.
  const problems = options.unreadable ?? [];
  let next = 0;
  const listProblemsBefore = (index: number) => {
    for (
      let problem = problems[next];
      problem !== undefined && problem.before <= index;
      problem = problems[++next]
    )
      files.push(unreadable(problem.file, problem.reason));
  };
  for (const [index, input] of inputs.entries()) {
    listProblemsBefore(index);
    const progress = () => {
      if (++recordsRead % PROGRESS_EVERY === 0) options.onProgress?.(recordsRead);
    };
    const summaries = await readOrDescribe(input, () =>
      readExport(
        input.name,
        input.open(),
        {
          format: options.inputFormat,
          browserOf: options.browserOf,
          ...memberLimit(options),
          reopen: () => input.open(),
        },
        {
          event: (event, position) => {
            accepted++;
            const file = runFiles.nameOf(input, position.file);
            collector.add(event, file === position.file ? position : { ...position, file });
            progress();
          },
          plainEvent: (event) => {
            accepted++;
            collector.addPlain(event, runFiles.nameOf(input, event.file));
            progress();
          },
          rejected: (rejection) => {
            // Named as the file's events are: an input named like another's member has its own name.
            const file = runFiles.nameOf(input, rejection.file);
            rejected.add(file === rejection.file ? rejection : { ...rejection, file });
            progress();
          },
        },
      ),
    );
    await nameLambdaTestEvent(input, summaries);
    // A ZIP archive read is told as its members (`x.zip!a.ndjson`), one unreadable as itself.
    if (summaries.length > 1 || summaries.some((summary) => summary.file !== input.name)) {
      zips.archives++;
      zips.members += summaries.length;
      zips.skipped += summaries.filter((summary) => summary.skipped !== undefined).length;
    }
    for (const summary of summaries) {
      const file = runFiles.nameOf(input, summary.file);
      files.push(file === summary.file ? summary : { ...summary, file });
    }
  }
  listProblemsBefore(Number.POSITIVE_INFINITY);
  options.onFilesRead?.(files);
  const sessions: SessionSummary[] = [];
  const take =
    options.onSessions ??
    ((batch: readonly SessionSummary[]) => {
      for (const session of batch) sessions.push(session);
      return undefined;
    });
  let distinct = 0;
  let sessionCount = 0;
  let userCount = 0;
  await collector.forEachUser(
    (sources) => canonicalFromInputs(runFiles, sources, options),
    (user, ordered) => {
      distinct += ordered.length;
      userCount++;
      const bounds = sessionBounds(ordered, rules);
      sessionCount += bounds.length;
      return takeSessions(user, ordered, bounds, take);
    },
  );
  return { sessions, sessionCount, userCount, rejected, files, accepted, distinct, zips };
}
