// What the ingestObject tests share: an in-memory report, a run over bytes, and the conformance cases they use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyTextReader } from '../../../functions/adapters/s3/copy-texts.js';
import type { ObjectSource } from '../../../functions/adapters/s3/object-source.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';
import {
  type IngestObjectInput,
  type IngestStats,
  ingestObject,
} from '../../../functions/ingest/ingest-object.js';
import type { RejectionReport, ReportLine } from '../../../functions/ingest/rejection-report.js';
import { conformanceCases } from '../../helpers/conformance-cases.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { asExpectedSessions } from '../../helpers/session-expectations.js';
import { bytesOf, chunked } from '../reading/archives.js';

export const RULES = compileRules(DEFAULT_SESSION_RULES);

/** A report kept in memory, recording how it was finished. */
export class MemoryReport implements RejectionReport {
  readonly key = 'rejected/test.ndjson.ndjson';
  readonly written: ReportLine[] = [];
  finished: 'open' | 'closed' | 'aborted' = 'open';
  readyCalls = 0;

  get lines(): number {
    return this.written.length;
  }
  write(line: ReportLine): void {
    if (this.finished !== 'open') throw new Error(`write after the report was ${this.finished}`);
    this.written.push(line);
  }
  async ready(): Promise<void> {
    this.readyCalls++;
  }
  async close(): Promise<void> {
    this.finished = 'closed';
  }
  async abort(): Promise<void> {
    this.finished = 'aborted';
  }
}

export interface Run {
  readonly stats: IngestStats;
  readonly writer: FakeSessionWriter;
  readonly report: MemoryReport;
  readonly opens: number;
}

/** Ingests `bytes` as the object `file`, delivered in pieces of `pieceBytes` (each piece is one batch). */
export async function ingest(
  file: string,
  bytes: Uint8Array | string,
  options: Partial<
    Pick<IngestObjectInput, 'format' | 'chunkEvents' | 'chunkBytes' | 'concurrency' | 'writer'>
  > & {
    pieceBytes?: number;
    /**
     * Export objects by key, as a bucket holds them: with it, the object is put there (version `e:1`) and
     * ties with stored copies are broken by reading copies from there again.
     */
    bucket?: Map<string, Uint8Array>;
  } = {},
): Promise<Run> {
  const content = typeof bytes === 'string' ? bytesOf(bytes) : bytes;
  const writer = (options.writer as FakeSessionWriter | undefined) ?? new FakeSessionWriter(RULES);
  const report = new MemoryReport();
  let opens = 0;
  const stats = await ingestObject({
    file,
    format: options.format ?? 'auto',
    open: async () => {
      opens++;
      return chunked(content, [options.pieceBytes ?? 64 * 1024]);
    },
    ...(options.bucket !== undefined && readingCopiesFrom(options.bucket.set(file, content))),
    writer,
    rules: RULES,
    report,
    browserOf: () => null,
    ...(options.chunkEvents !== undefined && { chunkEvents: options.chunkEvents }),
    ...(options.chunkBytes !== undefined && { chunkBytes: options.chunkBytes }),
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
  });
  return { stats, writer, report, opens };
}

/**
 * What makes an ingest store its events with where they were read (version `e:1`) and read copies again from
 * `objects`, as a bucket holding the exports.
 */
export function readingCopiesFrom(
  objects: ReadonlyMap<string, Uint8Array>,
): Required<Pick<IngestObjectInput, 'version' | 'readCopies'>> {
  return { version: 'e:1', readCopies: copyTextReader(bucketSource(objects), 'bucket') };
}

/** Objects read from a map, each at ETag `1`. */
export function bucketSource(objects: ReadonlyMap<string, Uint8Array>): ObjectSource {
  return {
    async open(ref) {
      const content = objects.get(ref.key);
      return content === undefined
        ? { status: 'gone' }
        : { status: 'found', bytes: chunked(content, [1024]), eTag: '1' };
    },
  };
}

/** The five fields every expected.json pins. */
export const asExpected = (sessions: readonly SessionSummary[]) => asExpectedSessions(sessions, []);

export const caseNamed = (name: string) => {
  const found = conformanceCases().find((testCase) => testCase.name === name);
  if (found === undefined) throw new Error(`conformance case ${name} is missing`);
  return found;
};

/** Every file of the random-split case in one NDJSON: late events, duplicates, 1,986 sessions. */
export const randomSplit = caseNamed('random-split');
export const randomSplitText = randomSplit.files
  .map((file) => readFileSync(join(randomSplit.dir, file), 'utf8'))
  .join('');
