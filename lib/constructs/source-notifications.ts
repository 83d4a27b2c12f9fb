import { Stack, Validations } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Bucket,
  type BucketNotificationDestinationConfig,
  BucketNotificationDestinationType,
  EventType,
  type IBucket,
  type IBucketNotificationDestination,
} from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * A queue S3 may send to only for this bucket of this account. CDK's SqsDestination checks the bucket's ARN
 * alone, and a bucket name is free again once deleted: another account could create it and notify the
 * queue. The queue is SQS-encrypted, so no key policy is needed.
 */
class OwnBucketQueueDestination implements IBucketNotificationDestination {
  constructor(private readonly queue: IQueue) {}

  bind(scope: Construct, bucket: IBucket): BucketNotificationDestinationConfig {
    this.queue.grantSendMessages(
      new ServicePrincipal('s3.amazonaws.com', {
        conditions: {
          ArnLike: { 'aws:SourceArn': bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
        },
      }),
    );
    return {
      arn: this.queue.queueArn,
      type: BucketNotificationDestinationType.QUEUE,
      dependencies: [this.queue],
    };
  }
}

export interface SourceNotificationsProps {
  readonly bucket: IBucket;
  readonly queue: IQueue;
  /** One notification each; they must not contain one another (the stage schema checks it). */
  readonly prefixes: readonly string[];
}

/**
 * Sends an event to the queue for every object created under a source prefix, and for nothing else: the
 * rejection reports the ingest writes to the same bucket never notify.
 */
export class SourceNotifications extends Construct {
  constructor(scope: Construct, id: string, props: SourceNotificationsProps) {
    super(scope, id);

    // Re-import the bucket so the notification custom resource lives in this stack. Attaching it to the
    // bucket object directly would put it in the storage stack and make the two stacks depend on each other.
    const notifyingBucket = Bucket.fromBucketAttributes(this, 'NotifyingBucket', {
      bucketArn: props.bucket.bucketArn,
      bucketName: props.bucket.bucketName,
    });
    const destination = new OwnBucketQueueDestination(props.queue);
    for (const prefix of props.prefixes) {
      notifyingBucket.addEventNotification(EventType.OBJECT_CREATED, destination, { prefix });
    }

    // The notification custom resource's Lambda is a CDK-owned stack singleton; find it to scope the acknowledgment.
    const notificationsHandler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (notificationsHandler === undefined) {
      throw new Error(
        'aws-cdk-lib no longer creates BucketNotificationsHandler; revisit the cdk-nag acknowledgment',
      );
    }
    Validations.of(notificationsHandler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK-provided handler that applies the S3 notification configuration at deploy time; CDK always attaches this policy to it.',
    });
  }
}
