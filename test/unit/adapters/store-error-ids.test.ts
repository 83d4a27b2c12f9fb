// Errors the store throws reach the logs whole (the ingest logs a failed message's error, the lookup API a
// 500's): they name a user by the SHA-256 of its id, as the erasure log does, never by the id.
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readDays, StaleReadError } from '../../../functions/adapters/dynamodb/day-loader.js';
import { decodeEvents, encodeEvents } from '../../../functions/adapters/dynamodb/event-codec.js';
import { RulesMismatchError } from '../../../functions/adapters/dynamodb/rules-mismatch-error.js';
import { MergeConflictError } from '../../../functions/adapters/dynamodb/session-writer.js';
import type { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import { record } from '../../helpers/event-arbitraries.js';
import { dayWithChunks } from './day-with-chunks.js';

const ID = 'alice.smith@example.com';
const digest = createHash('sha256').update(ID).digest('hex');

/** What a logger writes of an error: its message and its stack. */
const logged = (error: Error) => `${error.message}\n${error.stack}`;

describe('store errors name a user by the SHA-256 of its id', () => {
  it('a merge that gave up', () => {
    const error = new MergeConflictError(ID, 8);
    expect(logged(error)).not.toContain(ID);
    expect(error.message).toBe(
      `gave up merging the user with userIdSha256 ${digest} after 8 conflicting attempts`,
    );
  });

  it('a read that went stale', async () => {
    const collected = { batchGetWrittenOnce: async () => new Map() } as unknown as Transport;
    const error = await readDays(collected, ID, [dayWithChunks(ID).group]).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(StaleReadError);
    expect(logged(error as Error)).not.toContain(ID);
    expect((error as Error).message).toContain(`userIdSha256 ${digest}`);
  });

  it('sessions cut under other rules', () => {
    const rules = compileRules(DEFAULT_SESSION_RULES);
    const error = new RulesMismatchError(
      ID,
      compileRules({ ...DEFAULT_SESSION_RULES, gapMinutes: 5 }).fingerprint,
      rules,
    );
    expect(logged(error)).not.toContain(ID);
    expect(error.message).toContain(
      `the sessions of the user with userIdSha256 ${digest} were cut under other`,
    );
  });

  it('stored events that do not decode, without quoting their text', () => {
    const blob = encodeEvents(ID, [record({ id: 'm:1', timestamp: 1, userId: ID })]);
    const shorter = Buffer.from(blob);
    shorter[1] = 0xff;
    // A deflated part that inflates to text holding the id, but no JSON: JSON.parse would quote it.
    const notJson = Buffer.concat([
      blob.subarray(0, 2 + (blob[1] as number)),
      deflateRawSync(`{"u":"${ID}" x}`),
    ]);
    for (const corrupt of [shorter, notJson, deflateRawSync(`{"i":["${ID}"`)]) {
      const error = (() => {
        try {
          decodeEvents(ID, corrupt);
        } catch (caught) {
          return caught as Error;
        }
        throw new Error('decoded');
      })();
      expect(logged(error)).not.toContain(ID);
      expect(logged(error)).not.toContain('example');
      expect(error.message).toContain(`userIdSha256 ${digest}`);
    }
  });
});
