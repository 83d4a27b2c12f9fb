// npm run viewer -- --stage dev [--api-url URL] [--port 5173]: the viewer for a deployed stage, its API calls
// signed with your AWS credentials; for the local stack's API (a loopback URL), unsigned.
import type { AddressInfo } from 'node:net';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { z } from 'zod';
import { readCommandLine, usageErrorText } from '../cli/command-line.js';
import { quoted } from '../cli/terminal-text.js';
import { gotText, wholeNumberInput } from '../cli/whole-number.js';
import { escapeControl } from '../contract/visible-text.js';
import { describePortHolder } from '../local/port-holder.js';
import { DEFAULT_PORTS } from '../local/stack-config.js';
import { buildViewerAssets, viewerSecurityHeaders } from '../viewer/assets.js';
import { isLoopbackAddress } from '../viewer/server/host-guard.js';
import { createViewerServer } from '../viewer/server/viewer-server.js';
import { type ApiSigner, createApiSigner, signerForApi } from './aws/api-signer.js';
import { notDeployedStage } from './aws/deployed-stage.js';
import { createSigningProxy } from './aws/signing-proxy.js';
import { apiUrlFromStack, createCloudFormationClient, stageRegion } from './aws/stack-outputs.js';

// The SDK's notice that it will drop Node 20 is not this command's output (README: Node 20.15 or later).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The local stack's API (\`npm start\`) on its default port. */
const LOCAL_API_URL = `http://127.0.0.1:${DEFAULT_PORTS.PORT}/`;

const USAGE = `Usage: npm run viewer -- --stage STAGE [--api-url URL] [--port PORT] [--host HOST] [--region REGION]

Serves the session viewer on this machine and forwards its API calls to a deployed stage, signed (SigV4)
with your AWS credentials from the default chain (AWS_PROFILE, SSO, environment, ...). Calls to a loopback
--api-url (the local stack's, e.g. ${LOCAL_API_URL}) go unsigned and need no credentials.

Options:
  --stage STAGE     the deployed stage; its API URL is the ApiUrl output of stack Sessionizer-STAGE-Stateless
  --api-url URL     the API's base URL instead of looking it up (then --stage is optional, any name: a label)
  --port PORT       local port (default 5173)
  --host HOST       local interface (default 127.0.0.1)
  --region REGION   AWS region (default: the API URL's, else AWS_REGION or your profile's)
  -h, --help        show this help
`;

const optionsSchema = z
  .object({
    stage: z.string().optional(),
    'api-url': z.url({ protocol: /^https?$/, error: '--api-url must be an http(s) URL' }).optional(),
    port: z
      .preprocess(
        wholeNumberInput,
        z
          .number({
            error: (issue) => `--port must be a port number from 0 to 65535${gotText(issue.input, quoted)}`,
          })
          .int('--port must be a port number from 0 to 65535')
          .max(65_535, '--port must be a port number from 0 to 65535'),
      )
      .default(5173),
    host: z.string().default('127.0.0.1'),
    region: z.string().optional(),
  })
  .refine((options) => options.stage !== undefined || options['api-url'] !== undefined, {
    error:
      'give --stage (to look up the API URL) or --api-url ' +
      `(for the local stack: --api-url ${LOCAL_API_URL}, or its PORT if set)`,
  });

/**
 * Only a stage whose stack is looked up must be deployed (said as replay and erase say it, before any AWS
 * call); beside --api-url the stage only labels the viewer's first line. Read from the command line itself,
 * not the schema, whose refinements wait until every other option is valid.
 */
function stageProblem(values: { stage?: string | undefined; 'api-url'?: string | undefined }): string[] {
  if (values.stage === undefined || values['api-url'] !== undefined) return [];
  const problem = notDeployedStage(values.stage);
  return problem === undefined ? [] : [problem];
}

/** A usage error: said alone, then where the help is (the whole help after it would scroll it out of view), as sessionize says its own. */
function fail(message: string): never {
  process.stderr.write(usageErrorText('viewer', message, 'npm run viewer --'));
  process.exit(2);
}

/** What a failed listen means and what to do, for the error Node would otherwise throw unhandled. */
function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  if (error.code === 'EADDRINUSE') {
    return `port ${port} on ${host} is already in use: ${describePortHolder(port)}; or give another with --port (0 takes any free one)`;
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return `--host ${host} is no address of this machine: give one of its interfaces, e.g. 127.0.0.1`;
  }
  if (error.code === 'EACCES') {
    return `port ${port} on ${host} may not be opened by this user: give one from 1024 up with --port`;
  }
  return `cannot listen on ${host}:${port}: ${error.message}`;
}

/** A SigV4 signer for a deployed API, refusing at once when there are no credentials to sign with. */
async function signerWithCredentials(region: string): Promise<ApiSigner> {
  const credentials = fromNodeProviderChain();
  try {
    await credentials();
  } catch (error) {
    throw new Error(
      `no AWS credentials to sign with (${(error as Error).message}); log in (e.g. aws sso login) or set AWS_PROFILE`,
    );
  }
  return createApiSigner({ region, credentials });
}

async function main(): Promise<void> {
  const line = readCommandLine({
    options: {
      stage: { type: 'string' },
      'api-url': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if ('problem' in line) fail(line.problem);
  const { values } = line;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const parsed = optionsSchema.safeParse(values);
  const problems = [...stageProblem(values), ...(parsed.error?.issues.map((issue) => issue.message) ?? [])];
  if (problems.length > 0 || !parsed.success) fail(problems.join('; '));
  const { stage, port, host } = parsed.data;

  const apiUrl =
    parsed.data['api-url'] ??
    (await apiUrlFromStack(
      stage as string,
      createCloudFormationClient(await stageRegion(stage as string, parsed.data.region)),
    ));
  const signer = await signerForApi(apiUrl, parsed.data.region, process.env, signerWithCredentials);

  const server = createViewerServer({
    loopbackOnly: isLoopbackAddress(host),
    assets: await buildViewerAssets(),
    assetHeaders: viewerSecurityHeaders(),
    api: createSigningProxy({
      apiUrl,
      signer,
      onError: (message) => process.stderr.write(`viewer: ${message}\n`),
    }),
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(new Error(listenProblem(error, host, port)));
    server.once('error', failed);
    // Only a failed listen is explained here; an error of the running server stays Node's own.
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port: actualPort } = server.address() as AddressInfo;
  process.stdout.write(
    `Session viewer for ${stage === undefined ? apiUrl : `stage ${escapeControl(stage)} (${apiUrl})`}: http://${host}:${actualPort}/\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`viewer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
