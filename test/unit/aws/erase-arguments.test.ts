// `npm run erase`: the arguments it refuses, and what it says when it cannot reach an API.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { base64Id } from '../../../contract/index.js';
import { createApiSigner } from '../../../scripts/aws/api-signer.js';
import { runErase } from '../../../scripts/erase/command.js';
import { parseEraseOptions, USAGE } from '../../../scripts/erase/options.js';
import { API_URL, CREDENTIALS, REGION, useEraseHarness } from './erase-harness.js';

const harness = useEraseHarness();

describe('npm run erase, its arguments and reach', () => {
  it('says how to give the region of --stage when none is configured, as npm run replay does', async () => {
    vi.stubEnv('AWS_CONFIG_FILE', join(harness.scratch, 'no-aws-config'));
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    try {
      const result = await harness.run(['--user', 'alice', '--stage', 'dev']);

      expect(result.status).toBe(1);
      // Not "Region is missing. Is stage "dev" deployed in this account and region?": it may well be.
      expect(result.err).toBe(
        "erase: no AWS region for stage dev: pass --region REGION, or set AWS_REGION (or your profile's region)",
      );
      expect(harness.sent).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('names every option of its list in its usage line', () => {
    const [synopsis = ''] = USAGE.split('\n');
    const listed = [...USAGE.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((match) => match[1]);

    expect(listed).toContain('--again-after');
    for (const option of listed.filter((name) => name !== '--help')) expect(synopsis).toContain(option);
  });

  it.each([
    [[], '--user ID is required'],
    // The id typed without its option: say how to give it rather than only that none is taken.
    [
      ['user 42'],
      "Unexpected argument 'user 42'. This command does not take positional arguments; to erase that user, give --user 'user 42'",
    ],
    [['--user', 'x'.repeat(513)], '--user is longer than 512 bytes'],
    // Not "given as is": that form, a plain id, would be refused as too long in its turn.
    [
      ['--user', `~b64.${Buffer.from('x'.repeat(513)).toString('base64url')}`],
      '--user is longer than 512 bytes',
    ],
    [
      ['--user', 'alice', '--user', 'bob'],
      '--user is given twice; give it once (the command erases one user a run)',
    ],
    [['--user', 'a', '--stage', 'dev', '--stage', 'prod'], '--stage is given twice; give it once'],
    [['--user', '~b64.YQ=='], '--user ~b64.YQ== is no ~b64. form of an id'],
    // A user whose id is "~b64.YQ" itself, pasted as is from their request, must not erase user "a".
    [
      ['--user', '~b64.YQ'],
      '--user ~b64.YQ is the ~b64. form of "a", which is given as is (--user a): the form is taken only for an id no command line carries (one holding a lone surrogate or a NUL) or one that itself starts with ~b64.; to erase the user whose id is "~b64.YQ" itself, give --user ~b64.fmI2NC5ZUQ',
    ],
    // The usage's [--stage STAGE | --api-url URL]: the URL would win, erasing on another stage than named.
    [
      ['--user', 'a', '--stage', 'prod', '--api-url', 'https://abc.execute-api.eu-west-1.amazonaws.com/'],
      '--stage and --api-url both name the API to erase on; give one of them',
    ],
    // Not "--user ID is required": an id was given, its form naming an id that no user has.
    [['--user', '~b64.'], '--user ~b64. is the ~b64. form of the empty id, which no user can have'],
    [['--user', 'a', '--stage', 'dev/x'], '--stage dev/x is not a deployed stage; the stages are dev, prod'],
    [['--user', 'a', '--stage', 'test'], '--stage test is not a deployed stage; the stages are dev, prod'],
    [['--user', 'a', '--api-url', 'ftp://x'], '--api-url must be an http(s) URL'],
    [['--user', 'a', '--region', REGION], '--region applies to a deployed stage only'],
    [
      ['--user', 'a', '--again-after', '0'],
      '--again-after takes minutes from 1 to 60, in decimal digits such as 15 or 1.5; got "0"',
    ],
    [
      ['--user', 'a', '--again-after', '61'],
      '--again-after takes minutes from 1 to 60, in decimal digits such as 15 or 1.5; got "61"',
    ],
    [
      ['--user', 'a', '--again-after', 'soon'],
      '--again-after takes minutes from 1 to 60, in decimal digits such as 15 or 1.5; got "soon"',
    ],
    [
      ['--user', 'a', '--again-after', ''],
      '--again-after takes minutes from 1 to 60, in decimal digits such as 15 or 1.5; got ""',
    ],
    // Number() would read it as 16 minutes.
    [
      ['--user', 'a', '--again-after', '0x10'],
      '--again-after takes minutes from 1 to 60, in decimal digits such as 15 or 1.5; got "0x10"',
    ],
    // Nor an exponent or a sign, which the soak's minutes refuse too (cli/whole-number.ts): 1e1 is 10 minutes.
    ...['1e1', '1.5e1', '+5', '6E0'].map((text): [string[], string] => [
      ['--user', 'a', '--again-after', text],
      `--again-after takes minutes from 1 to 60, in decimal digits such as 15 or 1.5; got ${JSON.stringify(text)}`,
    ]),
  ])('refuses %j with status 2', async (argv, problem) => {
    const result = await harness.run(argv);

    expect(result.status).toBe(2);
    expect(result.err).toContain(problem);
    // The error alone, then where the help is: the whole help after it would scroll it out of view.
    expect(result.err).toMatch(/\nTry 'npm run erase -- --help' for the options\.$/);
    expect(result.err).not.toContain('Usage:');
    expect(harness.sent).toEqual([]);
  });

  it('shows what it was given escaped once: a JSON-quoted value keeps its escapes, a raw option gets its own', async () => {
    const quoted = await harness.run(['--user', 'a', '--again-after', '1\t0\u202e']);
    expect(quoted.err).toContain('got "1\\t0\\u202e"\n');
    const option = await harness.run(['--user', 'a', '--x\u001b[31m']);
    expect(option.err).toContain("Unknown option '--x\\x1b[31m'");
    expect(option.status).toBe(2);
  });

  it.each(['a b', "it's", '-x', '$HOME', 'a;b'])(
    'names the id %j, given in its ~b64. form, as words a shell gives back to --user as that id',
    (id) => {
      const refused = parseEraseOptions(['--user', base64Id(id)]);
      const words = /which is given as is \((--user.*)\): the form/.exec(
        'problem' in refused ? refused.problem : '',
      )?.[1];
      expect(words, JSON.stringify(refused)).toBeDefined();
      // As copied into a shell: `--user a b` erased nothing (b is no option), `--user -x` is refused.
      const argv = execFileSync('bash', ['-c', `printf '%s\\0' ${words}`], { encoding: 'utf8' })
        .split('\0')
        .slice(0, -1);
      expect(parseEraseOptions(argv), words).toMatchObject({ user: id });
    },
  );

  it.each([
    ['http://127.0.0.1:7499/', 'is the local stack running there? `npm start` prints its API URL'],
    [
      API_URL,
      'check the API URL (--api-url, or the ApiUrl output of Sessionizer-<stage>-Stateless) and your network',
    ],
  ])('says what to check when the API at %s cannot be reached', async (apiUrl, advice) => {
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    const errors: string[] = [];
    const status = await runErase(['--user', 'alice', '--api-url', apiUrl], {
      out: () => {},
      err: (line) => errors.push(line),
      env: { SESSIONIZER_DATA_DIR: harness.scratch },
      signer: (region) => createApiSigner({ region, credentials: CREDENTIALS }),
      fetch: (async () => {
        throw refused;
      }) as typeof fetch,
    });

    expect(status).toBe(1);
    expect(errors.join('\n')).toContain(
      `could not reach the API at ${new URL(apiUrl).origin}: connect ECONNREFUSED; ${advice}`,
    );
  });

  it('says how to start the local stack when none runs on the data dir', async () => {
    const result = await harness.run(['--user', 'alice']);

    expect(result.status).toBe(1);
    expect(result.err).toContain('the local stack is not running on the data dir');
    expect(result.err).toContain('npm start');
  });
});
