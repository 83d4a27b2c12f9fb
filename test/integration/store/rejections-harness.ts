// Deliveries that hold bad records beside good ones (rule 4: every reason of the spec, lines that are no JSON,
// array elements that are no object, an array broken by text after it), as plain text, gzipped, or cut into the
// members of a ZIP archive (some gzipped, beside a manifest that holds no events), and a bucket of rejection
// reports that keeps what S3RejectionReport leaves in S3: a delivery read to its end replaces the object's
// report (removes it when nothing was rejected), one that fails leaves the earlier report in place.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import { ingestObject } from '../../../functions/ingest/ingest-object.js';
import { type IngestProgress, IngestStopped } from '../../../functions/ingest/progress.js';
import type { RejectionReport, ReportLine } from '../../../functions/ingest/rejection-report.js';
import { rejectionReportKey } from '../../../functions/ingest/report-key.js';
import { readingCopiesFrom } from '../../unit/ingest/ingest-object-harness.js';
import { bytesOf, chunked, zipWithSizes } from '../../unit/reading/archives.js';
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
export type Container = 'plain' | 'gzip' | 'zip';

/** What the reading names a file of its own: a delivered file, or a member of a delivered ZIP archive. */
export interface Part {
  /** The file's name, or `<archive>!<member path>`: what its rejections and file error name. */
  name: string;
  text: string;
  shape: Shape;
  /** A member that holds no export (a manifest): skipped, no rejections. */
  manifest: boolean;
}

export interface BadScenario extends Scenario {
  shapes: Shape[];
  containers: Container[];
  /** Each file's object name, by its container. */
  names: string[];
  /** Each file's bytes as delivered. */
  contents: Uint8Array[];
  /** Each file's parts, in the order they are read. */
  parts: Part[][];
}

const NAME_ENDS: Record<Container, string> = { plain: '.ndjson', gzip: '.ndjson.gz', zip: '.zip' };
const MANIFEST = '{"exportedAt":"2024-02-01T00:00:00Z","files":3}\n';

/** How a file is packed: its container, and for a ZIP archive where its lines are cut into members. */
const packingArb = fc.record({
  container: fc.constantFrom<Container>('plain', 'plain', 'gzip', 'zip', 'zip'),
  cuts: fc.array(fc.nat(), { maxLength: 3 }),
  gzipped: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  manifest: fc.option(fc.nat({ max: 4 }), { nil: undefined }),
});
type Packing = typeof packingArb extends fc.Arbitrary<infer T> ? T : never;

/** File `index` packed: its name, bytes and parts. */
function pack(index: number, lines: readonly string[], shape: Shape, packing: Packing) {
  const name = fileName(index).replace(/\.ndjson$/, NAME_ENDS[packing.container]);
  const text = textOf(lines, shape);
  if (packing.container === 'plain')
    return { name, content: bytesOf(text), parts: [{ name, text, shape, manifest: false }] };
  if (packing.container === 'gzip')
    return { name, content: gzipSync(text), parts: [{ name, text, shape, manifest: false }] };
  // A line that starts an array starts no member of NDJSON: the member would be read as one broken array.
  const arrayShaped = shape === 'array' || shape === 'broken-array';
  const cuts = [...new Set(packing.cuts.map((cut) => cut % (lines.length + 1)))]
    .filter((cut) => arrayShaped || lines[cut] !== '[1,2]')
    .sort((a, b) => a - b);
  const runs = [0, ...cuts, lines.length]
    .slice(1)
    .map((end, k, ends) => lines.slice(k === 0 ? 0 : ends[k - 1], end));
  const members = runs.map((run, k) => {
    const gzipped = packing.gzipped[k] === true;
    const path = `day-${k}/part.${arrayShaped ? 'json' : 'ndjson'}${gzipped ? '.gz' : ''}`;
    return { path, text: textOf(run, shape), gzipped, manifest: false };
  });
  if (packing.manifest !== undefined)
    members.splice(packing.manifest % (members.length + 1), 0, {
      path: 'manifest.json',
      text: MANIFEST,
      gzipped: false,
      manifest: true,
    });
  const content = zipWithSizes(
    members.map((member) => ({
      path: member.path,
      content: member.gzipped ? gzipSync(member.text) : bytesOf(member.text),
    })),
  );
  const parts = members.map((member) => ({
    name: `${name}!${member.path}`,
    text: member.text,
    shape,
    manifest: member.manifest,
  }));
  return { name, content, parts };
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
        packings: fc.array(packingArb, {
          minLength: scenario.files.length,
          maxLength: scenario.files.length,
        }),
      })
      .map(({ bad, shapes, packings }) => {
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
        const packed = files.map((lines, index) =>
          pack(index, lines, shapes[index] ?? 'ndjson', packings[index] as Packing),
        );
        return {
          ...scenario,
          files,
          shapes,
          containers: packings.map((packing) => packing.container),
          names: packed.map((file) => file.name),
          contents: packed.map((file) => file.content),
          parts: packed.map((file) => file.parts),
        };
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
  const file = scenario.names[index] ?? fileName(index);
  const content = scenario.contents[index] ?? bytesOf('');
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
