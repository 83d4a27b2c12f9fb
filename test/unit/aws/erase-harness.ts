// The erase tests' shared set-up: a scratch data dir, a fake API that records each request and gives the
// answer a test sets, and `run`, which calls the command as `npm run erase` does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createApiSigner } from '../../../scripts/aws/api-signer.js';
import { runErase } from '../../../scripts/erase/command.js';
import type { Credentials } from '../viewer/sigv4-upstream.js';

export const REGION = 'eu-west-1';
export const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/';
export const CREDENTIALS: Credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};

export interface Sent {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
}

export interface EraseHarness {
  /** The requests the command sent, in order. */
  sent: Sent[];
  /** What the fake API answers every request with; a test may change it between requests. */
  answer: { status: number; body: unknown };
  /** The data dir the command is given; no local stack runs on it. */
  scratch: string;
  readonly fakeFetch: typeof fetch;
  run(
    argv: string[],
    sleep?: (ms: number) => Promise<void>,
  ): Promise<{ status: number; out: string; err: string }>;
}

/** Registers the hooks that give each test a fresh harness; call it once, at the top of a test file. */
export function useEraseHarness(): EraseHarness {
  const harness: EraseHarness = {
    sent: [],
    answer: { status: 200, body: {} },
    scratch: '',
    fakeFetch: (async (url: string | URL | Request, init?: RequestInit) => {
      harness.sent.push({
        url: String(url),
        method: init?.method ?? 'GET',
        headers: { ...(init?.headers as Record<string, string>) },
      });
      return new Response(JSON.stringify(harness.answer.body), {
        status: harness.answer.status,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch,
    async run(argv, sleep) {
      const out: string[] = [];
      const err: string[] = [];
      const status = await runErase(argv, {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        env: { SESSIONIZER_DATA_DIR: harness.scratch },
        signer: (region) => createApiSigner({ region, credentials: CREDENTIALS }),
        fetch: harness.fakeFetch,
        ...(sleep !== undefined && { sleep }),
      });
      return { status, out: out.join('\n'), err: err.join('\n') };
    },
  };
  beforeEach(() => {
    harness.sent = [];
    harness.answer = {
      status: 200,
      body: { userId: 'a/b?c', erased: true, itemsDeleted: 7, anonymousIds: ['anon-1', 'anon 2'] },
    };
    harness.scratch = mkdtempSync(join(tmpdir(), 'sessionizer-erase-'));
  });
  afterEach(() => {
    rmSync(harness.scratch, { recursive: true, force: true });
  });
  return harness;
}
