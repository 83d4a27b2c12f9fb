// `npm run erase`: arguments, the signed DELETE a deployed stage gets, and what each answer prints.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { idOfBase64Id } from '../../../contract/index.js';
import { createApiSigner } from '../../../scripts/aws/api-signer.js';
import { runErase, USAGE } from '../../../scripts/erase/command.js';
import { type Credentials, verifySigV4 } from '../viewer/sigv4-upstream.js';

const REGION = 'eu-west-1';
const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/';
const CREDENTIALS: Credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};

const cloudFormation = mockClient(CloudFormationClient);

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
}

let sent: Sent[];
let answer: { status: number; body: unknown };
let scratch: string;

beforeEach(() => {
  cloudFormation.reset();
  sent = [];
  answer = {
    status: 200,
    body: { userId: 'a/b?c', erased: true, itemsDeleted: 7, anonymousIds: ['anon-1', 'anon 2'] },
  };
  scratch = mkdtempSync(join(tmpdir(), 'sessionizer-erase-'));
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
  sent.push({
    url: String(url),
    method: init?.method ?? 'GET',
    headers: { ...(init?.headers as Record<string, string>) },
  });
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { 'content-type': 'application/json' },
  });
}) as typeof fetch;

async function run(argv: string[], sleep?: (ms: number) => Promise<void>) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runErase(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { SESSIONIZER_DATA_DIR: scratch },
    signer: (region) => createApiSigner({ region, credentials: CREDENTIALS }),
    fetch: fakeFetch,
    ...(sleep !== undefined && { sleep }),
  });
  return { status, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run erase', () => {
  it('sends a SigV4-signed DELETE for the id in the ~b64. form, and prints what was erased', async () => {
    const result = await run(['--user', 'a/b?c', '--api-url', API_URL]);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(result.out).toBe(
      [
        'erased user "a/b?c": 7 items deleted',
        'erased with it, 2 stitched anonymousIds:',
        '  "anon-1"',
        '  "anon 2"',
      ].join('\n'),
    );
    const [request] = sent;
    expect(request?.method).toBe('DELETE');
    expect(request?.url).toBe(`${API_URL}admin/users/~b64.${Buffer.from('a/b?c').toString('base64url')}`);
    const url = new URL(request?.url ?? '');
    const verdict = verifySigV4(
      'DELETE',
      url.pathname,
      { ...request?.headers, host: url.host },
      CREDENTIALS,
      REGION,
    );
    expect(verdict).toMatchObject({ ok: true });
  });

  it.each(['http://127.0.0.1:3000/', 'http://localhost:3000'])(
    'sends the DELETE to a loopback --api-url (%s, the local stack) unsigned, needing no AWS region or credentials',
    async (apiUrl) => {
      const result = await run(['--user', 'a/b?c', '--api-url', apiUrl]);

      expect(result).toMatchObject({ status: 0, err: '' });
      const [request] = sent;
      expect(request?.method).toBe('DELETE');
      expect(request?.url).toBe(
        `${new URL(apiUrl).origin}/admin/users/~b64.${Buffer.from('a/b?c').toString('base64url')}`,
      );
      expect(Object.keys(request?.headers ?? {}).map((name) => name.toLowerCase())).not.toContain(
        'authorization',
      );
    },
  );

  it('says how many anonymousIds the answer does not list, with the digest of all of them', async () => {
    const digest = 'ab'.repeat(32);
    answer = {
      status: 200,
      body: {
        userId: 'alice',
        erased: true,
        itemsDeleted: 150_040,
        anonymousIdCount: 150_000,
        anonymousIds: ['anon-1', 'anon-2'],
        anonymousIdsSha256: digest,
        stitchedTo: null,
      },
    };
    const result = await run(['--user', 'alice', '--api-url', API_URL]);

    expect(result.out).toBe(
      [
        'erased user "alice": 150040 items deleted',
        'erased with it, 150000 stitched anonymousIds:',
        '  "anon-1"',
        '  "anon-2"',
        `  and 149998 more the answer does not list (it lists the first 2); SHA-256 of all of them, sorted, as a JSON array: ${digest}`,
      ].join('\n'),
    );
  });

  it('takes --user in the ~b64. form, the only one of an id holding a lone surrogate, as the API and the viewer do', async () => {
    // No argv can carry "L\ud800" (the shell and Node make it U+FFFD, another user): its form is how the
    // viewer's address and the API's redirects name it.
    answer = { status: 200, body: { userId: 'L\ud800', erased: true, itemsDeleted: 3, anonymousIds: [] } };

    const result = await run(['--user', '~b64.TO2ggA', '--api-url', API_URL]);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(sent.map((request) => request.url)).toEqual([`${API_URL}admin/users/~b64.TO2ggA`]);
    // JSON names a lone surrogate by its escape.
    expect(result.out.split('\n')[0]).toBe('erased user "L\\ud800": 3 items deleted');
  });

  it.each([
    ['a NUL, which no argv carries', '~b64.YQBi'],
    ['the prefix itself', '~b64.fmI2NC54'],
  ])('takes --user in the ~b64. form of an id holding %s', async (_what, form) => {
    const id = idOfBase64Id(form) as string;
    answer = { status: 200, body: { userId: id, erased: true, itemsDeleted: 1, anonymousIds: [] } };

    const result = await run(['--user', form, '--api-url', API_URL]);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(sent.map((request) => request.url)).toEqual([`${API_URL}admin/users/${form}`]);
  });

  it('says which id a number as an export writes it was stored as, when nothing was stored for it', async () => {
    answer = {
      status: 200,
      body: {
        userId: '1234567890123456789',
        erased: true,
        itemsDeleted: 0,
        anonymousIds: [],
        stitchedTo: null,
      },
    };

    const result = await run(['--user', '1234567890123456789', '--api-url', API_URL]);

    expect(result.status).toBe(0);
    expect(result.out.split('\n').at(-1)).toBe(
      'an id sent as a JSON number is stored as JavaScript writes that number: if the events carried 1234567890123456789 so, erase "1234567890123456800"',
    );
  });

  it('says that an erased anonymousId stitched to a user leaves its earlier events in that user’s sessions', async () => {
    answer = {
      status: 200,
      body: { userId: 'anon-7', erased: true, itemsDeleted: 0, anonymousIds: [], stitchedTo: 'alice' },
    };

    const result = await run(['--user', 'anon-7', '--api-url', API_URL]);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(result.out).toBe(
      [
        'erased user "anon-7": 0 items deleted',
        'this id is an anonymousId stitched to user "alice": its events are refused from now on, but those stored so far are that user\'s (rule 8) and stay in their sessions; erase "alice" to remove them',
      ].join('\n'),
    );
  });

  it('erases a second time after --again-after minutes, for what a concurrent ingest left', async () => {
    const waited: number[] = [];
    const sleep = async (ms: number) => {
      waited.push(ms);
      expect(sent).toHaveLength(1);
      answer = { status: 200, body: { userId: 'a/b?c', erased: true, itemsDeleted: 2, anonymousIds: [] } };
    };

    const result = await run(['--user', 'a/b?c', '--api-url', API_URL, '--again-after', '15'], sleep);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(waited).toEqual([15 * 60_000]);
    expect(sent.map((request) => [request.method, request.url])).toEqual([
      ['DELETE', `${API_URL}admin/users/~b64.${Buffer.from('a/b?c').toString('base64url')}`],
      ['DELETE', `${API_URL}admin/users/~b64.${Buffer.from('a/b?c').toString('base64url')}`],
    ]);
    expect(result.out).toContain('erasing again in 15 minutes');
    expect(result.out.split('\n').at(-1)).toBe('erased again: 2 items deleted');
  });

  it('says a wait of one minute in the singular', async () => {
    const result = await run(['--user', 'alice', '--api-url', API_URL, '--again-after', '1'], async () => {});

    expect(result.out).toContain('erasing again in 1 minute, for what');
  });

  it('finds the API of --stage in its stateless stack', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Sessionizer-dev-Stateless' }).resolves({
      Stacks: [
        {
          StackName: 'Sessionizer-dev-Stateless',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'ApiUrl', OutputValue: API_URL }],
        },
      ],
    });
    answer = { status: 200, body: { userId: 'alice', erased: true, itemsDeleted: 0, anonymousIds: [] } };

    const result = await run(['--user', 'alice', '--stage', 'dev', '--region', REGION]);

    expect(result.status).toBe(0);
    // Nothing stored: said, since the erasure still refuses the id's events from now on (a typo would).
    expect(result.out).toBe(
      'erased user "alice": 0 items deleted\nnothing was stored for this id (erased before, or not this id: ids are case-sensitive); it is recorded as erased all the same, so its events are refused from now on',
    );
    expect(sent[0]?.url.startsWith(`${API_URL}admin/users/~b64.`)).toBe(true);
  });

  it('says how to give the region of --stage when none is configured, as npm run replay does', async () => {
    vi.stubEnv('AWS_CONFIG_FILE', join(scratch, 'no-aws-config'));
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    try {
      const result = await run(['--user', 'alice', '--stage', 'dev']);

      expect(result.status).toBe(1);
      // Not "Region is missing. Is stage "dev" deployed in this account and region?": it may well be.
      expect(result.err).toBe(
        "erase: no AWS region for stage dev: pass --region REGION, or set AWS_REGION (or your profile's region)",
      );
      expect(sent).toEqual([]);
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

  it("signs for the profile's region when the API URL (a custom domain) names none, as --help says", async () => {
    const config = join(scratch, 'aws-config');
    writeFileSync(config, '[profile ops]\nregion = eu-west-3\n');
    vi.stubEnv('AWS_CONFIG_FILE', config);
    vi.stubEnv('AWS_PROFILE', 'ops');
    vi.stubEnv('AWS_REGION', undefined);
    const regions: string[] = [];
    try {
      const result = await runErase(['--user', 'alice', '--api-url', 'https://sessions.example.com/'], {
        out: () => {},
        err: (line) => regions.push(line),
        env: { SESSIONIZER_DATA_DIR: scratch },
        signer: (region) => {
          regions.push(region);
          return createApiSigner({ region, credentials: CREDENTIALS });
        },
        fetch: fakeFetch,
      });
      expect(result).toBe(0);
      expect(regions).toEqual(['eu-west-3']);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each([
    [
      403,
      { message: 'Forbidden' },
      'refused the erasure (403: Forbidden); your credentials need execute-api:Invoke',
    ],
    [
      500,
      { error: { code: 'internal_error', message: 'Internal error' } },
      'run the command again to finish it',
    ],
    [503, { message: 'Service Unavailable' }, 'answered 503 (Service Unavailable)'],
    [400, { error: { code: 'bad_request', message: 'userId is longer' } }, 'answered 400: userId is longer'],
  ])('explains a %i', async (status, body, explanation) => {
    answer = { status, body };

    const result = await run(['--user', 'alice', '--api-url', API_URL]);

    expect(result.status).toBe(1);
    expect(result.err).toContain(explanation);
  });

  it.each([
    [[], '--user ID is required'],
    [['--user', 'x'.repeat(513)], '--user is longer than 512 bytes'],
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
    [['--user', '~b64.'], '--user ID is required'],
    [['--user', 'a', '--stage', 'dev/x'], '--stage dev/x is not a deployed stage; the stages are dev, prod'],
    [['--user', 'a', '--stage', 'test'], '--stage test is not a deployed stage; the stages are dev, prod'],
    [['--user', 'a', '--api-url', 'ftp://x'], '--api-url must be an http(s) URL'],
    [['--user', 'a', '--region', REGION], '--region applies to a deployed stage only'],
    [['--user', 'a', '--again-after', '0'], '--again-after takes decimal minutes from 1 to 60; got "0"'],
    [['--user', 'a', '--again-after', '61'], '--again-after takes decimal minutes from 1 to 60; got "61"'],
    [
      ['--user', 'a', '--again-after', 'soon'],
      '--again-after takes decimal minutes from 1 to 60; got "soon"',
    ],
    [['--user', 'a', '--again-after', ''], '--again-after takes decimal minutes from 1 to 60; got ""'],
    // Number() would read it as 16 minutes.
    [
      ['--user', 'a', '--again-after', '0x10'],
      '--again-after takes decimal minutes from 1 to 60; got "0x10"',
    ],
  ])('refuses %j with status 2', async (argv, problem) => {
    const result = await run(argv);

    expect(result.status).toBe(2);
    expect(result.err).toContain(problem);
    expect(result.err).toContain('Usage: npm run erase');
    expect(sent).toEqual([]);
  });

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
      env: { SESSIONIZER_DATA_DIR: scratch },
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
    const result = await run(['--user', 'alice']);

    expect(result.status).toBe(1);
    expect(result.err).toContain('the local stack is not running on the data dir');
    expect(result.err).toContain('npm start');
  });
});
