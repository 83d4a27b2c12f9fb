// `npm run erase`'s command line: its usage text, and the arguments read into what to erase where.
import { readCommandLine } from '../../cli/command-line.js';
import { decimalFromText } from '../../cli/whole-number.js';
import {
  BASE64_ID_PREFIX,
  base64Id,
  idOfBase64Id,
  NOT_A_BASE64_ID,
  travelsOnlyAsBase64Id,
} from '../../contract/index.js';
import { shellWord } from '../../local/command-words.js';
import { notDeployedStage } from '../aws/deployed-stage.js';

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
