import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readMessage } from '../../../functions/ingest/notifications.js';
import { notificationOf, s3Notification, sampleEvent, sqsRecord } from '../../helpers/sqs-events.js';

const BUCKET = 'sessionizer-local';

/** The first message of a sample SQS event from events/lambda/. */
const sampleMessage = (name: string): SQSRecord => sampleEvent<SQSEvent>(name).Records[0] as SQSRecord;

/** A message whose notification names this key exactly as given (already encoded, or deliberately not). */
function messageWithEncodedKey(encodedKey: string): SQSRecord {
  const notification = notificationOf(sampleMessage('sqs-s3-object-created.json'));
  const record = notification.Records[0];
  if (record === undefined) throw new Error('the sample notification has no record');
  record.s3.object.key = encodedKey;
  return sqsRecord(notification, 'encoded');
}

describe('readMessage', () => {
  it('reads the object an S3 notification names, with its eTag', () => {
    const content = readMessage(sampleMessage('sqs-s3-object-created.json'));

    expect(content).toEqual({
      objects: [
        { bucket: BUCKET, key: 'incoming/sample-export.ndjson', eTag: 'ed513d00ab7a59ef1774832588904ded' },
      ],
      skipped: [],
    });
  });

  it('reads a notification an SNS topic wrapped on its way (fan-out without raw message delivery)', () => {
    const notification = notificationOf(sampleMessage('sqs-s3-object-created-encoded-key.json'));
    const envelope = {
      Type: 'Notification',
      MessageId: '5f1c3f52-0b9e-5a0c-9d59-3f0c1c0e2b11',
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:exports',
      Subject: 'Amazon S3 Notification',
      Message: JSON.stringify(notification),
      Timestamp: '2024-01-02T00:00:00.000Z',
    };

    expect(readMessage(sqsRecord(envelope, 'wrapped'))).toEqual(
      readMessage(sqsRecord(notification, 'plain')),
    );
    expect(readMessage(sqsRecord(envelope, 'wrapped')).objects.map((object) => object.key)).toEqual([
      'incoming/2024-01-02 export+v2.ndjson',
    ]);
    expect(readMessage(sqsRecord({ ...envelope, Message: 'not json' }, 'bad')).skipped).toEqual([
      'SNS notification whose Message is not JSON: "not json"',
    ]);
    expect(readMessage(sqsRecord({ ...envelope, Message: '{}' }, 'other')).skipped).toEqual([
      'SNS notification whose Message is not an S3 event notification (no Records list): {}',
    ]);
  });

  it('decodes a form-encoded key: + is a space and %2B a plus', () => {
    const content = readMessage(sampleMessage('sqs-s3-object-created-encoded-key.json'));

    expect(content.objects.map((object) => object.key)).toEqual(['incoming/2024-01-02 export+v2.ndjson']);
  });

  it('reads a Segment S3 destination upload with its version', () => {
    const content = readMessage(sampleMessage('sqs-s3-segment-logs.json'));

    expect(content.objects).toEqual([
      {
        bucket: BUCKET,
        key: 'segment-logs/q1Zx8pQ2mV/1704153600000/1704157200456.0e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6 (1).gz',
        versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
        eTag: '9b2cf535f27731c974343645a3985328-1',
      },
    ]);
  });

  it.each([
    ['incoming/caf%C3%A9/%E6%97%A5%E6%9C%AC.ndjson', 'incoming/café/日本.ndjson'],
    ['incoming/%F0%9F%93%88+growth.json', 'incoming/📈 growth.json'],
    ['incoming/a%2Bb+c%25d.ndjson', 'incoming/a+b c%d.ndjson'],
    ['incoming%2Fnested%2Fkey.ndjson', 'incoming/nested/key.ndjson'],
    ['incoming/%2B%2B++.ndjson', 'incoming/++  .ndjson'],
  ])('decodes %s to %s', (encoded, key) => {
    expect(readMessage(messageWithEncodedKey(encoded)).objects.map((object) => object.key)).toEqual([key]);
  });

  it('skips a key that is not URL-encoded instead of guessing what it names', () => {
    const content = readMessage(messageWithEncodedKey('incoming/100%.ndjson'));

    expect(content.objects).toEqual([]);
    expect(content.skipped).toEqual(['a key that is not URL-encoded ("incoming/100%.ndjson")']);
  });

  it('skips the s3:TestEvent S3 sends when the notification is set up', () => {
    const body = {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2024-01-02T15:04:05.123Z',
      Bucket: BUCKET,
      RequestId: '5582815E1AEA5ADF',
      HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
    };

    expect(readMessage(sqsRecord(body, 'test-event'))).toEqual({ objects: [], skipped: ['an s3:TestEvent'] });
  });

  it.each(['ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated', 'ObjectRestore:Completed'])(
    'skips a %s event',
    (eventName) => {
      const content = readMessage(sqsRecord(s3Notification('incoming/a.ndjson', { eventName }), 'removed'));

      expect(content).toEqual({ objects: [], skipped: [`not an ObjectCreated event (${eventName})`] });
    },
  );

  it.each([
    'ObjectCreated:Put',
    'ObjectCreated:Post',
    'ObjectCreated:Copy',
    'ObjectCreated:CompleteMultipartUpload',
  ])('reads an %s event', (eventName) => {
    const content = readMessage(sqsRecord(s3Notification('incoming/a.ndjson', { eventName }), 'created'));

    expect(content.objects.map((object) => object.key)).toEqual(['incoming/a.ndjson']);
  });

  it('skips a body that is not JSON', () => {
    expect(readMessage(sqsRecord('{"Records": [', 'truncated'))).toEqual({
      objects: [],
      skipped: ['message body is not JSON: "{\\"Records\\": ["'],
    });
  });

  it.each([
    ['a JSON string', '"incoming/a.ndjson"'],
    ['an object of another service', '{"source":"aws.s3","detail-type":"Object Created","detail":{}}'],
    ['Records that is not a list', '{"Records":{}}'],
  ])('skips %s, saying what it holds: it can never become a notification', (_what, body) => {
    expect(readMessage(sqsRecord(body, 'other'))).toEqual({
      objects: [],
      skipped: [`message is not an S3 event notification (no Records list): ${body}`],
    });
  });

  it('skips an empty Records list, saying so: S3 never sends one, so a producer lost what it meant to name', () => {
    expect(readMessage(sqsRecord('{"Records":[]}', 'empty'))).toEqual({
      objects: [],
      skipped: ['message is an S3 event notification without records: {"Records":[]}'],
    });
  });

  it('names what is wrong with a record it skips, and what the record holds', () => {
    const record = { eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { size: 1 } } };
    const content = readMessage(sqsRecord({ Records: [record, 42] }, 'no-key'));

    expect(content.objects).toEqual([]);
    expect(content.skipped).toEqual([
      `a record that is not an S3 notification record (s3.object.key: Invalid input: expected string, received undefined): ${JSON.stringify(record)}`,
      'a record that is not an S3 notification record (Invalid input: expected object, received number): 42',
    ]);
  });

  it('quotes at most the first 200 characters of a message it skips', () => {
    const body = `not json ${'x'.repeat(500)}`;
    const [reason] = readMessage(sqsRecord(body, 'long')).skipped;

    expect(reason).toBe(`message body is not JSON: ${JSON.stringify(`${body.slice(0, 200)}...`)}`);
  });

  it('reads every record of a message, skipping only the ones that name no object', () => {
    const first = s3Notification('incoming/a.ndjson');
    const second = s3Notification('incoming/b.ndjson');
    const body = { Records: [...first.Records, { eventName: 'ObjectCreated:Put' }, ...second.Records] };

    const content = readMessage(sqsRecord(body, 'several'));

    expect(content.objects.map((object) => object.key)).toEqual(['incoming/a.ndjson', 'incoming/b.ndjson']);
    expect(content.skipped).toEqual([
      'a record that is not an S3 notification record (s3: Invalid input: expected object, received undefined): {"eventName":"ObjectCreated:Put"}',
    ]);
  });

  it('reads a replayed message: only the event name, bucket and key', () => {
    const body = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: BUCKET }, object: { key: 'incoming/a+b.ndjson' } },
        },
      ],
    };

    const content = readMessage(sqsRecord(body, 'replay', 4));

    expect(content).toEqual({ objects: [{ bucket: BUCKET, key: 'incoming/a b.ndjson' }], skipped: [] });
    expect(content.objects[0]).not.toHaveProperty('versionId');
    expect(content.objects[0]).not.toHaveProperty('eTag');
  });

  it('reads a notification of an unversioned bucket whose versionId is null', () => {
    const notification = s3Notification('incoming/a.ndjson');
    const object = notification.Records[0]?.s3.object as unknown as Record<string, unknown>;
    object.versionId = null;

    const content = readMessage(sqsRecord(notification, 'null-version'));

    expect(content.objects).toEqual([
      { bucket: BUCKET, key: 'incoming/a.ndjson', eTag: 'ed513d00ab7a59ef1774832588904ded' },
    ]);
  });

  it('reads the versionId "null" of a bucket whose versioning is suspended as no version', () => {
    // The null version is overwritten by the next upload under the key: it names no bytes.
    const notification = s3Notification('incoming/a.ndjson', { versionId: 'null' });

    const content = readMessage(sqsRecord(notification, 'suspended'));

    expect(content.objects).toEqual([
      { bucket: BUCKET, key: 'incoming/a.ndjson', eTag: 'ed513d00ab7a59ef1774832588904ded' },
    ]);
  });

  it('reads an empty eTag (the local S3 server names a copied object so) as no eTag', () => {
    // Kept, "" would be compared with the object's real ETag and read as a replacement of the content.
    const notification = s3Notification('incoming/a.ndjson');
    const object = notification.Records[0]?.s3.object as unknown as Record<string, unknown>;
    object.eTag = '';

    const content = readMessage(sqsRecord(notification, 'copied'));

    expect(content.objects).toHaveLength(1);
    expect(content.objects[0]).not.toHaveProperty('eTag');
  });
});
