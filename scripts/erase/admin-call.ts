// Where `npm run erase` sends the erasure: the admin route of a deployed stage (signed) or of the local
// stack, and what the route's answer means for the command.
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { ErasureView } from '../../functions/admin/app.js';
import { adminUserPath } from '../../functions/api/paths.js';
import { requestStack, runningStack } from '../../local/running-stack.js';
import { type ApiSigner, createApiSigner, signerForApi } from '../aws/api-signer.js';
import { sendSigned } from '../aws/signed-request.js';
import { apiUrlFromStack, createCloudFormationClient, stageRegion } from '../aws/stack-outputs.js';
import type { EraseOptions } from './options.js';

/** What the calls need of the command's surroundings (tests pass their own). */
export interface EraseTransport {
  readonly env: NodeJS.ProcessEnv;
  /** The signer for a deployed API in `region` (tests pass their own credentials). */
  readonly signer?: (region: string) => ApiSigner;
  readonly fetch?: typeof fetch;
}

/** What the admin route answered, as the command reports it. */
async function outcome(response: Response, where: string): Promise<ErasureView> {
  const body = (await response.json().catch(() => undefined)) as
    | ErasureView
    | { error?: { message?: string }; message?: string }
    | undefined;
  if (response.ok) return body as ErasureView;
  const said =
    (body as { error?: { message?: string } } | undefined)?.error?.message ??
    (body as { message?: string } | undefined)?.message ??
    `status ${response.status}`;
  if (response.status === 403) {
    throw new Error(
      `${where} refused the erasure (403: ${said}); your credentials need execute-api:Invoke on the API's DELETE /admin/users/* (docs/operations.md, "Erasure")`,
    );
  }
  if (response.status >= 500) {
    throw new Error(
      `${where} answered ${response.status} (${said}): the erasure failed or was cut short (a timeout); run the command again to finish it`,
    );
  }
  throw new Error(`${where} answered ${response.status}: ${said}`);
}

export async function eraseOnAws(options: EraseOptions, io: EraseTransport): Promise<ErasureView> {
  let apiUrl = options.apiUrl;
  if (apiUrl === undefined) {
    const stage = options.stage as string;
    const cloudFormation = createCloudFormationClient(await stageRegion(stage, options.region));
    try {
      apiUrl = await apiUrlFromStack(stage, cloudFormation);
    } finally {
      cloudFormation.destroy();
    }
  }
  const signer = await signerForApi(
    apiUrl,
    options.region,
    io.env,
    (region) => io.signer?.(region) ?? createApiSigner({ region, credentials: fromNodeProviderChain() }),
  );
  const response = await sendSigned(signer, apiUrl, 'DELETE', adminUserPath(options.user), io.fetch);
  return outcome(response, `the API at ${apiUrl}`);
}

export async function eraseLocally(options: EraseOptions, io: EraseTransport): Promise<ErasureView> {
  const stack = runningStack(io.env);
  const response = await requestStack(stack, adminUserPath(options.user), { method: 'DELETE' });
  return outcome(response, `the local stack (pid ${stack.pid})`);
}
