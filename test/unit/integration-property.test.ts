import { describe, expect, it } from 'vitest';
import { integrationParams, propertyRuns } from '../helpers/integration-property.js';

describe('the run count of a property', () => {
  it("is the property's own without PROPERTY_RUNS or RUNS, or with them blank", () => {
    expect(propertyRuns(25, {})).toBe(25);
    expect(propertyRuns(25, { PROPERTY_RUNS: ' ' })).toBe(25);
  });

  it('is PROPERTY_RUNS when set, else RUNS, the older name', () => {
    expect(propertyRuns(25, { PROPERTY_RUNS: '3' })).toBe(3);
    expect(propertyRuns(25, { RUNS: '4' })).toBe(4);
    expect(propertyRuns(25, { PROPERTY_RUNS: '3', RUNS: '4' })).toBe(3);
  });

  it.each(['0', '-2', '1.5', 'ten', '0x10'])('refuses %j, which is no count of runs', (text) => {
    expect(() => propertyRuns(25, { PROPERTY_RUNS: text })).toThrow(
      `PROPERTY_RUNS must be a whole number of runs, 1 or more (got "${text}")`,
    );
  });

  it('goes with endOnFailure in the parameters of an integration property', () => {
    expect(integrationParams(40)).toEqual({ numRuns: propertyRuns(40), endOnFailure: true });
  });
});
