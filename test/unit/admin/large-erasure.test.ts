// An erasure of a user with very many stitched anonymousIds must still answer: Lambda returns at most 6 MB,
// and an answer that fails after the erasure completed cannot be had again (a repeat finds nothing left).
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { createAdminHandler, MAX_LISTED_ANONYMOUS_IDS } from '../../../functions/admin/app.js';
import type { ErasureResult, UserEraser } from '../../../functions/domain/store/ports.js';
import { call } from '../api/api-event.js';
import { expectDocumented } from '../api/openapi-validator.js';

const LAMBDA_RESULT_BYTES = 6 * 1024 * 1024;
const COUNT = 150_000;

/** A UUID-shaped id per index, sorted as the eraser answers them. */
const uuidOf = (index: number) =>
  `${index.toString(16).padStart(8, '0')}-7f3a-4c2b-9d1e-${index.toString(16).padStart(12, '0')}`;

class ManyAnonymousIds implements UserEraser {
  constructor(readonly anonymousIds: readonly string[]) {}
  async eraseUser(userId: string): Promise<ErasureResult> {
    return { userId, itemsDeleted: this.anonymousIds.length + 40, anonymousIds: this.anonymousIds };
  }
}

function erase(anonymousIds: readonly string[]) {
  const logged: { message: string; attributes: Record<string, unknown> }[] = [];
  const handler = createAdminHandler({
    eraser: new ManyAnonymousIds(anonymousIds),
    config: { pathsDecoded: false },
    logger: {
      info: (message, attributes) => logged.push({ message, attributes }),
      error: (message, attributes) => logged.push({ message, attributes }),
    },
  });
  return { logged, result: call(handler, 'DELETE', '/admin/users/alice') };
}

const digestOf = (ids: readonly string[]) =>
  createHash('sha256').update(JSON.stringify(ids), 'utf8').digest('hex');

it('answers 150,000 erased anonymousIds within Lambda’s 6 MB: their count, the first ones, a digest of all', async () => {
  const all = Array.from({ length: COUNT }, (_, index) => uuidOf(index));
  const { logged, result } = erase(all);
  const answer = await result;

  expect(answer.raw.body?.length ?? 0).toBeLessThan(LAMBDA_RESULT_BYTES / 10);
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({
    userId: 'alice',
    erased: true,
    itemsDeleted: COUNT + 40,
    anonymousIdCount: COUNT,
    anonymousIds: all.slice(0, MAX_LISTED_ANONYMOUS_IDS),
    anonymousIdsSha256: digestOf(all),
    stitchedTo: null,
  });
  expectDocumented('/admin/users/{userId}', answer, 'delete');
  // The log keeps the count and the digest, never an id: an operator whose answer was lost still has them.
  expect(logged[0]?.attributes).toMatchObject({
    anonymousIdsErased: COUNT,
    anonymousIdsSha256: digestOf(all),
  });
  expect(JSON.stringify(logged)).not.toContain(all[0]);
});

it('lists the first 1,000 whole even when each is a 512-byte id of control characters', async () => {
  const all = Array.from(
    { length: 2_000 },
    (_, index) => `${'\u0001'.repeat(500)}${uuidOf(index).slice(0, 12)}`,
  );
  const answer = await erase(all).result;

  // As Lambda returns it: the body a JSON string inside its result, each `\` escaped once more.
  expect(JSON.stringify(answer.raw).length).toBeLessThan(LAMBDA_RESULT_BYTES);
  expect(answer.body).toMatchObject({ anonymousIdCount: 2_000, anonymousIds: all.slice(0, 1_000) });
});

it('lists every anonymousId when there are no more than 1,000', async () => {
  const all = Array.from({ length: 3 }, (_, index) => uuidOf(index));
  const answer = await erase(all).result;
  expect(answer.body).toMatchObject({
    anonymousIdCount: 3,
    anonymousIds: all,
    anonymousIdsSha256: digestOf(all),
  });
});
