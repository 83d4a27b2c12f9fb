// Settings shared by the integration (store and API) properties, each run of which is a whole scenario against
// DynamoDB Local. A failing run ends the property at once (endOnFailure): shrinking, each step a scenario
// again, could outlast the test's timeout, which would then hide the seed and counterexample. And one variable
// sets how many runs each of them makes: `PROPERTY_RUNS=<n>` (RUNS, the name two of them read before, too),
// a few to check a change quickly, more for a longer search; unset, each keeps its own count.

/** The run count of a property: PROPERTY_RUNS (else RUNS) when set, else the property's own `defaultRuns`. */
export function propertyRuns(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): number {
  const text = (env.PROPERTY_RUNS ?? env.RUNS)?.trim();
  if (text === undefined || text === '') return defaultRuns;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new Error(`PROPERTY_RUNS must be a whole number of runs, 1 or more (got "${text}")`);
  return Number(text);
}

/** fast-check's parameters for an integration property: `defaultRuns` runs unless PROPERTY_RUNS says otherwise. */
export function integrationParams(defaultRuns: number): { numRuns: number; endOnFailure: true } {
  return { numRuns: propertyRuns(defaultRuns), endOnFailure: true };
}
