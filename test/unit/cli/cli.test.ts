import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  conformanceCases,
  type ExpectedSession,
  pickExpected,
  seedExampleCase,
} from '../../helpers/conformance-cases.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/sessionize.mjs');
const SEED = seedExampleCase();
const SEED_EVENTS = join(SEED.dir, 'events.json');
// Each run starts node twice (launcher, then tsx); two cores shared with other test files.
const CLI_TIMEOUT_MS = 90_000;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, timeout: CLI_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) resolve({ code: 0, stdout, stderr });
        // A non-numeric code means the CLI never ran to an exit (spawn failure, timeout kill).
        else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
        else reject(error);
      },
    );
  });
}

interface JsonOutput {
  sessions: (ExpectedSession & Record<string, unknown>)[];
  rejected: { file: string; position: number; index?: number; reason: string; raw: string }[];
  errors: { file: string; error: string }[];
}

const CASES = conformanceCases().map(
  (testCase) =>
    [testCase.name, { ...testCase, files: testCase.files.map((file) => join(testCase.dir, file)) }] as const,
);

describe('sessionize CLI', { concurrent: true, timeout: CLI_TIMEOUT_MS + 10_000 }, () => {
  let scratch: string;
  let notJson: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sessionize-cli-'));
    notJson = join(scratch, 'notes.txt');
    await writeFile(notJson, '# Notes\nthis is not an export\n');
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it.for(CASES)(
    'prints the expected sessions and rejections of %s as JSON',
    async ([, { files, gapMinutes, expected }], { expect }) => {
      const { code, stdout } = await runCli(['--format', 'json', '--gap', String(gapMinutes), ...files]);

      expect(code).toBe(0);
      const output = JSON.parse(stdout) as JsonOutput;
      expect(output.sessions.map(pickExpected)).toEqual(expected.sessions);
      expect(output.rejected).toHaveLength(expected.rejected);
      for (const rejection of output.rejected) {
        expect(files).toContain(rejection.file);
        expect(rejection.reason).not.toBe('');
      }
      expect(output.errors).toEqual([]);
    },
  );

  it('prints CSV with a header and one row per session', async ({ expect }) => {
    const { code, stdout } = await runCli(['--format', 'csv', SEED_EVENTS]);

    const lines = stdout.trimEnd().split('\n');
    expect(code).toBe(0);
    expect(lines[0]).toBe(
      'userId,sessionNumber,sessionId,startedAt,endedAt,durationSeconds,eventCount,firstEvent,lastEvent',
    );
    expect(lines).toHaveLength(1 + SEED.expected.sessions.length);
    expect(lines).toContain(
      'user_001,2,20240102T083000000Z,2024-01-02T08:30:00.000Z,2024-01-02T08:35:00.000Z,300,2,Login,Feature Used',
    );
  });

  it('prints a table by default, with a row per session and a summary', async ({ expect }) => {
    const { code, stdout } = await runCli([SEED_EVENTS]);

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^user_001 +2 +2024-01-02T08:30:00\.000Z +2024-01-02T08:35:00\.000Z +2 +300 +Login +Feature Used$/m,
    );
    expect(stdout).toContain('4 session(s) of 3 user(s) from 6 accepted event(s) in 1 file(s); 0 rejected.');
  });

  it('names a missing and a non-JSON file on stderr, exits 1, and still prints the other files', async ({
    expect,
  }) => {
    const missing = join(scratch, 'missing.json');

    const { code, stdout, stderr } = await runCli(['--format', 'json', missing, notJson, SEED_EVENTS]);

    expect(code).toBe(1);
    expect(stderr).toContain(`sessionize: ${missing}: cannot read`);
    expect(stderr).toMatch(
      new RegExp(`sessionize: ${notJson.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*not a JSON`),
    );
    const output = JSON.parse(stdout) as JsonOutput;
    expect(output.sessions.map(pickExpected)).toEqual(SEED.expected.sessions);
    expect(output.errors.map((error) => error.file)).toEqual([missing, notJson]);
  });

  it.for([
    ['--gap', ['--gap', 'abc', SEED_EVENTS], /--gap must be a number/],
    ['--format', ['--format', 'xml', SEED_EVENTS], /--format must be one of table, json, csv/],
  ] as const)('exits 2 naming the option for a bad %s', async ([, args, message], { expect }) => {
    const { code, stdout, stderr } = await runCli(args);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage: sessionize');
    expect(stdout).toBe('');
  });

  it('prints the usage and exits 0 for --help', async ({ expect }) => {
    const { code, stdout } = await runCli(['--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: sessionize \[--gap MINUTES\] \[--format table\|json\|csv\] FILE\.\.\./);
  });
});
