// `sessionize events/`, as a newcomer tries the sample folder: events/lambda/ holds the functions' sample
// AWS Lambda test events, no exports. Each is told for what it is: skipped in a folder (the run exits 0),
// a file error that says so when named itself. A file only the events' shape tells apart is recognised:
// any other object over several lines is still no export, and an export beside them is read.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, REPO, runCli } from '../../helpers/built-cli.js';

beforeAll(ensureCliBuilt, 120_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionize-lambda-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const lambdaEvents = async () => (await readdir(join(REPO, 'events', 'lambda'))).sort();

describe('the sample folder events/', () => {
  it('is read with its Lambda test events skipped as such, and the run exits 0', async () => {
    const run = await runCli(['events/']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('no line is JSON');
    const names = await lambdaEvents();
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) {
      expect(run.stdout).toMatch(
        new RegExp(
          `^ {2}events/lambda/${name.replaceAll('.', '\\.')}: skipped, an AWS Lambda test event \\((aws:sqs|API Gateway)\\), not an export$`,
          'm',
        ),
      );
    }
    expect(run.stdout).toMatch(/^10 sessions of 6 users /m);
    // Skipped, as events/lambda/'s are, a file is no more one read than a manifest skipped by its name.
    const exports = (await readdir(join(REPO, 'events'), { withFileTypes: true })).filter((entry) =>
      entry.isFile(),
    );
    expect(run.stdout).toContain(`in ${exports.length} files (a ZIP archive read as its 2 members);`);
  }, 60_000);

  it('says so in the file error of a Lambda test event named itself, which exits 1', async () => {
    const run = await runCli(['events/lambda/sqs-s3-object-created.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "sessionize: events/lambda/sqs-s3-object-created.json: no line is JSON: it is an AWS Lambda test event (aws:sqs), not an export (a function's sample input)\n",
    );
  }, 60_000);
});

describe('a gzipped Lambda test event', () => {
  it('is told apart once decompressed: skipped in a folder, a file error saying so when named', async () => {
    const folder = join(dir, 'gzipped');
    await mkdir(folder);
    const sample = await readFile(join(REPO, 'events', 'lambda', 'sqs-s3-object-created.json'));
    await writeFile(join(folder, 'sqs.json.gz'), gzipSync(sample));
    const event = { type: 'track', userId: 'u-1', timestamp: '2024-01-01T09:00:00Z', messageId: 'm-1' };
    await writeFile(join(folder, 'day.ndjson'), `${JSON.stringify(event)}\n`);

    const inFolder = await runCli([folder]);
    expect(inFolder.code, inFolder.stderr).toBe(0);
    expect(inFolder.stdout).toContain(
      `${join(folder, 'sqs.json.gz')}: skipped, an AWS Lambda test event (aws:sqs), not an export`,
    );
    const named = await runCli([join(folder, 'sqs.json.gz')]);
    expect(named.code).toBe(1);
    expect(named.stderr).toBe(
      `sessionize: ${join(folder, 'sqs.json.gz')}: no line is JSON: it is an AWS Lambda test event (aws:sqs), not an export (a function's sample input)\n`,
    );
  }, 60_000);
});

describe('a folder of other objects over several lines', () => {
  it('keeps them file errors: only a Lambda test event is skipped, and an export beside it is read', async () => {
    const folder = join(dir, 'mixed');
    await mkdir(folder);
    const event = { type: 'track', userId: 'u-1', timestamp: '2024-01-01T09:00:00Z', messageId: 'm-1' };
    // An export wrapped in an object, pretty-printed: no Lambda event, though it holds Records.
    await writeFile(join(folder, 'wrapped.json'), JSON.stringify({ Records: [event] }, null, 2));
    await writeFile(
      join(folder, 'sqs.json'),
      JSON.stringify({ Records: [{ eventSource: 'aws:sqs', body: '{}' }] }, null, 2),
    );
    await writeFile(join(folder, 'day.ndjson'), `${JSON.stringify(event)}\n`);
    const run = await runCli([folder]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${join(folder, 'wrapped.json')}: no line is JSON (an export is NDJSON`);
    expect(run.stdout).toContain(
      `${join(folder, 'sqs.json')}: skipped, an AWS Lambda test event (aws:sqs), not an export`,
    );
    expect(run.stdout).toMatch(/^1 session of 1 user .* in 2 files; /m);
  }, 60_000);
});
