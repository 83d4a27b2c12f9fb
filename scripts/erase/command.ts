// `npm run erase -- --user ID`: erases a user through the admin route, `DELETE /admin/users/{userId}`, of
// the running local stack, or with --stage of a deployed stage, signed with your AWS credentials.
import { setTimeout as sleep } from 'node:timers/promises';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { readCommandLine } from '../../cli/command-line.js';
import { decimalFromText } from '../../cli/whole-number.js';
import {
  BASE64_ID_PREFIX,
  base64Id,
  idOfBase64Id,
  NOT_A_BASE64_ID,
  travelsOnlyAsBase64Id,
} from '../../contract/index.js';
import { escapeControlInJson } from '../../contract/visible-text.js';
import type { ErasureView } from '../../functions/admin/app.js';
import { adminUserPath } from '../../functions/api/paths.js';
import { storedNumberId } from '../../functions/domain/rules/identity.js';
import { shellWord } from '../../local/command-words.js';
import { requestStack, runningStack } from '../../local/running-stack.js';
import { plural } from '../../local/stack-log.js';
import { type ApiSigner, createApiSigner, signerForApi } from '../aws/api-signer.js';
import { notDeployedStage } from '../aws/deployed-stage.js';
import { sendSigned } from '../aws/signed-request.js';
import { apiUrlFromStack, createCloudFormationClient, stageRegion } from '../aws/stack-outputs.js';
import { type LineIo, runParsed } from '../command-status.js';

export const USAGE = `Usage: npm run erase -- --user ID [--stage STAGE | --api-url URL] [--region REGION] [--again-after M]

Erases a user: their sessions and events, and those of the anonymousIds stitched to them, are deleted
from the sessions table; a suppression entry stays, so events of theirs delivered later (a replay of
old exports included) are rejected as "erased". The raw exports in the bucket are not touched (see
docs/operations.md, "Erasure"). Running it again is harmless, and finishes an interrupted erasure.

Without --stage: the running local stack. With --stage: the deployed stage's admin route, signed (SigV4)
with your AWS credentials (the default chain: AWS_PROFILE, SSO, environment, ...); they need
execute-api:Invoke on <api>/*/DELETE/admin/users/*.

Options:
  --user ID        the user id (or anonymousId) to erase, exactly as in the events, or its ~b64. form
                   (docs/api.md): the only form of an id holding a lone surrogate or a NUL or starting
                   with ~b64., and taken for those only (the form of another id is refused: it could be
                   another user's id as is)
  --stage STAGE    a deployed stage; its API URL is the ApiUrl output of stack Sessionizer-STAGE-Stateless
  --api-url URL    the deployed API's base URL instead of looking it up (a loopback one, such as the
                   local stack's http://127.0.0.1:3000/, is called unsigned)
  --region REGION  AWS region (default: the API URL's, else AWS_REGION or your profile's)
  --again-after M  erase again after M minutes (1 to 60; 15 covers the longest merge attempt), for what an
                   ingest writing this user at the same moment may have left (docs/operations.md)
  -h, --help       show this help

Environment:
  SESSIONIZER_DATA_DIR  the data dir of the local stack (default .sessionizer), as given to \`npm start\``;

export interface EraseOptions {
  readonly user: string;
  readonly stage: string | undefined;
  readonly apiUrl: string | undefined;
  readonly region: string | undefined;
  /** Minutes to wait before erasing a second time, when asked. */
  readonly againAfterMinutes?: number | undefined;
}

export interface EraseIo extends LineIo {
  readonly env: NodeJS.ProcessEnv;
  /** The signer for a deployed API in `region` (tests pass their own credentials). */
  readonly signer?: (region: string) => ApiSigner;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultIo: EraseIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
};

const MAX_AGAIN_AFTER_MINUTES = 60;

/**
 * Why a `~b64.` form is refused when its id could be given as is: an id may itself start with `~b64.` (an
 * export can carry any text), and pasted as is from that user's request, its text would erase another user,
 * which no run can undo. So the form is taken only where it is the one way to give the id.
 */
