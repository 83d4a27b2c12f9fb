import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/** The stack `lib/sessionizer.ts` names for a stage's functions and API. */
export function statelessStackName(stage: string): string {
  return `Sessionizer-${stage}-Stateless`;
}

/** The deployed API's base URL: the `ApiUrl` output of the stage's stateless stack. */
export async function apiUrlFromStack(
  stage: string,
  cloudFormation: Pick<CloudFormationClient, 'send'>,
): Promise<string> {
  const stackName = statelessStackName(stage);
  let outputs: { OutputKey?: string; OutputValue?: string }[] | undefined;
  try {
    const result = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = result.Stacks?.[0]?.Outputs;
  } catch (error) {
    throw new Error(
      `Could not read stack ${stackName}: ${(error as Error).message}. Is stage "${stage}" deployed in this account and region (AWS_PROFILE, AWS_REGION)? Or pass --api-url.`,
    );
  }
  const apiUrl = outputs?.find((output) => output.OutputKey === 'ApiUrl')?.OutputValue;
  if (apiUrl === undefined) throw new Error(`Stack ${stackName} has no ApiUrl output; pass --api-url.`);
  return apiUrl;
}

export function createCloudFormationClient(region: string | undefined): CloudFormationClient {
  return new CloudFormationClient(region === undefined ? {} : { region });
}
