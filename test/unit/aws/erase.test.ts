// `npm run erase`: the signed DELETE a deployed stage gets, and what each answer prints.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { idOfBase64Id } from '../../../contract/index.js';
import { createApiSigner } from '../../../scripts/aws/api-signer.js';
import { runErase } from '../../../scripts/erase/command.js';
import { verifySigV4 } from '../viewer/sigv4-upstream.js';
import { API_URL, CREDENTIALS, REGION, useEraseHarness } from './erase-harness.js';

const cloudFormation = mockClient(CloudFormationClient);
const harness = useEraseHarness();

beforeEach(() => {
  cloudFormation.reset();
});

describe('npm run erase', () => {
  it('sends a SigV4-signed DELETE for the id in the ~b64. form, and prints what was erased', async () => {
    const result = await harness.run(['--user', 'a/b?c', '--api-url', API_URL]);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(result.out).toBe(
      [
        'erased user "a/b?c": 7 items deleted',
        'erased with it, 2 stitched anonymousIds:',
        '  "anon-1"',
        '  "anon 2"',
      ].join('\n'),
    );
    const [request] = harness.sent;
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

  it.each(['http://127.0.0.1:3000/', 'http://localhost:3000', 'http://[::1]:3000/'])(
    'sends the DELETE to a loopback --api-url (%s, the local stack) unsigned, needing no AWS region or credentials',
    async (apiUrl) => {
      const result = await harness.run(['--user', 'a/b?c', '--api-url', apiUrl]);

      expect(result).toMatchObject({ status: 0, err: '' });
      const [request] = harness.sent;
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
    harness.answer = {
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
    const result = await harness.run(['--user', 'alice', '--api-url', API_URL]);

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
    harness.answer = {
      status: 200,
      body: { userId: 'L\ud800', erased: true, itemsDeleted: 3, anonymousIds: [] },
    };

    const result = await harness.run(['--user', '~b64.TO2ggA', '--api-url', API_URL]);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(harness.sent.map((request) => request.url)).toEqual([`${API_URL}admin/users/~b64.TO2ggA`]);
    // JSON names a lone surrogate by its escape.
    expect(result.out.split('\n')[0]).toBe('erased user "L\\ud800": 3 items deleted');
  });

  it('shows ids as JSON whose unseen characters are escapes, so none reaches the terminal raw', async () => {
    // JSON.stringify leaves these raw: U+202E showed "a\u202Eevil" reversed, U+200B made "admin\u200B" look
    // like "admin", U+009B (CSI) and DEL reached the terminal, among the ids an erasure took for good.
    harness.answer = {
      status: 200,
      body: {
        userId: 'u\u202eser',
        erased: true,
        itemsDeleted: 3,
        anonymousIds: ['admin\u200b', 'a\u009b2Jb', 'x\u007f'],
        stitchedTo: 'al\u2028ice',
      },
    };

    const result = await harness.run(['--user', 'user', '--api-url', API_URL]);

    expect(result.out).toBe(
      [
        'erased user "u\\u202eser": 3 items deleted',
        'this id is an anonymousId stitched to user "al\\u2028ice": its events are refused from now on, but those stored so far are that user\'s (rule 8) and stay in their sessions; erase "al\\u2028ice" to remove them',
        'erased with it, 3 stitched anonymousIds:',
        '  "admin\\u200b"',
        '  "a\\u009b2Jb"',
        '  "x\\u007f"',
      ].join('\n'),
    );
  });

  it.each([
    ['a NUL, which no argv carries', '~b64.YQBi'],
    ['the prefix itself', '~b64.fmI2NC54'],
  ])('takes --user in the ~b64. form of an id holding %s', async (_what, form) => {
    const id = idOfBase64Id(form) as string;
    harness.answer = { status: 200, body: { userId: id, erased: true, itemsDeleted: 1, anonymousIds: [] } };

    const result = await harness.run(['--user', form, '--api-url', API_URL]);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(harness.sent.map((request) => request.url)).toEqual([`${API_URL}admin/users/${form}`]);
  });

  it('says which id a number as an export writes it was stored as, when nothing was stored for it', async () => {
    harness.answer = {
      status: 200,
      body: {
        userId: '1234567890123456789',
        erased: true,
        itemsDeleted: 0,
        anonymousIds: [],
        stitchedTo: null,
      },
    };

    const result = await harness.run(['--user', '1234567890123456789', '--api-url', API_URL]);

    expect(result.status).toBe(0);
    expect(result.out.split('\n').at(-1)).toBe(
      'an id sent as a JSON number is stored as JavaScript writes that number: if the events carried 1234567890123456789 so, erase "1234567890123456800"',
    );
  });

  it('says that an erased anonymousId stitched to a user leaves its earlier events in that user’s sessions', async () => {
    harness.answer = {
      status: 200,
      body: { userId: 'anon-7', erased: true, itemsDeleted: 0, anonymousIds: [], stitchedTo: 'alice' },
    };

    const result = await harness.run(['--user', 'anon-7', '--api-url', API_URL]);

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
      expect(harness.sent).toHaveLength(1);
      harness.answer = {
        status: 200,
        body: { userId: 'a/b?c', erased: true, itemsDeleted: 2, anonymousIds: [] },
      };
    };

    const result = await harness.run(['--user', 'a/b?c', '--api-url', API_URL, '--again-after', '15'], sleep);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(waited).toEqual([15 * 60_000]);
    expect(harness.sent.map((request) => [request.method, request.url])).toEqual([
      ['DELETE', `${API_URL}admin/users/~b64.${Buffer.from('a/b?c').toString('base64url')}`],
      ['DELETE', `${API_URL}admin/users/~b64.${Buffer.from('a/b?c').toString('base64url')}`],
    ]);
    expect(result.out).toContain('erasing again in 15 minutes');
    expect(result.out.split('\n').at(-1)).toBe('erased again: 2 items deleted');
  });

  it('says a wait of one minute in the singular', async () => {
    const result = await harness.run(
      ['--user', 'alice', '--api-url', API_URL, '--again-after', '1'],
      async () => {},
    );

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
    harness.answer = {
      status: 200,
      body: { userId: 'alice', erased: true, itemsDeleted: 0, anonymousIds: [] },
    };

    const result = await harness.run(['--user', 'alice', '--stage', 'dev', '--region', REGION]);

    expect(result.status).toBe(0);
    // Nothing stored: said, since the erasure still refuses the id's events from now on (a typo would).
    expect(result.out).toBe(
      'erased user "alice": 0 items deleted\nnothing was stored for this id (erased before, or not this id: ids are case-sensitive); it is recorded as erased all the same, so its events are refused from now on',
    );
    expect(harness.sent[0]?.url.startsWith(`${API_URL}admin/users/~b64.`)).toBe(true);
  });

  it("signs for the profile's region when the API URL (a custom domain) names none, as --help says", async () => {
    const config = join(harness.scratch, 'aws-config');
    writeFileSync(config, '[profile ops]\nregion = eu-west-3\n');
    vi.stubEnv('AWS_CONFIG_FILE', config);
    vi.stubEnv('AWS_PROFILE', 'ops');
    vi.stubEnv('AWS_REGION', undefined);
    const regions: string[] = [];
    try {
      const result = await runErase(['--user', 'alice', '--api-url', 'https://sessions.example.com/'], {
        out: () => {},
        err: (line) => regions.push(line),
        env: { SESSIONIZER_DATA_DIR: harness.scratch },
        signer: (region) => {
          regions.push(region);
          return createApiSigner({ region, credentials: CREDENTIALS });
        },
        fetch: harness.fakeFetch,
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
    harness.answer = { status, body };

    const result = await harness.run(['--user', 'alice', '--api-url', API_URL]);

    expect(result.status).toBe(1);
    expect(result.err).toContain(explanation);
  });
});
