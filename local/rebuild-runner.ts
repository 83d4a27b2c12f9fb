// What the rebuild state machine does on AWS, in one process: begin, every scan segment at once, each called
// again with its cursor until done, then finish, waiting as long as it answers to first, and called again
// with where its count stopped while one runs out of time, and after each pass that cut users it found left.
// Used by `npm run rebuild` and the store's tests.
import type { RebuildStore } from '../functions/domain/store/ports.js';
import {
  beginTableRebuild,
  emptyCounts,
  type FinishRequest,
  finishTableRebuild,
  nextFinishRequest,
  rebuildSegment,
  type SegmentCounts,
} from '../functions/rebuild/rebuild-table.js';
import { plural } from './stack-log.js';

export interface RebuildProgress {
  readonly segmentsDone: number;
  readonly totalSegments: number;
  /** Summed over every call so far. */
  readonly counts: SegmentCounts;
}

export interface RebuildRunOptions {
  readonly totalSegments: number;
  /** How long one segment call works before answering its cursor, as a Lambda call would. */
  readonly sliceMs?: number;
  /** How long one finish call works before answering where its count goes on, as a Lambda call would. */
  readonly finishMs?: number;
  /**
   * How long after the begin an ingest of the old rules may still write (`ingestDrainMs`); 0 where none runs
   * on the table. The finish waits for it to pass before it counts.
   */
  readonly drainMs: number;
  /** After every segment call. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Before the finish waits, with how long. */
  readonly onWait?: (seconds: number) => void | Promise<void>;
  /** The clock and the wait (tests move them). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RebuildRun extends RebuildProgress {
  /** Segment calls made, over all segments. */
  readonly calls: number;
  /** Whether this run's count finished the rebuild; false when another had finished it meanwhile. */
  readonly counted: boolean;
}

function addCounts(sum: SegmentCounts, more: SegmentCounts): void {
  for (const key of Object.keys(sum) as (keyof SegmentCounts)[]) sum[key] += more[key];
}

const DEFAULT_SLICE_MS = 2_000;
const DEFAULT_FINISH_MS = 10 * 60_000;

export async function runTableRebuild(store: RebuildStore, options: RebuildRunOptions): Promise<RebuildRun> {
  const { totalSegments } = options;
  const counts = emptyCounts();
  let segmentsDone = 0;
  let calls = 0;
  await beginTableRebuild(store);
  await Promise.all(
    Array.from({ length: totalSegments }, async (_, segment) => {
      let cursor: string | null = null;
      for (let done = false; !done; ) {
        const outcome = await rebuildSegment(
          store,
          { segment, totalSegments, cursor },
          Date.now() + (options.sliceMs ?? DEFAULT_SLICE_MS),
        );
        calls++;
        addCounts(counts, outcome.counts);
        ({ cursor, done } = outcome.progress);
        if (done) segmentsDone++;
        options.onProgress?.({ segmentsDone, totalSegments, counts: { ...counts } });
      }
    }),
  );
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let request: FinishRequest = {};
  for (;;) {
    const deadline = now() + (options.finishMs ?? DEFAULT_FINISH_MS);
    const outcome = await finishTableRebuild(store, deadline, options.drainMs, now, request);
    // Users it cut again are counted as a segment's would be.
    if ('counts' in outcome && outcome.counts !== undefined) addCounts(counts, outcome.counts);
    if ('counted' in outcome) return { segmentsDone, totalSegments, counts, calls, counted: outcome.counted };
    // Finish again with what it answered (a count to go on with, users to cut again), as the state machine does.
    request = nextFinishRequest(outcome);
    if ('waitSeconds' in outcome) {
      // As the state machine's Wait state does.
      await options.onWait?.(outcome.waitSeconds);
      await sleep(outcome.waitSeconds * 1000);
    }
  }
}

/** `npm run rebuild`'s progress line: what the segments did so far, `seconds` after the start. */
export function rebuildProgressLine(progress: RebuildProgress, seconds: number): string {
  const { counts } = progress;
  const parts = [
    `${plural(counts.users, 'user')} seen`,
    `${counts.rebuilt} rebuilt`,
    `${counts.current} already current`,
    // Erased users' heads (and heads that never committed) hold no sessions to cut: without them the counts
    // above would not add up to the users seen.
    ...(counts.skipped > 0 ? [`${counts.skipped} passed by (erased, or holding no sessions)`] : []),
    `${plural(counts.sessionsWritten, 'session')} written`,
  ];
  if (counts.linksOffered > 0 || counts.eventsMoved > 0)
    parts.push(
      `${plural(counts.linksOffered, 'link')} offered, ${plural(counts.eventsMoved, 'event')} moved`,
    );
  return `  ${progress.segmentsDone}/${progress.totalSegments} segments done: ${parts.join(', ')} (${seconds} s)`;
}
