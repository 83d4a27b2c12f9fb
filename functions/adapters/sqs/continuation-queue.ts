import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { encodeS3EventKey } from '../../../contract/index.js';
import type { ObjectRef } from '../s3/object-source.js';

/** Names the messages the ingest sends itself, in the shape of S3's notifications (which it reads). */
export const CONTINUATION_EVENT_NAME = 'ObjectCreated:Continuation';

/**
 * The message that asks the ingest to go on with `object`: an S3 event notification of one record, the key
 * URL-encoded as S3 writes it, so the ingest reads it like any upload's notification.
 */
export function continuationMessage(object: ObjectRef): string {
  return JSON.stringify({
    Records: [
      {
        eventSource: 'sessionizer:continuation',
        eventName: CONTINUATION_EVENT_NAME,
        eventTime: new Date().toISOString(),
        s3: {
          bucket: { name: object.bucket },
          object: {
            key: encodeS3EventKey(object.key),
            ...(object.versionId !== undefined && { versionId: object.versionId }),
            ...(object.eTag !== undefined && { eTag: object.eTag }),
          },
        },
      },
    ],
  });
}

/** Sends the ingest's own queue a message per object a call had no time left for. */
export class SqsContinuationQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async continueLater(objects: readonly ObjectRef[]): Promise<void> {
    for (const object of objects) {
      await this.sqs.send(
        new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: continuationMessage(object) }),
      );
    }
  }
}
