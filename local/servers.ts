// The local stand-ins for the stack's AWS services: DynamoDB Local and the local S3, started in parallel
// with their data under the data dir; the stack checks first that every fixed port is free.
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import {
  type CompiledRules,
  compileRules,
  DEFAULT_SESSION_RULES,
  sameRules,
} from '../functions/domain/rules/session-rules.js';
import {
  dataDirEnv,
  portsEnv,
  type StackPorts as StartPorts,
  shellWord,
  shortPath,
} from './command-words.js';
import { DatabaseFileError, type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { rulesAsVariables } from './ingest-env.js';
import { assertJavaAvailable } from './java-runtime.js';
import { describePortHolder } from './port-holder.js';
import { isPortFree } from './process-utils.js';
import { type S3Local, startS3Local } from './s3-local.js';
import type { DEFAULT_PORTS } from './stack-config.js';

/** The variable that sets one of the stack's ports. */
export type PortVariable = keyof typeof DEFAULT_PORTS;

/** What this start was given, so the start a taken port suggests repeats it with only the port changed. */
export interface StartGiven {
  readonly dataDir: string;
  readonly ports: StartPorts;
  /**
   * Its rules' variables (`SESSION_GAP_MINUTES=20 ... `), '' for the default rules: the data dir records the
   * rules it was built with, and a start with others is refused (docs/local.md), so a copy must repeat them.
   */
  readonly rules: string;
}

const PORT_OPTION = { PORT: 'port', S3_PORT: 's3Port', DYNAMODB_PORT: 'dynamoDbPort' } as const;

/** `npm start` on the data dir, ports and rules given: copied, it starts the stack that was asked for. */
export function startCommand({ dataDir, ports, rules }: StartGiven): string {
  return `${dataDirEnv(dataDir)}${portsEnv(ports)}${rules}npm start`;
}

/** The start given, but with the ports in `moved` moved to the free ones they suggest. */
function suggestedStart(given: StartGiven, moved: readonly PortInUseError[]): string {
  const ports = { ...given.ports };
  for (const { envVar, suggestion } of moved) ports[PORT_OPTION[envVar]] = suggestion as number;
  return startCommand({ ...given, ports });
}

/**
 * A port the stack cannot bind: names what holds it and how to stop that, the variable to change, and a
 * port free right now when it found one, in the start given with that port moved.
 */
export class PortInUseError extends Error {
  /** `port 8000 (DynamoDB Local, DYNAMODB_PORT) is already in use: it is held by pid 123, ...`, without the way out. */
  readonly problem: string;

  constructor(
    readonly envVar: PortVariable,
    readonly port: number,
    what: string,
    given: StartGiven,
    readonly suggestion?: number,
    holder = describePortHolder(port),
  ) {
    const problem = `port ${port} (${what}, ${envVar}) is already in use: ${holder}`;
    super(`${problem}; or choose another port with ${envVar}`);
    if (suggestion !== undefined) {
      this.message = `${problem}; or choose another port for it, e.g. ${suggestedStart(given, [this])} (free right now)`;
    }
    this.problem = problem;
    this.name = 'PortInUseError';
  }
}

/** The error for a taken port, suggesting the next port that is free and none of the stack's others. */
export async function portInUse(
  envVar: PortVariable,
  port: number,
  what: string,
  given: StartGiven,
  stackPorts: readonly number[] = [],
): Promise<PortInUseError> {
  for (let candidate = port + 1; candidate <= Math.min(port + 100, 65_535); candidate++) {
    if (!stackPorts.includes(candidate) && (await isPortFree(candidate, '0.0.0.0'))) {
      return new PortInUseError(envVar, port, what, given, candidate);
    }
  }
  return new PortInUseError(envVar, port, what, given);
}

export function isAddressInUse(error: unknown): boolean {
  return (
    (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' ||
    // DynamoDB Local's own check, when the port was taken after ours.
    (error as { portInUse?: unknown } | undefined)?.portInUse === true ||
    (error instanceof Error && /Address already in use|BindException/i.test(error.message))
  );
}

/** Several of the stack's ports taken at once: each named, so one attempt finds them all. */
export class PortsInUseError extends Error {
  constructor(
    readonly problems: readonly PortInUseError[],
    given: StartGiven,
  ) {
    const suggestions = problems.filter((problem) => problem.suggestion !== undefined);
    super(
      [
        ...problems.map((problem) => problem.problem),
        'stop what holds them or choose other ports' +
          (suggestions.length === problems.length
            ? `, e.g. ${suggestedStart(given, problems)} (free right now)`
            : ` with ${problems.map((problem) => problem.envVar).join(', ')}`),
      ].join('\n'),
    );
    this.name = 'PortsInUseError';
  }
}

/** Whether `port` can be bound on `host` (0 always can). */
async function canBind(port: number, host: string): Promise<boolean> {
  if (port === 0) return true;
  return new Promise<boolean>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => (isAddressInUse(error) ? resolve(false) : reject(error)));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface StackPorts {
  apiPort: number;
  s3Port: number;
  dynamoDbPort: number;
}

/**
 * Fails fast, before anything is started or written, when fixed ports are taken: every taken one in one
 * error (a PortInUseError for one, PortsInUseError for several), each suggestion free and distinct.
 */
export async function assertPortsFree(ports: StackPorts, given: StartGiven): Promise<void> {
  const checks: [number, string, PortVariable, string][] = [
    [ports.apiPort, '127.0.0.1', 'PORT', 'lookup API'],
    [ports.s3Port, '127.0.0.1', 'S3_PORT', 'local S3'],
    // DynamoDB Local has no bind-address option and listens on every interface.
    [ports.dynamoDbPort, '0.0.0.0', 'DYNAMODB_PORT', 'DynamoDB Local'],
  ];
  const avoid = [ports.apiPort, ports.s3Port, ports.dynamoDbPort];
  const problems: PortInUseError[] = [];
  for (const [port, host, envVar, what] of checks) {
    if (await canBind(port, host)) continue;
    const problem = await portInUse(envVar, port, what, given, avoid);
    if (problem.suggestion !== undefined) avoid.push(problem.suggestion);
    problems.push(problem);
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new PortsInUseError(problems, given);
}

/** The start given, from the ports the stack was asked for (0 for "any"), its data dir and its compiled rules. */
export function startGiven(
  { apiPort, s3Port, dynamoDbPort }: StackPorts,
  dataDir: string,
  rules: CompiledRules,
): StartGiven {
  const defaultRules = sameRules(rules.fingerprint, compileRules(DEFAULT_SESSION_RULES).fingerprint);
  return {
    dataDir,
    ports: { port: apiPort, s3Port, dynamoDbPort },
    rules: defaultRules ? '' : `${rulesAsVariables(rules.source)} `,
  };
}

/** A database DynamoDB Local cannot read: the data dir's uploads survive it, and a replay re-ingests them. */
function databaseAdvice(error: DatabaseFileError, given: StartGiven): Error {
  const { dataDir } = given;
  const move = (path: string) =>
    `mv ${shellWord(shortPath(path))} ${shellWord(`${shortPath(path)}.corrupt`)}`;
  return new Error(
    `${error.message}. Nothing was changed or deleted. To go on, move its folder aside ` +
      `(\`${move(join(dataDir, 'dynamodb'))}\`) and start again (\`${startCommand(given)}\`): ` +
      'the sessions start empty, and ' +
      `\`${dataDirEnv(dataDir)}npm run replay\` then ingests the uploads kept in the bucket again (with ` +
      // The erasures' suppression entries were in the old database.
      'the users erased before: erase them again). Or move ' +
      `the whole data dir aside (\`${move(dataDir)}\`) to start with nothing.`,
    { cause: error },
  );
}

export interface ServersOptions extends StackPorts {
  dataDir: string;
  /** The start given, which a port taken since the check names in the start it suggests. */
  given: StartGiven;
  bucket: string;
  onObjectCreated: (event: S3Event) => void;
}

export interface Servers {
  dynamoDb: DynamoDbLocal;
  s3: S3Local;
}

/**
 * Starts both servers (their ports checked by {@link assertPortsFree} first). When one fails the other is
 * stopped again and the error (a PortInUseError for a port taken since) is thrown.
 */
export async function startServers(options: ServersOptions): Promise<Servers> {
  const stackPorts = [options.apiPort, options.s3Port, options.dynamoDbPort];
  const { given } = options;
  // Before either server (startLocalStack checked already; the check is made once): without Java the start
  // fails anyway, and s3rver would first take seconds to start.
  assertJavaAvailable();

  const [dynamoDb, s3] = await Promise.allSettled([
    startDynamoDbLocal({ port: options.dynamoDbPort, dataDir: join(options.dataDir, 'dynamodb') }),
    startS3Local({
      port: options.s3Port,
      dataDir: join(options.dataDir, 's3'),
      bucket: options.bucket,
      onObjectCreated: options.onObjectCreated,
    }),
  ]);
  if (dynamoDb.status === 'fulfilled' && s3.status === 'fulfilled') {
    return { dynamoDb: dynamoDb.value, s3: s3.value };
  }
  await Promise.allSettled([
    dynamoDb.status === 'fulfilled' && dynamoDb.value.stop(),
    s3.status === 'fulfilled' && s3.value.stop(),
  ]);
  if (dynamoDb.status === 'rejected') {
    if (dynamoDb.reason instanceof DatabaseFileError) throw databaseAdvice(dynamoDb.reason, options.given);
    throw isAddressInUse(dynamoDb.reason)
      ? await portInUse('DYNAMODB_PORT', options.dynamoDbPort, 'DynamoDB Local', given, stackPorts)
      : dynamoDb.reason;
  }
  const reason = (s3 as PromiseRejectedResult).reason;
  throw isAddressInUse(reason)
    ? await portInUse('S3_PORT', options.s3Port, 'local S3', given, stackPorts)
    : reason;
}
