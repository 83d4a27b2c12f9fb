import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages.js';
import { keepHelperFunctionLogs } from '../constructs/helper-function-logs.js';
import { Storage } from '../constructs/storage.js';
import { logRetentionOf, removalPolicyOf } from './stage-props.js';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/** Data that must outlive redeploys of the code: deploy and delete it separately from the stateless stack. */
export class StatefulStack extends Stack {
  readonly bucket: IBucket;
  readonly table: ITable;
  readonly ingestObjectAccess: IManagedPolicy;
  readonly exportReadAccess: IManagedPolicy;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, { terminationProtection: config.terminationProtection, ...stackProps });

    const removalPolicy = removalPolicyOf(config);
    const storage = new Storage(this, 'Storage', {
      sourcePrefixes: config.sources.map((source) => source.prefix),
      removalPolicy,
      noncurrentVersionExpiration: Duration.days(config.storage.noncurrentVersionExpirationDays),
      rejectionReportExpiration:
        config.storage.rejectionReportExpirationDays === undefined
          ? undefined
          : Duration.days(config.storage.rejectionReportExpirationDays),
      accessLogExpiration: Duration.days(config.logRetentionDays),
    });
    this.bucket = storage.bucket;
    this.table = storage.table;
    this.ingestObjectAccess = storage.ingestObjectAccess;
    this.exportReadAccess = storage.exportReadAccess;
    keepHelperFunctionLogs(this, { logRetention: logRetentionOf(config), removalPolicy });

    new CfnOutput(this, 'BucketName', {
      value: storage.bucket.bucketName,
      description:
        'Upload event files under a source prefix of the stage (incoming/ by default) in this bucket',
    });
    new CfnOutput(this, 'TableName', { value: storage.table.tableName, description: 'Sessions table' });
  }
}