function ambiguousForm(given: string, user: string): string | undefined {
  if (travelsOnlyAsBase64Id(user) || user.includes('\u0000')) return undefined;
  // As a shell gives it back: quoted where it would split or expand, and joined by `=` where a leading `-`
  // would read as an option.
  const asIs = user.startsWith('-') ? `--user=${shellWord(user)}` : `--user ${shellWord(user)}`;
  return (
    `--user ${given} is the ${BASE64_ID_PREFIX} form of ${JSON.stringify(user)}, which is given as is (${asIs}): ` +
    `the form is taken only for an id no command line carries (one holding a lone surrogate or a NUL) or one that ` +
    `itself starts with ${BASE64_ID_PREFIX}; to erase the user whose id is ${JSON.stringify(given)} itself, give --user ${base64Id(given)}`
  );
}

export function parseEraseOptions(
  argv: readonly string[],
): EraseOptions | { help: true } | { problem: string } {
  const line = readCommandLine(
    {
      args: [...argv],
      options: {
        user: { type: 'string' },
        stage: { type: 'string' },
        'api-url': { type: 'string' },
        region: { type: 'string' },
        'again-after': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    // `--user a --user b` would erase b alone.
    { user: ' (the command erases one user a run)' },
  );
  if ('problem' in line) {
    // The id typed without its option (`npm run erase -- alice`): say how to give it.
    const stray = /^Unexpected argument '(.*)'\. This command does not take positional arguments$/s.exec(
      line.problem,
    );
    const hint =
      stray === null || argv.some((arg) => arg === '--user' || arg.startsWith('--user='))
        ? ''
        : `; to erase that user, give --user ${shellWord(stray[1] as string)}`;
    return { problem: `${line.problem}${hint}` };
  }
  const { values } = line;
  if (values.help === true) return { help: true };
  const given = values.user as string | undefined;
  // The `~b64.` form names an id as the API's routes and the viewer's address read it: the only form of one
  // holding a lone surrogate, which no argv can carry (it arrives as U+FFFD, another user's id).
  const user = given?.startsWith(BASE64_ID_PREFIX) ? idOfBase64Id(given) : given;
  if (user === undefined && given !== undefined) {
    return {
      problem: `--user ${given} ${NOT_A_BASE64_ID}`,
    };
  }
  if (user === '' && given !== '') {
    return {
      problem: `--user ${given} is the ${BASE64_ID_PREFIX} form of the empty id, which no user can have; give the user's id or its ${BASE64_ID_PREFIX} form`,
    };
  }
  if (user === undefined || user === '') return { problem: '--user ID is required' };
  // Before the form's ambiguity, whose advice (give the id as is) would only meet this refusal; a form is
  // longer than its id, so neither reading of a form too long to be an id names a user.
  if (Buffer.byteLength(user, 'utf8') > 512)
    return { problem: '--user is longer than 512 bytes of UTF-8; no user can have such an id' };
  const ambiguous = given === user ? undefined : ambiguousForm(given as string, user);
  if (ambiguous !== undefined) return { problem: ambiguous };
  const stage = values.stage as string | undefined;
  const notDeployed = stage === undefined ? undefined : notDeployedStage(stage);
  if (notDeployed !== undefined) return { problem: notDeployed };
  const apiUrl = values['api-url'] as string | undefined;
  if (apiUrl !== undefined && !/^https?:\/\//.test(apiUrl))
    return { problem: '--api-url must be an http(s) URL' };
  // The URL would win and --stage go unused: an erasure (which cannot be undone) on another stage than named.
  if (stage !== undefined && apiUrl !== undefined)
    return { problem: '--stage and --api-url both name the API to erase on; give one of them' };
  const region = values.region as string | undefined;
  if (stage === undefined && apiUrl === undefined && region !== undefined)
    return { problem: '--region applies to a deployed stage only; add --stage' };
  const againAfter = values['again-after'] as string | undefined;
  // Digits with an optional point, as the soak's minutes: Number() would read 0x10 as 16, and 1e1 as 10.
  const againAfterMinutes = againAfter === undefined ? undefined : decimalFromText(againAfter);
  if (
    againAfter !== undefined &&
    !(
      againAfterMinutes !== undefined &&
      againAfterMinutes >= 1 &&
      againAfterMinutes <= MAX_AGAIN_AFTER_MINUTES
    )
  ) {
    return {
      problem: `--again-after takes minutes from 1 to ${MAX_AGAIN_AFTER_MINUTES}, in decimal digits such as 15 or 1.5; got ${JSON.stringify(againAfter)}`,
    };
  }
  return { user, stage, apiUrl, region, againAfterMinutes };
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

async function eraseOnAws(options: EraseOptions, io: EraseIo): Promise<ErasureView> {
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

async function eraseLocally(options: EraseOptions, io: EraseIo): Promise<ErasureView> {
  const stack = runningStack(io.env);
  const response = await requestStack(stack, adminUserPath(options.user), { method: 'DELETE' });
  return outcome(response, `the local stack (pid ${stack.pid})`);
}

/**
 * An id as JSON, with what JSON.stringify leaves raw (bidirectional and zero-width characters, DEL and C1
 * controls) as escapes too: an id can hold anything, and the ids an erasure took must read as they are.
 */
const shown = (id: string) => escapeControlInJson(JSON.stringify(id));

function print(view: ErasureView, io: EraseIo): void {
  io.out(`erased user ${shown(view.userId)}: ${plural(view.itemsDeleted, 'item')} deleted`);
  // An API deployed before the field answers without it.
  const stitchedTo = view.stitchedTo ?? null;
  if (stitchedTo !== null) {
    io.out(
      `this id is an anonymousId stitched to user ${shown(stitchedTo)}: its events are refused from ` +
        `now on, but those stored so far are that user's (rule 8) and stay in their sessions; erase ` +
        `${shown(stitchedTo)} to remove them`,
    );
  }
  // An API deployed before the count answers every id.
  const anonymousIdCount = view.anonymousIdCount ?? view.anonymousIds.length;
  if (view.itemsDeleted === 0 && anonymousIdCount === 0) {
    if (stitchedTo !== null) return;
    // The erasure is recorded all the same, and refuses the id's events from now on: a typo would do that.
    io.out(
      'nothing was stored for this id (erased before, or not this id: ids are case-sensitive); it is recorded ' +
        'as erased all the same, so its events are refused from now on',
    );
    const stored = storedNumberId(view.userId);
    if (stored !== undefined) {
      io.out(
        `an id sent as a JSON number is stored as JavaScript writes that number: if the events carried ${view.userId} so, erase ${JSON.stringify(stored)}`,
      );
    }
    return;
  }
  if (anonymousIdCount === 0) {
    io.out('no anonymousIds were stitched to it');
    return;
  }
  io.out(`erased with it, ${plural(anonymousIdCount, 'stitched anonymousId')}:`);
  for (const anonymousId of view.anonymousIds) io.out(`  ${shown(anonymousId)}`);
  const unlisted = anonymousIdCount - view.anonymousIds.length;
  if (unlisted > 0) {
    io.out(
      `  and ${unlisted} more the answer does not list (it lists the first ${view.anonymousIds.length}); ` +
        `SHA-256 of all of them, sorted, as a JSON array: ${view.anonymousIdsSha256 ?? 'not given'}`,
    );
  }
}

/** Runs the command; resolves to its exit status (2 for bad arguments, 1 when the erasure failed). */
export async function runErase(argv: readonly string[], io: EraseIo = defaultIo): Promise<number> {
  return runParsed('erase', USAGE, parseEraseOptions(argv), io, async (options) => {
    const deployed = options.stage !== undefined || options.apiUrl !== undefined;
    const erase = () => (deployed ? eraseOnAws(options, io) : eraseLocally(options, io));
    print(await erase(), io);
    const minutes = options.againAfterMinutes;
    if (minutes !== undefined) {
      io.out(
        `erasing again in ${plural(minutes, 'minute')}, for what an ingest writing this user meanwhile may have left ` +
          '(stopping now leaves the erasure as it is)',
      );
      await (io.sleep ?? sleep)(minutes * 60_000);
      const second = await erase();
      io.out(`erased again: ${plural(second.itemsDeleted, 'item')} deleted`);
    }
  });
}
