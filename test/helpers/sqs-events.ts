import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { S3Event, S3EventRecord, SQSEvent, SQSRecord } from 'aws-lambda';

/** A sample Lambda event from `events/lambda/`, parsed afresh on every call so tests can change their copy. */
export function sampleEvent<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../events/lambda/${name}`, import.meta.url), 'utf8')) as T;
}

/** The S3 notification an SQS record carries as its body. */
export function notificationOf(record: SQSRecord): S3Event {
  return JSON.parse(record.body) as S3Event;
}

/** Encodes a key as S3 writes it into notifications: form-encoded (a space is `+`), `/` kept. */
export function encodeNotificationKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

export interface NotificationChanges {
  readonly bucket?: string;
  readonly eventName?: string;
  readonly versionId?: string;
  readonly eTag?: string;
}

/** The sample S3 notification (`events/lambda/sqs-s3-object-created.json`) for another object. */
export function s3Notification(key: string, changes: NotificationChanges = {}): S3Event {
  const notification = notificationOf(sqsTemplate());
  const record = notification.Records[0] as S3EventRecord;
  record.s3.object.key = encodeNotificationKey(key);
  if (changes.bucket !== undefined) {
    record.s3.bucket.name = changes.bucket;
    record.s3.bucket.arn = `arn:aws:s3:::${changes.bucket}`;
  }
  if (changes.eventName !== undefined) record.eventName = changes.eventName;
  if (changes.versionId !== undefined) record.s3.object.versionId = changes.versionId;
  if (changes.eTag !== undefined) record.s3.object.eTag = changes.eTag;
  return notification;
}

function sqsTemplate(): SQSRecord {
  return sampleEvent<SQSEvent>('sqs-s3-object-created.json').Records[0] as SQSRecord;
}

/** An SQS record shaped like the sample, carrying `body` (JSON-encoded unless already a string). */
export function sqsRecord(body: unknown, messageId: string, receiveCount = 1): SQSRecord {
  const record = sqsTemplate();
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    ...record,
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: text,
    md5OfBody: createHash('md5').update(text).digest('hex'),
    attributes: { ...record.attributes, ApproximateReceiveCount: String(receiveCount) },
  };
}

/** An SQS event of one message per body, message ids `<prefix>-1`, `<prefix>-2`, ... */
export function sqsEvent(bodies: readonly unknown[], prefix = 'message'): SQSEvent {
  return { Records: bodies.map((body, index) => sqsRecord(body, `${prefix}-${index + 1}`)) };
}
