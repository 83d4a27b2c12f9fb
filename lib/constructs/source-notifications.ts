import { Stack, Validations } from 'aws-cdk-lib';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

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
    const destination = new SqsDestination(props.queue);
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
