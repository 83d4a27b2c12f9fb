// Deliveries that hold bad records beside good ones (rule 4: every reason of the spec, lines that are no JSON,
// array elements that are no object, an array broken by text after it), and a bucket of rejection reports that
// keeps what S3RejectionReport leaves in S3: a delivery read to its end replaces the object's report (removes
// it when nothing was rejected), one that fails leaves the earlier report in place.
import fc from 'fast-check';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import { ingestObject } from '../../../functions/ingest/ingest-object.js';
import { type IngestProgress, IngestStopped } from '../../../functions/ingest/progress.js';
import type { RejectionReport, ReportLine } from '../../../functions/ingest/rejection-report.js';
import { rejectionReportKey } from '../../../functions/ingest/report-key.js';
import { readingCopiesFrom } from '../../unit/ingest/ingest-object-harness.js';
import { bytesOf, chunked } from '../../unit/reading/archives.js';
import type { StoreUnderTest } from './store-harness.js';
import { fileName, type Scenario, scenarioArb, type storeWriter } from './store-vs-batch-harness.js';

type Writer = ReturnType<typeof storeWriter>;

/** A record made bad from a good line: each a reason of rule 4 (or of rule 1's "not JSON"). */
const BAD_KINDS = [
  (o: Record<string, unknown>) => JSON.stringify(o).slice(0, -1),
  () => 'not json at all',
  () => '"a string"',
  () => '42',
  () => 'null',
  (o: Record<string, unknown>) => JSON.stringify({ ...o, type: 'click' }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, type: 'Track' }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, type: undefined }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, userId: 'u'.repeat(513) }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, anonymousId: `a${'é'.repeat(256)}` }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, userId: undefined, anonymousId: undefined }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, userId: '  ', anonymousId: '' }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, timestamp: undefined }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, timestamp: '2024-02-30T10:00:00Z' }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, timestamp: 'yesterday' }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, timestamp: Date.UTC(2024, 0, 31) }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, timestamp: '9999-12-31T23:30:00-01:00' }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, timestamp: '0000-01-01T00:30:00+01:00' }),
  (o: Record<string, unknown>) => JSON.stringify({ ...o, type: 7, timestamp: null, userId: null }),
  () => '[1,2]',
  () => '{}',
] as const;
/** The kinds that are no JSON: in an array they would break it, so arrays do not get them. */
const NOT_JSON = new Set([0, 1]);
/** `[1,2]`: a first line that starts an array would make the whole NDJSON file one. */
const STARTS_ARRAY = 19;

export type Shape = 'ndjson' | 'spaced' | 'array' | 'broken-array';

export interface BadScenario extends Scenario {
  /** Each file's text, bad records in place. */
  texts: string[];
  shapes: Shape[];
}

export const badScenarioArb = (maxEvents: number): fc.Arbitrary<BadScenario> =>
  scenarioArb(maxEvents).chain((scenario) =>
    fc
      .record({
        bad: fc.array(
          fc.tuple(fc.nat(), fc.nat({ max: BAD_KINDS.length - 1 }), fc.nat(), fc.nat({ max: 3 })),
          { minLength: 1, maxLength: 12 },
        ),
        shapes: fc.array(fc.constantFrom<Shape>('ndjson', 'ndjson', 'spaced', 'array', 'broken-array'), {
          minLength: scenario.files.length,
          maxLength: scenario.files.length,
        }),
      })
      .map(({ bad, shapes }) => {
        const files = scenario.files.map((lines) => [...lines]);
        for (const [of, kind, at, file] of bad) {
          const lines = files[file % files.length] as string[];
          const shape = shapes[file % files.length];
          const arrayShaped = shape === 'array' || shape === 'broken-array';
          if (arrayShaped && NOT_JSON.has(kind)) continue;
          const place = at % (lines.length + 1);
          if (!arrayShaped && kind === STARTS_ARRAY && place === 0) continue;
          const source = JSON.parse(scenario.lines[of % scenario.lines.length] as string);
          lines.splice(place, 0, (BAD_KINDS[kind] as (o: Record<string, unknown>) => string)(source));
        }
        const texts = files.map((lines, index) => textOf(lines, shapes[index] ?? 'ndjson'));
        return { ...scenario, files, texts, shapes };
      }),
  );

function textOf(lines: readonly string[], shape: Shape): string {
  if (shape === 'ndjson') return `${lines.join('\n')}\n`;
  if (shape === 'spaced') return `\n${lines.map((line) => ` ${line}\t`).join('\n\n')}\n`;
  const array = `[\n${lines.map((line) => `  ${line}`).join(',\n')}\n]`;
  return shape === 'array' ? `${array}\n` : `${array} trailing text\n`;
}

/** The reports as the bucket holds them, by report key. */
export class ReportBucket {
  readonly reports = new Map<string, ReportLine[]>();

  reportOf(file: string): RejectionReport {
    const key = rejectionReportKey(file, 'rejected/');
    const written: ReportLine[] = [];
    const reports = this.reports;
    return {
      key,
      get lines() {
        return written.length;
      },
      write: (line) => void written.push(line),
      ready: async () => undefined,
      close: async () => {
        if (written.length === 0) reports.delete(key);
        else reports.set(key, [...written]);
      },
      abort: async () => undefined,
    };
  }

  /** The report of `file`, empty when the bucket holds none. */
  linesOf(file: string): ReportLine[] {
    return this.reports.get(rejectionReportKey(file, 'rejected/')) ?? [];
  }
}

/**
 * One delivery of file `index`; with `stopping`, each call stops after its first merge and the next continues
 * from the progress it saved (a new report each call, as each invocation writes its own), to the end.
 */
export async function deliver(
  store: StoreUnderTest,
  writer: Writer,
  bucket: Map<string, Uint8Array>,
  reports: ReportBucket,
  scenario: BadScenario,
  index: number,
  stopping = false,
): Promise<void> {
  const file = fileName(index);
  const content = bytesOf(scenario.texts[index] ?? '');
  bucket.set(file, content);
  let resume: IngestProgress | undefined;
  for (;;) {
    try {
      await ingestObject({
        file,
        format: 'auto',
        open: async () => chunked(content, [1024]),
        ...readingCopiesFrom(bucket),
        writer,
        identity: new DynamoDbStitchingWriter(writer),
        rules: store.rules,
        report: reports.reportOf(file),
        browserOf: () => null,
        chunkEvents: scenario.chunkEvents,
        concurrency: 4,
        resume,
        ...(stopping && { checkpoint: { save: async () => true, timeUp: () => true } }),
      });
      return;
    } catch (error) {
      if (!(error instanceof IngestStopped)) throw error;
      resume = error.progress;
    }
  }
}
