// `npm run replay`: its options, and a deployed stage found through its stacks' outputs.
import { execFileSync } from 'node:child_process';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { redriveCommand, runReplay } from '../../../scripts/replay/command.js';
import { nothingListedHint } from '../../../scripts/replay/nothing-listed.js';
import { parseReplayOptions } from '../../../scripts/replay/options.js';
import {
  cloudFormationMock,
  freshReplayMocksEachTest,
  mockDeployedStage,
  runReplayPrinting as run,
  sentBatches,
  serveListing,
  serveVersions,
} from './replay-mocks.js';

freshReplayMocksEachTest();

describe('npm run replay', () => {
  it('names itself npm run dlq when run as that, so its errors name the command typed', async () => {
    // npm run dlq is replay --from-dlq --dry-run: "replay: --since does not apply..." named a command never typed.
    const err: string[] = [];
    const status = await runReplay(['--from-dlq', '--dry-run', '--since', '2024-01-01'], {
      out: () => {},
      err: (line) => err.push(line),
      env: { npm_lifecycle_event: 'dlq' },
    });

    expect(status).toBe(2);
    expect(err.join('\n')).toMatch(/^dlq: --since does not apply to the dead-letter queue/);
  });

  it.each([
    [
      ['--since', '2024-02-30'],
      '--since must be a day as YYYY-MM-DD, not "2024-02-30" (2024-02 has no day 30)',
    ],
    // Written as asked: saying only "must be YYYY-MM-DD" would not tell what is wrong with it.
    [
      ['--since', '2024-13-01'],
      '--since must be a day as YYYY-MM-DD, not "2024-13-01" (there is no month 13)',
    ],
    [['--since', '2024-1-5'], '--since must be a day as YYYY-MM-DD, not "2024-1-5"'],
    [
      ['--from-dlq', '--since', '2024-01-01'],
      '--since does not apply to the dead-letter queue (use --prefix to pick dead letters)',
    ],
    // Not the local advice: --prefix is refused with --from-dlq on AWS.
    [
      ['--stage', 'dev', '--from-dlq', '--since', '2024-01-01'],
      '--since does not apply to --from-dlq on AWS: SQS moves the whole dead-letter queue',
    ],
    [
      ['--stage', 'dev', '--from-dlq', '--prefix', 'incoming/'],
      '--prefix does not apply to --from-dlq on AWS',
    ],
    [['--region', 'eu-west-1'], '--region applies to a deployed stage only'],
    [['--bucket', 'x'], "Unknown option '--bucket'"],
    // parseArgs keeps the last of a repeated option: the first stage or prefix would be dropped unsaid.
    [['--stage', 'dev', '--stage', 'prod', '--dry-run'], '--stage is given twice; give it once'],
    [
      ['--prefix', 'incoming/', '--prefix', 'segment-logs/'],
      '--prefix is given twice; give it once (a replay takes one prefix: run it once for each)',
    ],
    [
      ['--stage', 'dev', '--since=2024-01-01', '--since', '2024-02-01'],
      '--since is given twice; give it once',
    ],
    // What it was given is shown as its escape, not raw to the terminal.
    [['--x\t\u202e'], "Unknown option '--x\\t\\u202e'"],
  ])('refuses %j with status 2', async (argv, problem) => {
    const result = await run(argv);

    expect(result.status).toBe(2);
    expect(result.err).toContain(problem);
    // The error alone, then where the help is: the whole help after it would scroll it out of view.
    expect(result.err).toMatch(/\nTry 'npm run replay -- --help' for the options\.$/);
    expect(result.err).not.toContain('Usage:');
  });

  it('enqueues into the stage named by --stage, found through its stacks’ outputs', async () => {
    mockDeployedStage();
    serveListing([{ key: 'segment-logs/s/1.gz' }, { key: 'segment-logs/s/manifest.json' }]);

    const result = await run(['--stage', 'dev', '--region', 'eu-west-1', '--prefix', 'segment-logs/']);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(result.out).toBe(
      [
        'enqueued 1 object:',
        '  s3://events-bucket/segment-logs/s/1.gz  (100 bytes, modified 2024-03-01T00:00:00.000Z)',
        'skipped 1 object the ingest does not read:',
        '  s3://events-bucket/segment-logs/s/manifest.json  (an export manifest, not an export)',
      ].join('\n'),
    );
    expect(sentBatches().flat()).toHaveLength(1);
  });

  it('lists each version it enqueues from a bucket that keeps versions', async () => {
    mockDeployedStage();
    serveVersions([
      { key: 'incoming/a.ndjson', versionId: 'v2', latest: true, modified: '2024-03-02T00:00:00Z' },
      { key: 'incoming/a.ndjson', versionId: 'v1', modified: '2024-03-01T00:00:00Z' },
      { key: 'incoming/a.ndjson', versionId: 'v0', modified: '2024-01-01T00:00:00Z' },
    ]);

    const result = await run([
      '--stage',
      'dev',
      '--region',
      'eu-west-1',
      '--since',
      '2024-02-01',
      '--dry-run',
    ]);

    expect(result).toMatchObject({ status: 0, err: '' });
    expect(result.out).toBe(
      [
        'would enqueue 2 object versions (dry run: nothing enqueued):',
        '  s3://events-bucket/incoming/a.ndjson  (version v2, 100 bytes, modified 2024-03-02T00:00:00.000Z)',
        '  s3://events-bucket/incoming/a.ndjson  (version v1, noncurrent, 100 bytes, modified 2024-03-01T00:00:00.000Z)',
        'left out 1 object version modified before --since',
      ].join('\n'),
    );
    expect(sentBatches()).toEqual([]);
  });

  it('shows the keys it lists with their unseen characters as escapes, so none reaches the terminal raw', async () => {
    // A key can hold any character: ESC sequences reached the terminal, U+202E reordered the line.
    mockDeployedStage();
    serveVersions([
      { key: 'incoming/a\u001b[2Jb.ndjson', versionId: 'v1', latest: true },
      { key: 'incoming/\u202edlrow\\.ndjson', versionId: 'v1', latest: true },
      { key: 'incoming/x\u009b/', versionId: 'v1', latest: true },
    ]);

    const result = await run([
      '--stage',
      'dev',
      '--region',
      'eu-west-1',
      '--prefix',
      'incoming/',
      '--dry-run',
    ]);

    expect(result.out.split('\n').map((line) => line.replace(/ {2}\(.*\)$/, ''))).toEqual([
      'would enqueue 2 object versions (dry run: nothing enqueued):',
      '  s3://events-bucket/incoming/a\\x1b[2Jb.ndjson',
      '  s3://events-bucket/incoming/\\u202edlrow\\\\.ndjson',
      'skipped 1 object the ingest does not read:',
      '  s3://events-bucket/incoming/x\\x9b/',
    ]);

    // Nor the folders it names when the prefix lists nothing.
    const nothing = await run(['--stage', 'dev', '--region', 'eu-west-1', '--prefix', 'incoming/none/']);
    expect(nothing.out).toContain("the bucket's objects are under incoming/");
    serveVersions([{ key: 'in\u001bcoming/a.ndjson', versionId: 'v1', latest: true }]);
    const elsewhere = await run(['--stage', 'dev', '--region', 'eu-west-1', '--dry-run']);
    expect(elsewhere.out).toContain("the bucket's objects are under in\\x1bcoming/");
  });

  it("says, when a stage's replay lists nothing, that the bucket is empty or where its objects are", async () => {
    mockDeployedStage();
    serveListing([], 10);
    const empty = await run(['--stage', 'dev', '--region', 'eu-west-1', '--dry-run']);

    expect(empty).toMatchObject({ status: 0, err: '' });
    expect(empty.out).toBe(
      [
        'would enqueue 0 objects (dry run: nothing enqueued)',
        'no object is under the source prefixes (incoming/, segment-logs/, rudder-logs/): the bucket is empty. ' +
          'Export files uploaded under a source prefix (`aws s3 cp FILE s3://events-bucket/incoming/`) are ' +
          'ingested as they arrive',
      ].join('\n'),
    );

    serveListing([{ key: 'exports/a.ndjson' }, { key: 'incoming/2023/b.ndjson' }], 10);
    const typo = await run(['--stage', 'dev', '--region', 'eu-west-1', '--prefix', 'incoming/2024/']);
    expect(typo.out).toBe(
      [
        'enqueued 0 objects',
        'no object is under --prefix "incoming/2024/": the bucket\'s objects are under exports/, incoming/',
      ].join('\n'),
    );
    expect(sentBatches()).toEqual([]);
  });

  it("refuses a --prefix that reaches none of the stage's sources as a usage error, escaped once", async () => {
    mockDeployedStage();
    serveListing([{ key: 'incoming/a.ndjson' }]);
    const result = await run(['--stage', 'dev', '--region', 'eu-west-1', '--prefix', 'rej\t\u202e/']);

    // Known only once the stage's sources are read, but the argument is at fault all the same.
    expect(result).toMatchObject({ status: 2, out: '' });
    expect(result.err).toBe(
      'replay: --prefix "rej\\t\\u202e/" selects no source of this stage; its sources are incoming/, segment-logs/, rudder-logs/\n' +
        "Try 'npm run replay -- --help' for the options.",
    );
    expect(sentBatches()).toEqual([]);
  });

  it('names the deployed stages for an unknown one, and says when the stack is missing', async () => {
    cloudFormationMock
      .on(DescribeStacksCommand)
      .rejects(new Error('Stack with id Sessionizer-prod-Stateful does not exist'));

    const unknown = await run(['--stage', 'staging', '--region', 'eu-west-1']);
    const missing = await run(['--stage', 'prod', '--region', 'eu-west-1', '--dry-run']);

    // A bad argument (2), found before any AWS call: without a region it said "Region is missing".
    expect(unknown.status).toBe(2);
    expect(unknown.err).toContain('--stage staging is not a deployed stage; the stages are dev, prod');
    const noRegion = await run(['--stage', 'bogus', '--dry-run']);
    expect(noRegion.status).toBe(2);
    expect(noRegion.err).toContain('--stage bogus is not a deployed stage');
    expect(missing.status).toBe(1);
    expect(missing.err).toContain('Could not read stack Sessionizer-prod-Stateful');
  });

  it('says how to give the region when none is configured', async () => {
    const saved = { ...process.env };
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[name];
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
    try {
      const result = await run(['--stage', 'dev', '--dry-run']);
      const dlq = await run(['--stage', 'dev', '--from-dlq', '--dry-run']);

      for (const { status, err } of [result, dlq]) {
        expect(status).toBe(1);
        expect(err).toBe(
          "replay: no AWS region for stage dev: pass --region REGION, or set AWS_REGION (or your profile's region)",
        );
      }
    } finally {
      process.env = saved;
    }
  });

  it('suggests a redrive of what a local dry run listed: the same prefix, on the same data dir', () => {
    expect(redriveCommand(undefined, {})).toBe('npm run replay -- --from-dlq');
    expect(redriveCommand('incoming/', {})).toBe('npm run replay -- --from-dlq --prefix=incoming/');
    expect(redriveCommand("incoming/it's/", { SESSIONIZER_DATA_DIR: '/tmp/other-data' })).toBe(
      "SESSIONIZER_DATA_DIR=/tmp/other-data npm run replay -- --from-dlq --prefix='incoming/it'\\''s/'",
    );
  });

  describe('when a local replay lists nothing at all', () => {
    const sourcePrefixes = ['incoming/', 'segment-logs/'];
    const listedNothing = (bucketPrefixes: string[], bucketObjects: number) => ({
      objects: [],
      skipped: [],
      older: 0,
      bucketPrefixes,
      bucketObjects,
      sourcePrefixes,
      dryRun: true,
      fromDeadLetterQueue: false,
    });

    it('says that the bucket is empty and how files get there, with a prefix or without', () => {
      const empty = listedNothing([], 0);
      const fill =
        'the bucket is empty. `npm run upload -- FILE...` puts export files under incoming/, as does copying ' +
        'them into the drop folder (.sessionizer/drop/ unless npm start was given SESSIONIZER_DROP_DIR)';
      expect(nothingListedHint(empty, undefined, {})).toBe(
        `no object is under the source prefixes (incoming/, segment-logs/): ${fill}`,
      );
      expect(nothingListedHint(empty, 'incomng/', {})).toBe(
        `no object is under --prefix "incomng/": ${fill}`,
      );
      // The upload goes to the stack the replay asked, on its data dir.
      expect(nothingListedHint(empty, undefined, { SESSIONIZER_DATA_DIR: '/tmp/other data' })).toContain(
        "`SESSIONIZER_DATA_DIR='/tmp/other data' npm run upload -- FILE...` puts export files under incoming/, " +
          'as does copying them into the drop folder (/tmp/other data/drop/ unless',
      );
    });

    it("names the bucket's folders when it holds objects elsewhere", () => {
      expect(nothingListedHint(listedNothing(['exports/'], 3), undefined, {})).toBe(
        "no object is under the source prefixes (incoming/, segment-logs/): the bucket's objects are under exports/",
      );
      expect(nothingListedHint(listedNothing([], 2), 'incomng/', {})).toBe(
        'no object is under --prefix "incomng/": the bucket holds none in a folder',
      );
    });

    it('shows a --prefix with control characters escaped, as it shows keys', () => {
      // JSON's quotes left U+202E raw, reordering the line.
      expect(nothingListedHint(listedNothing([], 2), 'a\t\u202e/', {})).toBe(
        'no object is under --prefix "a\\t\\u202e/": the bucket holds none in a folder',
      );
    });

    it('says nothing when the listing found objects', () => {
      const found = { objects: [], skipped: [], older: 2, dryRun: false, fromDeadLetterQueue: false };
      expect(nothingListedHint(found, undefined, {})).toBeUndefined();
    });
  });

  it.each([
    'incoming/',
    'incoming/my exports/',
    "incoming/it's/",
    'incoming/"q"/',
    'incoming/$HOME/`id`/',
    'incoming/*; echo x/',
    '-incoming/',
    '',
    // Ending in a newline: written in $'...', which this machine's sh (dash 0.5.12) did not read.
    'incoming/ends\n',
    'incoming/tab\there\u202e\n\n',
  ])('suggests a redrive that a shell hands back the prefix %j exactly', (prefix) => {
    const command = redriveCommand(prefix, {});
    const args = command.replace(/^npm run replay -- /, '');
    // The shell's own reading of the suggested arguments, one NUL-terminated word each.
    const words = execFileSync('sh', ['-c', `set -- ${args}; for a; do printf '%s\\0' "$a"; done`], {
      encoding: 'utf8',
    });
    const parsed = parseReplayOptions(words.split('\0').slice(0, -1));
    expect(parsed).toMatchObject({ fromDeadLetterQueue: true, prefix });
  });

  it('takes a flag given twice, as `npm run dlq -- --dry-run` passes it', () => {
    expect(parseReplayOptions(['--from-dlq', '--dry-run', '--dry-run'])).toMatchObject({
      dryRun: true,
      fromDeadLetterQueue: true,
    });
  });

  it('parses the local defaults', () => {
    expect(parseReplayOptions(['--dry-run'])).toEqual({
      stage: undefined,
      region: undefined,
      prefix: undefined,
      since: undefined,
      dryRun: true,
      fromDeadLetterQueue: false,
    });
  });
});
