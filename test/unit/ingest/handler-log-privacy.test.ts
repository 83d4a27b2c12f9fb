// Event text may be personal data: what the ingest logs says where a file broke and what is wrong, never
// the text it broke on (the rejection report, which is the data team's, quotes rejected lines).
import { describe, expect, it } from 'vitest';
import { bucket, createHandler, eventFor, freshHandlerMocksEachTest, logger } from './handler-mocks.js';

freshHandlerMocksEachTest();

const EMAIL = 'alice.smith@example.com';
const event = (id: string) =>
  JSON.stringify({
    type: 'track',
    event: 'Viewed',
    userId: 'u-1',
    messageId: id,
    timestamp: '2024-01-02T08:00:00.000Z',
  });

describe('the log of a file that breaks on an element that is not JSON', () => {
  it.each([
    [
      'an unexpected token',
      `{"type":"track","userId":"${EMAIL}","n":tru}`,
      'unexpected character at line 3, column 56',
    ],
    ['a stray bracket', `{"type":"track","emails":["${EMAIL}",]}`, "unexpected ']' at line 3, column 53"],
    ['a word', `${EMAIL}`, 'unexpected character at line 3, column 1'],
    // Often invisible: named by its code point, which quotes no text.
    ['a control character', `\u0001{"userId":"${EMAIL}"}`, 'unexpected character U+0001 at line 3, column 1'],
    // A byte-order mark is no JSON white space; decoded as a text's first character it would vanish.
    [
      'a byte-order mark before a value',
      `{"type":"track","userId":"${EMAIL}","n":\ufeff1}`,
      'unexpected character U+FEFF at line 3, column 56',
    ],
    [
      'a byte-order mark before a brace',
      `{"type":"track","userId":"${EMAIL}","n":\ufeff}`,
      'unexpected character U+FEFF at line 3, column 56',
    ],
  ])('says the line and what is wrong with %s, not the text', async (_what, broken, problem) => {
    const key = 'incoming/broken.json';
    bucket.put(key, Buffer.from(`[\n${event('m-1')},\n${broken},\n${event('m-3')}\n]\n`));

    const result = await createHandler()(eventFor(key));

    expect(result.outcomes).toMatchObject([{ status: 'file-failed', key }]);
    const [entry] = logger.entries.filter((logged) => logged.level === 'error');
    expect(entry?.attributes.files).toEqual([
      expect.objectContaining({
        error: `JSON array element 2 is invalid JSON: ${problem}; reading stopped at line 3`,
      }),
    ]);
    const logged = JSON.stringify(logger.entries);
    expect(logged).not.toContain('alice');
    expect(logged).not.toContain('example');
  });
});
