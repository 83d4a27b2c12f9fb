/**
 * AWS Lambda test events: the JSON a function is invoked with (an SQS message batch, an S3 notification, an
 * API Gateway request), as events/lambda/ keeps beside the sample exports. One such file is one JSON object
 * over several lines, which the reader finds no line of JSON in (`no line is JSON`): told apart here, the CLI
 * and the ingest name it for what it is rather than as a broken export. Only its shape tells it apart.
 */
import { gunzip, isGzip } from './gzip.js';
import { NOT_AN_EXPORT } from './member-summary.js';
import type { FileSummary } from './read-contract.js';

/** A test event is a few KB (Lambda takes at most 6 MB): a larger file is not read whole to look. */
const LONGEST_LOOKED_AT = 1024 * 1024;

/** The bytes of `source` while they are at most {@link LONGEST_LOOKED_AT} long, else undefined. */
async function shortBytes(source: AsyncIterable<Uint8Array>): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of source) {
    length += chunk.length;
    if (length > LONGEST_LOOKED_AT) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * What a file is when it is one AWS Lambda test event (`an AWS Lambda test event (aws:sqs)`), else undefined.
 * A gzipped one (as exports are gzipped) is looked at decompressed, to the same length.
 */
export async function lambdaTestEvent(bytes: AsyncIterable<Uint8Array>): Promise<string | undefined> {
  let text = await shortBytes(bytes);
  let value: unknown;
  try {
    if (text !== undefined && isGzip(text)) {
      const gzipped = text;
      text = await shortBytes(
        gunzip(
          '',
          (async function* () {
            yield gzipped;
          })(),
          LONGEST_LOOKED_AT + 1,
        ),
      );
    }
    if (text === undefined) return undefined;
    value = JSON.parse(text.toString('utf8'));
  } catch {
    // Not JSON, or gzip data that is damaged or inflates past the length looked at: no test event.
    return undefined;
  }
  const kind = lambdaEventKind(value);
  return kind === undefined ? undefined : `an AWS Lambda test event (${kind}), not an export`;
}

/**
 * The bytes of a file as they pass to the reader, held while they could be one test event (to
 * {@link LONGEST_LOOKED_AT}): a reader of a source read once (the ingest's S3 object) looks at a file no
 * line of which was JSON without reading it again, and a long export is not held.
 */
export class HeldStart {
  #chunks: Uint8Array[] | undefined = [];
  #length = 0;
  #whole = false;

  constructor(private readonly source: AsyncIterable<Uint8Array>) {}

  async *bytes(): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.source) {
      if (this.#chunks !== undefined) {
        this.#length += chunk.length;
        if (this.#length > LONGEST_LOOKED_AT) this.#chunks = undefined;
        else this.#chunks.push(chunk);
      }
      yield chunk;
    }
    this.#whole = true;
  }

  /** The file's bytes when they were read to the end and held: else none, which is no test event. */
  async *held(): AsyncGenerator<Uint8Array> {
    if (this.#whole) yield* this.#chunks ?? [];
  }
}

/**
 * What the file `name` read into `summaries` is when it is one AWS Lambda test event: only a file read as
 * itself (no ZIP archive) that no line of was JSON is looked at again, through `open`. A file that cannot
 * be read again is left as it was.
 */
export async function lambdaTestEventOf(
  name: string,
  summaries: readonly FileSummary[],
  open: () => AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>,
): Promise<string | undefined> {
  const [summary] = summaries;
  if (summaries.length !== 1 || summary?.file !== name || summary.error !== NOT_AN_EXPORT) return undefined;
  try {
    return await lambdaTestEvent(await open());
  } catch {
    return undefined;
  }
}

/** The file error of a file that is one AWS Lambda test event (`what`, as {@link lambdaTestEvent} says it). */
export const lambdaTestEventError = (what: string): string =>
  `${NOT_AN_EXPORT}: it is ${what} (a function's sample input)`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The event's kind: the `eventSource` of every record of a `Records` event (`aws:sqs`, `aws:s3`; SNS spells
 * it `EventSource`), or an API Gateway request (a `requestContext` and a route or method).
 */
export function lambdaEventKind(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const { Records: records, requestContext } = value;
  if (Array.isArray(records) && records.length > 0) {
    const sources = new Set<string>();
    for (const record of records) {
      const source = isObject(record) ? (record.eventSource ?? record.EventSource) : undefined;
      if (typeof source !== 'string' || !source.startsWith('aws:')) return undefined;
      sources.add(source);
    }
    return [...sources].join(', ');
  }
  const routed = typeof value.routeKey === 'string' || typeof value.httpMethod === 'string';
  if (isObject(requestContext) && routed) return 'API Gateway';
  return undefined;
}
