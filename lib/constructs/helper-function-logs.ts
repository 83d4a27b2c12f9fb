import { CfnResource, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface HelperFunctionLogsProps {
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Gives each Lambda function CDK adds on its own (the handlers of its custom resources: bucket notifications,
 * deleting a bucket's objects) a log group with the stage's retention. Left alone, each would log to a group
 * Lambda creates on first run, which keeps everything forever and outlives the stack. Call it once the
 * stack holds all its constructs; functions that already name their log group are left as they are.
 */
export function keepHelperFunctionLogs(stack: Stack, props: HelperFunctionLogsProps): void {
  for (const construct of stack.node.findAll()) {
    if (!(construct instanceof CfnResource) || construct.cfnResourceType !== 'AWS::Lambda::Function')
      continue;
    if (construct instanceof CfnFunction && construct.loggingConfig !== undefined) continue;
    const logs = new LogGroup(construct.node.scope as Construct, `${construct.node.id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    construct.addPropertyOverride('LoggingConfig.LogGroup', logs.logGroupName);
  }
}
