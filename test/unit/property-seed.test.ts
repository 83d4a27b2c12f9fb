import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** The seed fast-check ran a passing property with. */
const seedOfARun = () =>
  fc.check(
    fc.property(fc.nat(), () => true),
    { numRuns: 1 },
  ).seed;

describe('property seeds', () => {
  it('draw every property without a seed of its own from the one seed of the run, SEED when set', () => {
    // Without the setup, each property drew a seed of its own: SEED could not draw again what a run found.
    expect(seedOfARun()).toBe(seedOfARun());
    if (process.env.SEED !== undefined) expect(seedOfARun()).toBe(Number(process.env.SEED) | 0);
  });
});
