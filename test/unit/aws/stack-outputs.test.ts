import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { regionFromApiUrl } from '../../../scripts/aws/api-signer.js';
import {
  apiUrlFromStack,
  stackOutputs,
  statefulStackName,
  statelessStackName,
} from '../../../scripts/aws/stack-outputs.js';

const cloudFormation = mockClient(CloudFormationClient);

beforeEach(() => {
  cloudFormation.reset();
});

describe('apiUrlFromStack', () => {
  it('reads the ApiUrl output of the stage’s stateless stack', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Sessionizer-dev-Stateless' }).resolves({
      Stacks: [
        {
          StackName: 'Sessionizer-dev-Stateless',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'ApiId', OutputValue: 'abc123' },
            { OutputKey: 'ApiUrl', OutputValue: 'https://abc123.execute-api.eu-west-1.amazonaws.com/' },
          ],
        },
      ],
    });

    const apiUrl = await apiUrlFromStack('dev', new CloudFormationClient({ region: 'eu-west-1' }));

    expect(apiUrl).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/');
    expect(statelessStackName('dev')).toBe('Sessionizer-dev-Stateless');
  });

  it('says which stack is missing and what to do', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(new Error('Stack with id Sessionizer-qa-Stateless does not exist'));

    await expect(apiUrlFromStack('qa', new CloudFormationClient({ region: 'eu-west-1' }))).rejects.toThrow(
      /Could not read stack Sessionizer-qa-Stateless: .*does not exist\. Is stage "qa" deployed .*--api-url/,
    );
  });

  it('says to log in when there are no credentials, not that the stage may be missing', async () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    cloudFormation.on(DescribeStacksCommand).rejects(noCredentials);

    const lookup = apiUrlFromStack('dev', new CloudFormationClient({ region: 'eu-west-1' }));

    await expect(lookup).rejects.toThrow(
      'Could not read stack Sessionizer-dev-Stateless: no AWS credentials (Could not load credentials from any providers); log in (e.g. aws sso login) or set AWS_PROFILE. Or pass --api-url.',
    );
  });

  it('says when the stack has no ApiUrl output', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'x', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });

    await expect(apiUrlFromStack('dev', new CloudFormationClient({ region: 'eu-west-1' }))).rejects.toThrow(
      'Stack Sessionizer-dev-Stateless has no ApiUrl output. Or pass --api-url.',
    );
  });
});

describe('stackOutputs', () => {
  it('reads the outputs of either stack of a stage, and names a missing one', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Sessionizer-dev-Stateful' }).resolves({
      Stacks: [
        {
          StackName: 'Sessionizer-dev-Stateful',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'BucketName', OutputValue: 'events-bucket' }],
        },
      ],
    });

    const outputs = await stackOutputs(
      'dev',
      statefulStackName('dev'),
      new CloudFormationClient({}),
      ' Hint.',
    );

    expect(outputs.require('BucketName')).toBe('events-bucket');
    expect(() => outputs.require('TableName')).toThrow(
      'Stack Sessionizer-dev-Stateful has no TableName output. Hint.',
    );
  });
});

describe('regionFromApiUrl', () => {
  it('reads the region of an API Gateway URL and nothing else', () => {
    expect(regionFromApiUrl('https://abc123.execute-api.eu-west-1.amazonaws.com/')).toBe('eu-west-1');
    expect(regionFromApiUrl('https://abc.execute-api.cn-north-1.amazonaws.com.cn/prod')).toBe('cn-north-1');
    expect(regionFromApiUrl('https://api.example.com/')).toBeUndefined();
  });
});
