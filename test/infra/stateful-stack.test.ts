import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { REJECTED_PREFIX } from '../../contract/index.js';
import { stageConfig } from '../../lib/config/stages.js';
import { logGroupIdOf, onlyResource, resourcesOfType, synthConfiguredStage } from './synth.js';

const deployedStages = ['dev', 'prod'] as const;

describe.each(deployedStages)('stateful stack (%s)', (stageName) => {
  const { stateful, stacks } = synthConfiguredStage(stageName);
  const eventsBucketId = stacks.stateful.getLogicalId(stacks.stateful.bucket.node.defaultChild as CfnElement);

  it('holds exactly the data resources: two buckets and one table', () => {
    stateful.resourceCountIs('AWS::S3::Bucket', 2);
    stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    stateful.resourceCountIs('AWS::Lambda::Function', stageName === 'dev' ? 1 : 0); // dev: auto-delete helper
  });

  it('blocks public access, enforces the bucket owner, encrypts and enforces TLS on every bucket', () => {
    const buckets = resourcesOfType(stateful, 'AWS::S3::Bucket');
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties).toMatchObject({
        // ACLs off: an object uploaded from another account is still the bucket owner's to read and erase.
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      });
    }
    for (const bucketId of Object.keys(buckets)) {
      stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
    }
  });

  it('versions the events bucket and logs access to the log bucket', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.anyValue() },
        LogFilePrefix: 'events-bucket/',
      },
    });
    const events = resourcesOfType(stateful, 'AWS::S3::Bucket')[eventsBucketId];
    expect(events?.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('aborts incomplete multipart uploads of the events bucket after 7 days, as docs/deploy.md says', () => {
    const events = resourcesOfType(stateful, 'AWS::S3::Bucket')[eventsBucketId];
    expect(
      (events?.Properties.LifecycleConfiguration as { Rules: object[] } | undefined)?.Rules,
    ).toContainEqual({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' });
  });

  it('creates the sessions table as the contract says: pk/sk strings, on demand, no GSI, PITR, SSE', () => {
    const table = onlyResource(stateful, 'AWS::DynamoDB::Table').properties;
    expect(table.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.GlobalSecondaryIndexes).toBeUndefined();
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
    // The ingest progress items expire by it (DynamoDbIngestProgress writes `ttl`).
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.TableName).toBeUndefined();
  });

  it('leaves physical names to CloudFormation', () => {
    for (const bucket of Object.values(resourcesOfType(stateful, 'AWS::S3::Bucket'))) {
      expect(bucket.Properties.BucketName).toBeUndefined();
    }
  });

  it('outputs the bucket and table names', () => {
    stateful.hasOutput('BucketName', { Value: { Ref: eventsBucketId } });
    stateful.hasOutput('TableName', { Value: { Ref: Match.stringLikeRegexp('SessionsTable') } });
  });
});

describe('stateful stack per-stage differences', () => {
  const retainedTypes = ['AWS::S3::Bucket', 'AWS::DynamoDB::Table'];

  it('prod retains buckets and table, protects the table and the stacks from deletion', () => {
    const { stateful, stacks } = synthConfiguredStage('prod');
    for (const type of retainedTypes) {
      for (const resource of Object.values(stateful.findResources(type))) {
        expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    }
    stateful.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    expect(stacks.stateful.terminationProtection).toBe(true);
    expect(stacks.stateless.terminationProtection).toBe(true);
    stateful.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('dev deletes buckets (emptying them first) and table, without termination protection', () => {
    const { stateful, stacks } = synthConfiguredStage('dev');
    for (const type of retainedTypes) {
      for (const resource of Object.values(stateful.findResources(type))) {
        expect(resource).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
      }
    }
    stateful.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    expect(stacks.stateful.terminationProtection).toBe(false);
    expect(stacks.stateless.terminationProtection).toBe(false);
    stateful.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });

  it("logs the handler that empties dev's buckets to a log group with the stage retention", () => {
    const { stateful } = synthConfiguredStage('dev');
    const handler = onlyResource(stateful, 'AWS::Lambda::Function');
    const group = resourcesOfType(stateful, 'AWS::Logs::LogGroup')[
      logGroupIdOf({ Properties: handler.properties }) ?? ''
    ];
    expect(group).toMatchObject({
      Properties: { RetentionInDays: stageConfig('dev').logRetentionDays },
      DeletionPolicy: 'Delete',
    });
  });

  it('expires noncurrent object versions and access logs per stage', () => {
    const rulesOf = (stageName: 'dev' | 'prod') =>
      JSON.stringify(resourcesOfType(synthConfiguredStage(stageName).stateful, 'AWS::S3::Bucket'));
    expect(rulesOf('dev')).toContain('"NoncurrentVersionExpiration":{"NoncurrentDays":7}');
    expect(rulesOf('prod')).toContain('"NoncurrentVersionExpiration":{"NoncurrentDays":90}');
    expect(rulesOf('prod')).toContain('"ExpirationInDays":365');
  });

  it('expires rejection reports, and only them, when the stage says so', () => {
    const eventsBucketRules = (stageName: 'dev' | 'prod') => {
      const buckets = Object.values(
        resourcesOfType(synthConfiguredStage(stageName).stateful, 'AWS::S3::Bucket'),
      );
      // The events bucket is the one that logs its access (into the other).
      const events = buckets.find((bucket) => bucket.Properties.LoggingConfiguration !== undefined);
      return (events?.Properties.LifecycleConfiguration as { Rules: object[] } | undefined)?.Rules;
    };
    expect(eventsBucketRules('dev')).toContainEqual({
      Prefix: REJECTED_PREFIX,
      ExpirationInDays: stageConfig('dev').storage.rejectionReportExpirationDays,
      Status: 'Enabled',
    });
    expect(eventsBucketRules('prod')).toContainEqual({
      Prefix: REJECTED_PREFIX,
      ExpirationInDays: 400,
      Status: 'Enabled',
    });
    // Nothing else of the bucket expires: the exports are the customer's.
    expect(eventsBucketRules('prod')?.filter((rule) => 'ExpirationInDays' in rule)).toHaveLength(1);
  });
});
