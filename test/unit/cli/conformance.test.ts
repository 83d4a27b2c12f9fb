import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, runCli } from '../../helpers/built-cli.js';
import { caseOptions, cliArguments, expectedOutcome } from '../../helpers/case-options.js';
import { conformanceCases, seedExampleCase, specEdgeCases } from '../../helpers/conformance-cases.js';

const CASES = [...conformanceCases(), ...specEdgeCases(), seedExampleCase()].sort((a, b) =>
  a.name < b.name ? -1 : 1,
);
const ALWAYS = ['userId', 'sessionNumber', 'startedAt', 'endedAt', 'eventCount'];

interface JsonOutput {
  sessions: Record<string, unknown>[];
  rejected: unknown[];
  fileErrors: { file: string; reason: string }[];
}

describe('the built sessionize CLI on the conformance and spec-edge cases', () => {
  beforeAll(ensureCliBuilt, 120_000);

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    'reproduces %s',
    async (_, testCase) => {
      const expected = expectedOutcome(testCase);
      const args = ['--format', 'json', ...cliArguments(caseOptions(testCase)), ...testCase.files];

      const run = await runCli(args, { cwd: testCase.dir });

      const output = JSON.parse(run.stdout) as JsonOutput;
      const fields = [
        ...new Set([...ALWAYS, ...expected.sessions.flatMap((session) => Object.keys(session))]),
      ];
      const sessions = output.sessions.map((session) =>
        Object.fromEntries(fields.map((field) => [field, session[field]])),
      );
      expect(sessions).toEqual(expected.sessions);
      expect(output.rejected).toHaveLength(expected.rejected);
      expect(output.fileErrors).toEqual(expected.fileErrors ?? []);
      expect(run.code).toBe(expected.fileErrors === undefined ? 0 : 1);
    },
  );
});
