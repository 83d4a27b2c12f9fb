import { AssetHashType, DockerImage, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, type RecursiveLoop, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type LambdaHandlerName, repoRoot } from '../config/bundling.js';
import { LocalEsbuild } from './local-esbuild.js';

export const lambdaRuntime = Runtime.NODEJS_24_X;

/** What the stage sets of each function, which the constructs pass on to it as they get it. */
export interface FunctionSizing {
  readonly memorySizeMb: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** `props`' FunctionSizing alone, for a construct to hand its function. */
export function sizingOf(props: FunctionSizing): FunctionSizing {
  const { memorySizeMb, timeout, logRetention, removalPolicy } = props;
  return { memorySizeMb, timeout, logRetention, removalPolicy };
}

export interface NodeFunctionProps extends FunctionSizing {
  readonly handler: LambdaHandlerName;
  readonly description: string;
  readonly environment: Record<string, string>;
  /** Lambda stops a chain of calls that feed their own trigger after about 16 (`Terminate`) unless allowed. */
  readonly recursiveLoop?: RecursiveLoop;
}

/**
 * A Node.js Lambda with the project's defaults: ARM64, current LTS runtime, ESM bundle built by the
 * local esbuild, its own log group with retention, and a role that starts with nothing but
 * permission to write to that log group.
 */
export class NodeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // Own role instead of the default one: the default attaches AWSLambdaBasicExecutionRole, which
    // can write to every log group in the account.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role for the Sessionizer ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      // Built by LocalEsbuild (lib/config/bundling.ts): index.mjs, and for the ingest the chunks it imports on demand.
      code: Code.fromAsset(repoRoot, {
        // Hashed by the bundle, as NodejsFunction hashes its own: a change that does not reach it deploys nothing.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          local: new LocalEsbuild(props.handler),
          // Offline builds: local bundling always succeeds or throws, so no Docker image is ever pulled.
          image: DockerImage.fromRegistry('unused-local-bundling-only'),
        },
      }),
      handler: 'index.handler',
      runtime: lambdaRuntime,
      architecture: Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySizeMb,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.recursiveLoop !== undefined && { recursiveLoop: props.recursiveLoop }),
      // No --enable-source-maps: the bundles map their own stack traces, reading a map only when a stack is
      // formatted (functions/shared/stack-source-maps.ts), where the flag reads them all at each cold start.
      environment: props.environment,
    });
  }
}
