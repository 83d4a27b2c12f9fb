import { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StageConfig } from '../config/stages.js';

export function removalPolicyOf(config: StageConfig): RemovalPolicy {
  return config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

export function logRetentionOf(config: StageConfig): RetentionDays {
  // The stage schema only admits values that are members of RetentionDays.
  return config.logRetentionDays as RetentionDays;
}
