import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { REJECTED_PREFIX } from '../../contract/index.js';

export interface StorageProps {
  /** Prefixes of the stage's sources: the ingest reads objects under these. */
  readonly sourcePrefixes: readonly string[];
  readonly removalPolicy: RemovalPolicy;
  readonly noncurrentVersionExpiration: Duration;
  /** How long rejection reports are kept; kept for good when unset. */
  readonly rejectionReportExpiration?: Duration | undefined;
  readonly accessLogExpiration: Duration;
}

/** Everything that holds data: the event bucket (plus its access-log bucket) and the sessions table. */
export class Storage extends Construct {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly table: Table;
  /** Object access the ingest needs: read the source prefixes, write (and delete) in rejected/. Attach it to the ingest role. */
  readonly ingestObjectAccess: ManagedPolicy;
  /** Read access to the source prefixes only: the rebuild reads copies again from the exports (rule 3's ties). */
  readonly exportReadAccess: ManagedPolicy;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const destroyOnDelete = props.removalPolicy === RemovalPolicy.DESTROY;

    const secureBucketDefaults = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      // A versioned bucket cannot be deleted while it holds objects; only throwaway stages empty it.
      autoDeleteObjects: destroyOnDelete,
    } as const;

    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      ...secureBucketDefaults,
      // S3 server access log delivery only supports SSE-S3 on the target bucket.
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ expiration: props.accessLogExpiration }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log target bucket; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'EventsBucket', {
      ...secureBucketDefaults,
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'events-bucket/',
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
        { noncurrentVersionExpiration: props.noncurrentVersionExpiration },
        // Reports copy rejected lines, which may hold personal data, out of the exports: kept only a while.
        ...(props.rejectionReportExpiration === undefined
          ? []
          : [{ prefix: REJECTED_PREFIX, expiration: props.rejectionReportExpiration }]),
      ],
    });

    const readExports = [
      new PolicyStatement({
        // The bucket is versioned and ingest reads the exact version its event names (GetObjectVersion).
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: props.sourcePrefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
      }),
      new PolicyStatement({
        // Without it S3 answers a missing key with 403 AccessDenied, not 404 NoSuchKey: an object deleted
        // before its ingest would fail five times into the dead-letter queue instead of being skipped as gone.
        // No function lists the bucket: S3 makes this check with the missing key as s3:prefix, so keys
        // under the source prefixes, the only ones read, are all it needs.
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': props.sourcePrefixes.map((prefix) => `${prefix}*`) } },
      }),
    ];
    // Defined next to the bucket (not on the functions' roles) so their ARNs are local GetAtts: cdk-nag
    // renders them as stable finding ids we can acknowledge, instead of cross-stack references with hashed names.
    this.ingestObjectAccess = new ManagedPolicy(this, 'IngestObjectAccess', {
      // Generic on purpose: a description holds at most 1,000 characters, the prefixes may not fit.
      description: `Read uploads under the source prefixes and write ${REJECTED_PREFIX} reports in the Sessionizer bucket`,
      statements: [
        ...readExports,
        new PolicyStatement({
          // Large reports go up as multipart uploads (covered by PutObject); a failed one is aborted. A file
          // read with nothing rejected deletes the report an earlier upload of its key left.
          actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
          resources: [this.bucket.arnForObjects(`${REJECTED_PREFIX}*`)],
        }),
      ],
    });
    this.exportReadAccess = new ManagedPolicy(this, 'ExportReadAccess', {
      description: 'Read uploads under the source prefixes of the Sessionizer bucket',
      statements: readExports,
    });
    const bucketLogicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const acknowledgePrefixes = (policy: ManagedPolicy, prefixes: readonly string[]) => {
      for (const prefix of prefixes) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${prefix}*]`,
          reason: `An object ARN needs a wildcard to cover a key prefix; access stays limited to ${prefix}.`,
        });
      }
    };
    acknowledgePrefixes(this.ingestObjectAccess, [...props.sourcePrefixes, REJECTED_PREFIX]);
    acknowledgePrefixes(this.exportReadAccess, props.sourcePrefixes);

    this.table = new Table(this, 'SessionsTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Only the ingest's progress items carry it: the progress of an object nobody finishes expires.
      timeToLiveAttribute: 'ttl',
      // AWS-managed KMS key: SSE shows up in the template and needs no key policy or grants.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: !destroyOnDelete,
      removalPolicy: props.removalPolicy,
    });
  }
}
