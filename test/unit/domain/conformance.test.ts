import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BatchInput, sessionizeInputs } from '../../../cli/batch.js';
import { createBrowserOf } from '../../../functions/domain/events/browser.js';
import { caseOptions, caseRules, expectedOutcome } from '../../helpers/case-options.js';
import { conformanceCases, seedExampleCase, specEdgeCases } from '../../helpers/conformance-cases.js';
import { asExpectedSessions } from '../../helpers/session-expectations.js';

const CASES = [...conformanceCases(), ...specEdgeCases(), seedExampleCase()].sort((a, b) =>
  a.name < b.name ? -1 : 1,
);

describe('sessionizeInputs on the conformance and spec-edge cases', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    'reproduces %s',
    async (_, testCase) => {
      const options = caseOptions(testCase);
      const expected = expectedOutcome(testCase);
      const inputs: BatchInput[] = testCase.files.map((file) => ({
        name: file,
        open: () => createReadStream(join(testCase.dir, file)),
      }));

      const result = await sessionizeInputs(inputs, {
        rules: caseRules(options),
        inputFormat: options.inputFormat ?? 'auto',
        browserOf: createBrowserOf(),
      });

      expect(asExpectedSessions(result.sessions, expected.sessions)).toEqual(expected.sessions);
      expect(result.rejected).toHaveLength(expected.rejected);
      const fileErrors = result.files.flatMap((file) =>
        file.error === undefined ? [] : [{ file: file.file, reason: file.error }],
      );
      expect(fileErrors).toEqual(expected.fileErrors ?? []);
    },
  );

  it('gives the same sessions when the files arrive in reverse order', async () => {
    const testCase = CASES.find((candidate) => candidate.name === 'random-split');
    if (testCase === undefined) throw new Error('the random-split case is missing');
    const inputsOf = (files: readonly string[]) =>
      files.map((file) => ({ name: file, open: () => createReadStream(join(testCase.dir, file)) }));
    const options = {
      rules: caseRules(caseOptions(testCase)),
      inputFormat: 'auto',
      browserOf: () => null,
    } as const;

    const forward = await sessionizeInputs(inputsOf(testCase.files), options);
    const backward = await sessionizeInputs(inputsOf([...testCase.files].reverse()), options);

    expect(backward.sessions).toEqual(forward.sessions);
    expect(backward.distinct).toBe(forward.distinct);
  });
});
