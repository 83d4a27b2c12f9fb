/**
 * AWS Lambda test events: the JSON a function is invoked with (an SQS message batch, an S3 notification, an
 * API Gateway request), as events/lambda/ keeps beside the sample exports. One such file is one JSON object
 * over several lines, which the reader finds no line of JSON in (`no line is JSON`): told apart here, it is
 * named for what it is rather than as a broken export.
 */
import type { BatchInput } from './batch.js';

/** A test event is a few KB (Lambda takes at most 6 MB): a larger file is not read whole to look. */
const LONGEST_LOOKED_AT = 1024 * 1024;

/** What a file is when it is one AWS Lambda test event (`an AWS Lambda test event (aws:sqs)`), else undefined. */
export async function lambdaTestEvent(input: BatchInput): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of input.open()) {
    length += chunk.length;
    if (length > LONGEST_LOOKED_AT) return undefined;
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
  const kind = lambdaEventKind(value);
  return kind === undefined ? undefined : `an AWS Lambda test event (${kind}), not an export`;
}

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
