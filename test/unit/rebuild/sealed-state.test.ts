import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FinishRequest } from '../../../functions/rebuild/rebuild-table.js';
import { openFinish, sealFinish } from '../../../functions/rebuild/sealed-state.js';
import { FAKE_SEAL_KEY } from './fake-rebuild-store.js';

const ids = fc.array(fc.string({ minLength: 1 }), { maxLength: 5 });
const finishRequest: fc.Arbitrary<FinishRequest> = fc.record(
  {
    pass: fc.nat(),
    users: ids,
    count: fc.record({
      segments: fc.array(fc.record({ cursor: fc.option(fc.string(), { nil: null }), done: fc.boolean() }), {
        maxLength: 8,
      }),
      found: fc.nat(),
      users: ids,
    }),
  },
  { requiredKeys: [] },
);

describe('a finish request sealed for the state machine', () => {
  it('opens to what was sealed, and shows none of its ids or positions', () => {
    fc.assert(
      fc.property(finishRequest, (request) => {
        const sealed = sealFinish(FAKE_SEAL_KEY, request);
        expect(openFinish(FAKE_SEAL_KEY, sealed)).toEqual(request);
        // What the state machine keeps: the sealed values (base64url), none of which shows an id or position.
        const kept = [
          sealed.users,
          sealed.count?.users,
          ...(sealed.count?.segments ?? []).map((s) => s.cursor),
        ];
        const plain = [
          ...(request.users ?? []),
          ...(request.count?.users ?? []),
          ...(request.count?.segments ?? []).flatMap(({ cursor }) => cursor ?? []),
        ];
        for (const value of plain.filter((text) => text.length >= 8))
          for (const text of kept) expect(text ?? '').not.toContain(value);
      }),
    );
  });
});
