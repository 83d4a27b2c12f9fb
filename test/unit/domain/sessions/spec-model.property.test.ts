// Rules 2, 3, 5, 7, 8 and 9 through the CLI's batch (the columns and the plain-record path), against a model
// written from the spec's sentences alone (spec-model.ts), device and labels included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionizeInputs } from '../../../../cli/batch.js';
import { toSessionView } from '../../../../functions/domain/views/session-view.js';
import { propertyRuns } from '../../../helpers/integration-property.js';
import { bytesOf, chunked } from '../../reading/archives.js';
import { modelSessions } from './spec-model.js';
import { browserOf, filesOf, rulesArb, scenarioArb, textOf, withVariants } from './spec-model-arbitraries.js';

// PROPERTY_RUNS=5000 for a longer search.
const RUNS = propertyRuns(300);

describe('the batch against an independent model of the spec', () => {
  it('agrees on rules 5, 7, 8 and 9', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, rulesArb, async ({ objects, variants, fileOf }, rules) => {
        const all = withVariants(objects, variants);
        const texts = all.map(textOf);
        const files = filesOf(texts, all, fileOf);
        const result = await sessionizeInputs(
          files.map((lines, i) => ({
            name: `f${i}.ndjson`,
            open: () => chunked(bytesOf(`${lines.join('\n')}\n`), [1024]),
          })),
          { rules, inputFormat: 'auto', browserOf },
        );
        const actual = result.sessions.map(toSessionView).map(({ sessionId: _, ...rest }) => rest);
        expect(actual).toEqual(
          modelSessions(
            texts.map((t) => JSON.parse(t)),
            rules,
            browserOf,
          ),
        );
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});
