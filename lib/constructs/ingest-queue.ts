import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The most SQS keeps a message, on both queues. A dead letter keeps the time it was first sent, so it stays
 * 14 days minus the time its deliveries took (hours: maxReceiveCount visibility timeouts).
 */
export const INGEST_QUEUE_RETENTION = Duration.days(14);

/** Lambda's advice for SQS event sources: six function timeouts, so retries of a batch never overlap. */
export const VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT = 6;

export interface IngestQueueProps {
  /** The consuming function's timeout; the visibility timeout is derived from it. */
  readonly functionTimeout: Duration;
  /** Deliveries of one message before it moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The durable buffer between S3 and the ingest function: S3 event notifications wait here until the
 * function has capacity, and move to the dead-letter queue after `maxReceiveCount` failed deliveries.
 */
export class IngestQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: IngestQueueProps) {
    super(scope, id);
    const secureQueueDefaults = {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: INGEST_QUEUE_RETENTION,
      removalPolicy: props.removalPolicy,
    } as const;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', secureQueueDefaults);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the ingest queue; a dead-letter queue of its own would only move the problem.',
    });

    this.queue = new Queue(this, 'Queue', {
      ...secureQueueDefaults,
      visibilityTimeout: Duration.seconds(
        props.functionTimeout.toSeconds() * VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT,
      ),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
