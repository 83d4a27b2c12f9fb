// A stack started with sources of its own (SESSIONIZER_SOURCES) and its own data dir: the upload its banner
// suggests, typed in another terminal that has none of the stack's variables, must reach a source prefix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ports, ROOT, runScript, StackProcess, startOnFreePorts } from '../helpers/local-servers.js';
import { sessionsOf, waitUntil } from './local-stack-harness.js';

const SOURCES = '[{"name":"exports","prefix":"exports/","format":"auto"}]';

/** A second terminal: none of the variables the stack was started with. */
const otherTerminal = { SESSIONIZER_DATA_DIR: '', SESSIONIZER_SOURCES: '', S3_PORT: '' };

describe('npm start with SESSIONIZER_SOURCES', () => {
  let dataDir: string;
  let ports: Ports;
  let stack: StackProcess | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-sources-'));
    ({ stack, ports } = await startOnFreePorts((candidate) =>
      StackProcess.start(['npm', 'start'], candidate, {
        SESSIONIZER_DATA_DIR: dataDir,
        SESSIONIZER_SOURCES: SOURCES,
      }),
    ));
  });

  afterAll(() => {
    stack?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("ingests the sample through the banner's upload command, typed as printed", async () => {
    const line = /^ {2}((?:[A-Z0-9_]+=\S+ )*)npm run upload -- (\S+)$/m.exec((stack as StackProcess).output);
    expect(line, (stack as StackProcess).output).not.toBeNull();
    const assignments = (line?.[1] ?? '').trim().split(' ').filter(Boolean);
    const env = Object.fromEntries(assignments.map((pair) => pair.split('=', 2) as [string, string]));

    const upload = await runScript('upload', [line?.[2] as string], ROOT, { ...otherTerminal, ...env });

    expect(upload.status, upload.stderr).toBe(0);
    expect(upload.stdout).toContain('s3://sessionizer-local/exports/sample-export.ndjson');
    const sessions = await waitUntil('the sample user', 20_000, () =>
      sessionsOf(`http://127.0.0.1:${ports.api}`, 'user_1001'),
    );
    expect(sessions).toHaveLength(2);
  }, 60_000);

  it("puts an upload under the running stack's first source, and names its sources, without SESSIONIZER_SOURCES", async () => {
    const result = await runScript('upload', ['--prefix', 'incoming/', 'events/sample-export.ndjson'], ROOT, {
      ...otherTerminal,
      SESSIONIZER_DATA_DIR: dataDir,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'incoming/sample-export.ndjson is stored but not ingested: not under any source prefix (exports/)',
    );
  }, 30_000);

  it('says that the sources of a stack named by S3_PORT alone are unknown, rather than imply its upload is ingested', async () => {
    // The example of docs/local.md, typed for a stack that runs on a data dir of its own.
    const result = await runScript('upload', ['events/sample-export.ndjson'], ROOT, {
      ...otherTerminal,
      S3_PORT: String(ports.s3),
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('s3://sessionizer-local/incoming/sample-export.ndjson');
    expect(result.stderr).toContain(
      `uses S3_PORT=${ports.s3}, so the sources of the one that does are not known`,
    );
    expect(result.stderr).toContain('Give its SESSIONIZER_DATA_DIR instead of S3_PORT');
  }, 30_000);
});
