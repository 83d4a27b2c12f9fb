// `npm start -- --port 3100`, as a dev server would take it: the stack is configured by environment variables
// only, so an argument must stop it with the variable to set, not start it on another port without a word.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeControlOfEscaped } from '../../../contract/visible-text.js';
import { startArguments } from '../../../local/start-arguments.js';

describe('npm start arguments', () => {
  it.each([
    [['--port', '3100'], 'PORT=3100 npm start'],
    [['--port=3100'], 'PORT=3100 npm start'],
    [['--s3-port', '4570'], 'S3_PORT=4570 npm start'],
    [['--data-dir', '/tmp/x'], 'SESSIONIZER_DATA_DIR=/tmp/x npm start'],
    [['--gap', '20'], 'SESSION_GAP_MINUTES=20 npm start'],
    [['--stitch'], 'IDENTITY_STITCHING=true npm start'],
    [['--max-session', '60'], 'SESSION_MAX_MINUTES=60 npm start'],
    [['--ingest-batch-size', '2'], 'INGEST_BATCH_SIZE=2 npm start'],
  ])('refuses %j and names the variable to set instead', (args, instead) => {
    const answer = startArguments(args, {});

    expect(answer).toMatchObject({ status: 2 });
    expect(answer?.text).toContain(`npm start takes no arguments (got ${args.join(' ')})`);
    expect(answer?.text).toContain(`${instead}`);
  });

  it('refuses an argument that names no variable, pointing to the list of them', () => {
    const answer = startArguments(['--verbose'], {});

    expect(answer).toMatchObject({ status: 2 });
    expect(answer?.text).toContain('npm start takes no arguments (got --verbose)');
    expect(answer?.text).toContain('docs/local.md');
  });

  it('answers --help with how to configure it, on stdout', () => {
    expect(startArguments(['--help'])).toMatchObject({ status: 0, text: expect.stringContaining('PORT') });
    expect(startArguments(['-h'])).toMatchObject({ status: 0 });
  });

  it('lists in its help the variables of docs/local.md, "Configuration"', () => {
    const doc = readFileSync(new URL('../../../docs/local.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('## Configuration'), doc.indexOf('### Sources'));
    const documented = [...table.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((match) => match[1]);
    const listed = (startArguments(['--help'])?.text ?? '').split('\n').at(-1)?.trim().split(', ');

    expect(documented.length).toBeGreaterThan(10);
    expect(listed).toEqual(documented);
  });

  it('goes on with no arguments', () => {
    expect(startArguments([])).toBeUndefined();
  });

  it('stops npm start before anything starts', () => {
    // A bad variable beside it: the old start would stop on that instead, or start with the argument ignored.
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/main.ts', '--port', '3100'], {
      encoding: 'utf8',
      env: { ...process.env, INGEST_BATCH_SIZE: '0' },
      timeout: 60_000,
    });

    expect(result.stderr).toContain('npm start takes no arguments (got --port 3100)');
    // In the start this environment gives, but for the variable the stack refuses, which is said instead.
    expect(result.stderr).toContain(
      'for this one, PORT=3100 npm start; left out, as the stack refuses it: INGEST_BATCH_SIZE must be from 1 to 10',
    );
    expect(result.status).toBe(2);
  }, 90_000);
});

describe('npm start arguments it refuses, shown', () => {
  it('escapes control characters in what it was given, as the other usage errors do', () => {
    const text = startArguments(['--verbose\u001b[31m', 'a\\tb', 'c\td'], {})?.text ?? '';

    // A typed backslash shows doubled, so that it reads apart from the escape of a tab.
    expect(text).toContain('npm start takes no arguments (got --verbose\\x1b[31m a\\\\tb c\\td)');
    // Nothing left raw for a terminal to act on.
    expect(escapeControlOfEscaped(text)).toBe(text);
  });

  it('escapes control characters in the variable it names instead', () => {
    const text = startArguments(['--data-dir', '/tmp/a\u202eb\tc'], {})?.text ?? '';

    expect(text).toContain('(got --data-dir /tmp/a\\u202eb\\tc)');
    // In printf's escapes, which any POSIX sh reads back as the value: '\t' in single quotes is a backslash.
    expect(text).toContain(`SESSIONIZER_DATA_DIR="$(printf '/tmp/a\\342\\200\\256b\\tc')" npm start`);
    expect(escapeControlOfEscaped(text)).toBe(text);
  });
});

describe('the start it suggests, read by a shell', () => {
  /** The variables the suggested start sets, as `shell` reads them. */
  const readBack = (shell: string, value: string): string | undefined => {
    const text = startArguments(['--data-dir', value], {})?.text ?? '';
    const words = /for this one, (.*) npm start \(docs/s.exec(text)?.[1] ?? '';
    const print = `${process.execPath} -e 'process.stdout.write(JSON.stringify(process.env.SESSIONIZER_DATA_DIR))'`;
    const result = spawnSync(shell, ['-c', `${words} ${print}`], { encoding: 'utf8' });
    return result.stdout === '' ? undefined : JSON.parse(result.stdout);
  };
  // printf's escapes in a command substitution: read by any sh, dash (this machine's sh) included.
  it.each([
    '/tmp/a\u202eb\tc',
    "/tmp/it's \u001b[31m red\\n",
    '/tmp/new\nline\r',
    '/tmp/with space/ü',
    "/tmp/back\\slash and 'quotes'",
    '/tmp/\u0001\u007f\u0085\u200b',
    '/tmp/100%\t%s\u00857',
  ])('gives back %j', (value) => {
    expect(readBack('bash', value)).toBe(value);
    expect(readBack('sh', value)).toBe(value);
  });

  // A command substitution would drop them, and $'...' was written instead, which dash reads only from 0.5.13
  // (this machine's sh is older: it read a dollar sign and a quoted word). Now a newline ending the value is
  // written as it is, in single quotes, which every sh reads.
  it.each(['/tmp/ends\tin\n', '/tmp/plain\n\n', "/tmp/it's\u202e\n", '\n'])(
    'gives back %j, a value ending in a newline, in sh (dash) too',
    (value) => {
      expect(readBack('bash', value)).toBe(value);
      expect(readBack('sh', value)).toBe(value);
    },
  );
});
