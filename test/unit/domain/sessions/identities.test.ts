import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Identities } from '../../../../functions/domain/sessions/identities.js';

describe('Identities', () => {
  it('gives an anonymousId sent with a user the index interning it alone gives, whatever came before', () => {
    const id = fc.constantFrom('a', 'b', 'c', 'u1', 'u2', '', 'é', '\ud800');
    const step = fc.record({ user: fc.option(id, { nil: null }), anonymous: id });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const identities = new Identities();
        const plain = new Map<string, number>();
        const indexOf = (text: string) => {
          if (!plain.has(text)) plain.set(text, plain.size);
          return plain.get(text) as number;
        };
        for (const { user, anonymous } of steps) {
          if (user === null) {
            expect(identities.intern(anonymous)).toBe(indexOf(anonymous));
            continue;
          }
          const userIndex = identities.intern(user);
          expect(userIndex).toBe(indexOf(user));
          expect(identities.anonymousWith(userIndex, anonymous)).toBe(indexOf(anonymous));
        }
        expect(identities.values).toEqual([...plain.keys()]);
      }),
      { numRuns: 300 },
    );
  });

  it('grows its table of last anonymousIds past the first thousand users', () => {
    const identities = new Identities();
    for (let user = 0; user < 3000; user++) {
      const index = identities.intern(`user-${user}`);
      expect(identities.values[identities.anonymousWith(index, `anon-${user % 7}`)]).toBe(`anon-${user % 7}`);
      expect(identities.values[identities.anonymousWith(index, `anon-${user % 7}`)]).toBe(`anon-${user % 7}`);
    }
  });
});
