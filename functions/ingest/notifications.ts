import type { SQSRecord } from 'aws-lambda';
import { decodeS3EventKey } from '../../contract/index.js';
import type { ObjectRef } from '../adapters/s3/object-source.js';
import * as z from '../shared/zod.js';

/** What one queue message asks for: objects to ingest, and what in it was not for us. */
export interface MessageContent {
  readonly objects: ObjectRef[];
  readonly skipped: string[];
}

const s3RecordSchema = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      // S3 documents versionId as null for an unversioned bucket: such a record still names an object.
      versionId: z.nullish(z.string().check(z.minLength(1))),
      eTag: z.nullish(z.string()),
    }),
  }),
});

/** S3 → SNS → SQS without raw message delivery: SNS's envelope holds S3's notification as text. */
const snsEnvelopeSchema = z.object({ Type: z.literal('Notification'), Message: z.string() });

const notificationSchema = z.union([
  z.object({ Records: z.array(z.unknown()) }),
  // S3 sends one of these when a notification is set up; it names no object.
  z.object({ Event: z.literal('s3:TestEvent') }),
]);

/** The start of what a skipped message or record held, so the log line says what arrived. */
function excerpt(text: string): string {
  const limit = 200;
  return text.length > limit ? `${text.slice(0, limit)}...` : text;
}

/** The first member a schema found wrong, by its path: `s3.object.key: Invalid input: expected string, ...`. */
function firstIssue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/**
 * Reads one SQS message: an S3 event notification, as S3 sends it or wrapped by an SNS topic in between (or
 * a replay of one, which has the same shape). A message that is not one is not retried: it can never become
 * one.
 */
export function readMessage(record: Pick<SQSRecord, 'body'>): MessageContent {
  const objects: ObjectRef[] = [];
  const skipped: string[] = [];
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return {
      objects,
      skipped: [`message body is not JSON: ${JSON.stringify(excerpt(String(record.body)))}`],
    };
  }
  const envelope = snsEnvelopeSchema.safeParse(body);
  if (envelope.success) {
    try {
      body = JSON.parse(envelope.data.Message);
    } catch {
      return {
        objects,
        skipped: [
          `SNS notification whose Message is not JSON: ${JSON.stringify(excerpt(envelope.data.Message))}`,
        ],
      };
    }
  }
  const parsed = notificationSchema.safeParse(body);
  const what = envelope.success ? 'SNS notification whose Message' : 'message';
  if (!parsed.success) {
    return {
      objects,
      skipped: [
        `${what} is not an S3 event notification (no Records list): ${excerpt(JSON.stringify(body))}`,
      ],
    };
  }
  if (!('Records' in parsed.data)) return { objects, skipped: ['an s3:TestEvent'] };
  // S3 never sends one: whoever did lost what it meant to name, and the log must say so.
  if (parsed.data.Records.length === 0) {
    return {
      objects,
      skipped: [`${what} is an S3 event notification without records: ${excerpt(JSON.stringify(body))}`],
    };
  }
  for (const raw of parsed.data.Records) {
    const s3Record = s3RecordSchema.safeParse(raw);
    if (!s3Record.success) {
      skipped.push(
        `a record that is not an S3 notification record (${firstIssue(s3Record.error.issues)}): ${excerpt(JSON.stringify(raw) ?? String(raw))}`,
      );
      continue;
    }
    const { eventName, s3 } = s3Record.data;
    if (!eventName.startsWith('ObjectCreated:')) {
      skipped.push(`not an ObjectCreated event (${eventName})`);
      continue;
    }
    let key: string;
    try {
      key = decodeS3EventKey(s3.object.key);
    } catch {
      skipped.push(`a key that is not URL-encoded (${JSON.stringify(s3.object.key)})`);
      continue;
    }
    objects.push({
      bucket: s3.bucket.name,
      key,
      // "null" is the null version of a bucket whose versioning is suspended, which the next upload under
      // the key overwrites: like no version, it names no bytes, so the object is known by its ETag.
      ...(s3.object.versionId != null &&
        s3.object.versionId !== 'null' && { versionId: s3.object.versionId }),
      // The local S3 server names a copied object's content with "": no content, as when absent.
      ...(s3.object.eTag != null && s3.object.eTag !== '' && { eTag: s3.object.eTag }),
    });
  }
  return { objects, skipped };
}
