import { join } from 'node:path';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type RecursiveLoop, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  type LambdaHandlerName,
  lambdaBundleSettings,
  lambdaHandlers,
  repoRoot,
} from '../config/bundling.js';

export const lambdaRuntime = Runtime.NODEJS_24_X;

export interface NodeFunctionProps {
  readonly handler: LambdaHandlerName;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly memorySizeMb: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
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
      entry: join(repoRoot, lambdaHandlers[props.handler]),
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, 'package-lock.json'),
      handler: 'handler',
      runtime: lambdaRuntime,
      architecture: Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySizeMb,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.recursiveLoop !== undefined && { recursiveLoop: props.recursiveLoop }),
      environment: {
        // Bundles ship external source maps; without this flag Node ignores them in stack traces.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: lambdaBundleSettings.target,
        minify: lambdaBundleSettings.minify,
        sourceMap: lambdaBundleSettings.sourceMap,
        sourcesContent: lambdaBundleSettings.sourcesContent,
        mainFields: [...lambdaBundleSettings.mainFields],
        banner: lambdaBundleSettings.banner,
        externalModules: [...lambdaBundleSettings.externalModules],
        esbuildArgs: {
          '--alias': Object.entries(lambdaBundleSettings.alias).map(([module, path]) => `${module}=${path}`),
        },
        // Offline builds: never fall back to the Docker image.
        forceDockerBundling: false,
      },
    });
  }
}
