import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/** The stack `lib/sessionizer.ts` names for a stage's bucket and table. */
export function statefulStackName(stage: string): string {
  return `Sessionizer-${stage}-Stateful`;
}

/** The stack `lib/sessionizer.ts` names for a stage's functions, queues and API. */
export function statelessStackName(stage: string): string {
  return `Sessionizer-${stage}-Stateless`;
}

/** The outputs of a deployed stack, by key. `hint` ends the error messages: what else the caller may do. */
export async function stackOutputs(
  stage: string,
  stackName: string,
  cloudFormation: Pick<CloudFormationClient, 'send'>,
  hint = '',
): Promise<StackOutputs> {
  let outputs: { OutputKey?: string; OutputValue?: string }[] | undefined;
  try {
    const result = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = result.Stacks?.[0]?.Outputs;
  } catch (error) {
    // Without credentials the call never reached CloudFormation: whether the stage is deployed is unknown.
    if ((error as Error).name === 'CredentialsProviderError') {
      throw new Error(
        `Could not read stack ${stackName}: no AWS credentials (${(error as Error).message}); log in (e.g. aws sso login) or set AWS_PROFILE.${hint}`,
      );
    }
    throw new Error(
      `Could not read stack ${stackName}: ${(error as Error).message}. Is stage "${stage}" deployed in this account and region (AWS_PROFILE, AWS_REGION)?${hint}`,
    );
  }
  const values = new Map<string, string>();
  for (const output of outputs ?? []) {
    if (output.OutputKey !== undefined && output.OutputValue !== undefined)
      values.set(output.OutputKey, output.OutputValue);
  }
  return new StackOutputs(stackName, values, hint);
}

export class StackOutputs {
  constructor(
    readonly stackName: string,
    private readonly values: ReadonlyMap<string, string>,
    private readonly hint: string,
  ) {}

  /** The output's value; throws naming the stack and the output when it has none. */
  require(key: string): string {
    const value = this.values.get(key);
    if (value === undefined) throw new Error(`Stack ${this.stackName} has no ${key} output.${this.hint}`);
    return value;
  }
}

/** The deployed API's base URL: the `ApiUrl` output of the stage's stateless stack. */
export async function apiUrlFromStack(
  stage: string,
  cloudFormation: Pick<CloudFormationClient, 'send'>,
  hint = ' Or pass --api-url.',
): Promise<string> {
  const outputs = await stackOutputs(stage, statelessStackName(stage), cloudFormation, hint);
  return outputs.require('ApiUrl');
}

/**
 * The region of a stage's clients: `region` (--region), else the default chain's. Refused when there is none,
 * saying where one comes from: the SDK's own "Region is missing" surfaced as a stack that could not be read.
 */
export async function stageRegion(stage: string, region: string | undefined): Promise<string> {
  const resolved = region ?? (await defaultRegion());
  if (resolved === undefined) {
    throw new Error(
      `no AWS region for stage ${stage}: pass --region REGION, or set AWS_REGION (or your profile's region)`,
    );
  }
  return resolved;
}

export function createCloudFormationClient(region: string): CloudFormationClient {
  return new CloudFormationClient({ region });
}

/** The region of the default chain, as the SDK's clients resolve it: AWS_REGION, else the profile's. */
export async function defaultRegion(): Promise<string | undefined> {
  const client = new CloudFormationClient({});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}
