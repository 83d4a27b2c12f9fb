// How the local API and the local S3 front read a request body they must hold whole, up to a limit.
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBodyUpTo } from '../../../local/request-body.js';

/** A request whose body arrives as `chunks`, then ends. */
function requestOf(chunks: readonly string[]): { req: IncomingMessage; ended: Promise<void> } {
  const stream = new PassThrough();
  const ended = new Promise<void>((resolve) => stream.once('end', resolve));
  for (const chunk of chunks) stream.write(Buffer.from(chunk));
  stream.end();
  return { req: stream as unknown as IncomingMessage, ended };
}

describe('readBodyUpTo', () => {
  it('answers the whole body, its chunks in order, up to the limit itself', async () => {
    expect((await readBodyUpTo(requestOf(['ab', 'cd', 'e']).req, 5))?.toString()).toBe('abcde');
    expect((await readBodyUpTo(requestOf([]).req, 5))?.length).toBe(0);
  });

  it('answers undefined past the limit and still reads the rest to its end, so the server can answer', async () => {
    const { req, ended } = requestOf(['ab', 'cd', 'ef', 'gh']);
    expect(await readBodyUpTo(req, 5)).toBeUndefined();
    await ended;
  });

  it('fails with the request’s error', async () => {
    const stream = new PassThrough();
    const reading = readBodyUpTo(stream as unknown as IncomingMessage, 5);
    stream.destroy(new Error('reset'));
    await expect(reading).rejects.toThrow('reset');
  });
});
