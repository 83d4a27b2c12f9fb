// The drop folder: complete files are uploaded once and moved to done/; temporary names are left alone.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../../contract/index.js';
import { type DropFolder, watchDropFolder } from '../../../local/drop-folder.js';
import { dropKey, startDropFolder } from '../../../local/drop-uploads.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let dir: string;
let folder: DropFolder | undefined;

afterEach(async () => {
  await folder?.stop();
  folder = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('watchDropFolder', () => {
  it('uploads a complete file once, then moves it to done/; ignores dotfiles and temporary names', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    const uploads: string[] = [];
    folder = watchDropFolder({
      dir,
      intervalMs: 20,
      upload: async (_path, name) => {
        uploads.push(name);
        return `incoming/${name}`;
      },
    });
    writeFileSync(join(dir, 'a file.ndjson'), '{}');
    writeFileSync(join(dir, '.hidden'), '{}');
    writeFileSync(join(dir, 'b.ndjson.tmp'), '{}');
    await waitFor('the upload', () => existsSync(join(dir, 'done', 'a file.ndjson')));
    await sleep(100);
    expect(uploads).toEqual(['a file.ndjson']);
    expect(existsSync(join(dir, 'a file.ndjson'))).toBe(false);
    expect(existsSync(join(dir, 'b.ndjson.tmp'))).toBe(true);
  });

  it('waits while a file is still growing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    const uploaded: string[] = [];
    folder = watchDropFolder({
      dir,
      // Far longer than the pauses between writes below, so no poll sees the file unchanged until done.
      intervalMs: 150,
      upload: async (path, name) => {
        uploaded.push(readFileSync(path, 'utf8'));
        return `incoming/${name}`;
      },
    });
    const path = join(dir, 'growing.ndjson');
    for (let i = 1; i <= 10; i++) {
      writeFileSync(path, 'x'.repeat(i));
      await sleep(10);
    }
    await waitFor('the upload', () => uploaded.length === 1);
    expect(uploaded).toEqual(['x'.repeat(10)]);
  });

  it('keeps a file whose upload failed and tries it again later; never overwrites in done/', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    let attempts = 0;
    const errors: string[] = [];
    folder = watchDropFolder({
      dir,
      intervalMs: 10,
      retryAfterMs: 50,
      upload: async (_path, name) => {
        if (++attempts === 1) throw new Error('S3 not ready');
        return `incoming/${name}`;
      },
      onError: (name) => errors.push(name),
    });
    writeFileSync(join(dir, 'same.ndjson'), 'one');
    await waitFor('the first upload', () => existsSync(join(dir, 'done', 'same.ndjson')));
    expect(attempts).toBe(2);
    expect(errors).toEqual(['same.ndjson']);
    writeFileSync(join(dir, 'same.ndjson'), 'two');
    await waitFor('the second upload', () => readdirSync(join(dir, 'done')).length === 2);
    expect(
      readdirSync(join(dir, 'done')).every((name) => name.startsWith('same.') && name.endsWith('.ndjson')),
    ).toBe(true);
  });

  it('moves a file to done/ under the name its upload took, the stamped one when the key was taken', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    const keys: string[] = [];
    folder = watchDropFolder({
      dir,
      intervalMs: 10,
      upload: async (_path, name) =>
        `incoming/${name.replace('.ndjson', '.2024-01-02T09-00-00-000Z.ndjson')}`,
      onUploaded: (_name, key) => keys.push(key),
    });
    writeFileSync(join(dir, 'day.ndjson'), 'one');
    await waitFor('the upload', () => keys.length === 1);
    expect(keys).toEqual(['incoming/day.2024-01-02T09-00-00-000Z.ndjson']);
    expect(readdirSync(join(dir, 'done'))).toEqual(['day.2024-01-02T09-00-00-000Z.ndjson']);
  });
});

// One mock of S3Client for the file: a second would take over the first's.
describe('dropKey and startDropFolder', () => {
  const s3Mock = mockClient(S3Client);
  const s3 = new S3Client({ region: 'us-east-1' });
  afterEach(() => s3Mock.reset());

  it('takes the name under the prefix when no object has it', async () => {
    s3Mock.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound' }));
    expect(await dropKey(s3, 'incoming/', 'day.ndjson')).toBe('incoming/day.ndjson');
  });

  it('puts the time in the name when an object has it: a drop never replaces an object', async () => {
    s3Mock.on(HeadObjectCommand).resolves({});
    expect(await dropKey(s3, 'incoming/', 'day.ndjson')).toMatch(
      /^incoming\/day\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.ndjson$/,
    );
  });

  it('keeps the name of a file the ingest skips by name, so a second _SUCCESS is skipped too', async () => {
    s3Mock.on(HeadObjectCommand).resolves({});
    // Stamped, `_SUCCESS.<time>` and `manifest.<time>.json` would be read as exports.
    expect(await dropKey(s3, 'incoming/', '_SUCCESS')).toBe('incoming/_SUCCESS');
    expect(await dropKey(s3, 'incoming/', 'manifest.json')).toBe('incoming/manifest.json');
  });

  it('leaves the file to be tried again when S3 cannot say', async () => {
    s3Mock.on(HeadObjectCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }));
    await expect(dropKey(s3, 'incoming/', 'day.ndjson')).rejects.toThrow('ECONNREFUSED');
  });

  it('says before uploading that a manifest or _SUCCESS marker is stored but not ingested, as upload does', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    s3Mock.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound' }));
    s3Mock.on(PutObjectCommand).resolves({});
    const said: string[] = [];
    const dropped: string[] = [];
    folder = startDropFolder(dir, s3, DEFAULT_SOURCES, {
      warn: (message) => said.push(message),
      dropped: (name) => {
        said.push(`dropped ${name}`);
        dropped.push(name);
      },
    });
    for (const name of ['_SUCCESS', 'manifest.json', 'day.ndjson']) writeFileSync(join(dir, name), '{}');
    await waitFor('the uploads', () => dropped.length === 3);
    expect(said).toEqual([
      'drop folder: note: incoming/_SUCCESS is stored but not ingested: a job completion marker, not an export',
      'dropped _SUCCESS',
      'dropped day.ndjson',
      'drop folder: note: incoming/manifest.json is stored but not ingested: an export manifest, not an export',
      'dropped manifest.json',
    ]);
  });
});

describe('watchDropFolder, a file still being written once it looked complete', () => {
  it('uploads it again, whole, when it changed while it was uploaded, and only then moves it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    const path = join(dir, 'slow.ndjson');
    const uploaded: string[] = [];
    const changed: string[] = [];
    folder = watchDropFolder({
      dir,
      intervalMs: 20,
      upload: async (uploading, name) => {
        uploaded.push(readFileSync(uploading, 'utf8'));
        // The writer paused past the stability check, and goes on while the upload runs.
        if (uploaded.length === 1) appendFileSync(path, 'two\n');
        return `incoming/${uploaded.length === 1 ? name : `again-${name}`}`;
      },
      onChanged: (name, key) => changed.push(`${name} ${key}`),
    });
    writeFileSync(path, 'one\n');
    await waitFor('the second upload', () => existsSync(join(dir, 'done', 'again-slow.ndjson')));
    expect(uploaded).toEqual(['one\n', 'one\ntwo\n']);
    expect(changed).toEqual(['slow.ndjson incoming/slow.ndjson']);
    expect(readdirSync(join(dir, 'done'))).toEqual(['again-slow.ndjson']);
  });

  it('puts it back and uploads it again, whole, when it changes after it was moved to done/', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    const uploaded: string[] = [];
    const changed: string[] = [];
    const moved: string[] = [];
    folder = watchDropFolder({
      dir,
      intervalMs: 20,
      upload: async (uploading, name) => {
        uploaded.push(readFileSync(uploading, 'utf8'));
        return `incoming/${uploaded.length === 1 ? name : `again-${name}`}`;
      },
      onUploaded: (_name, _key, movedTo) => moved.push(movedTo),
      onChanged: (name, key) => changed.push(`${name} ${key}`),
    });
    writeFileSync(join(dir, 'slow.ndjson'), 'one\n');
    await waitFor('the move', () => moved.length === 1);
    // The writer's open file went to done/ with the rename; its next write lands there.
    appendFileSync(moved[0] as string, 'two\n');
    await waitFor('the second move', () => moved.length === 2);
    expect(uploaded).toEqual(['one\n', 'one\ntwo\n']);
    expect(changed).toEqual(['slow.ndjson incoming/slow.ndjson']);
    expect(readdirSync(join(dir, 'done'))).toEqual(['again-slow.ndjson']);
  });
});

describe('watchDropFolder, entries that are no plain file', () => {
  it('uploads the file a link points to; names a folder and a broken link once each instead of passing them over', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    const outside = mkdtempSync(join(tmpdir(), 'drop-outside-'));
    try {
      writeFileSync(join(outside, 'export.ndjson'), 'linked');
      symlinkSync(join(outside, 'export.ndjson'), join(dir, 'link.ndjson'));
      symlinkSync(join(outside, 'gone.ndjson'), join(dir, 'broken.ndjson'));
      mkdirSync(join(dir, 'day-1'));
      writeFileSync(join(dir, 'day-1', 'a.ndjson'), '{}');
      const uploaded: string[] = [];
      const skipped: string[] = [];
      folder = watchDropFolder({
        dir,
        intervalMs: 20,
        upload: async (path, name) => {
          uploaded.push(`${name}: ${readFileSync(path, 'utf8')}`);
          return `incoming/${name}`;
        },
        onSkipped: (name, why) => skipped.push(`${name}: ${why}`),
      });
      await waitFor('the upload', () => existsSync(join(dir, 'done', 'link.ndjson')));
      await sleep(100);
      expect(uploaded).toEqual(['link.ndjson: linked']);
      expect(skipped.sort()).toEqual([
        `broken.ndjson: a link to nothing (${join(outside, 'gone.ndjson')})`,
        'day-1: a folder; only files directly in the drop folder are uploaded',
      ]);
      // The file linked to stays where it is.
      expect(readFileSync(join(outside, 'export.ndjson'), 'utf8')).toBe('linked');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('watchDropFolder, stopped during an upload', () => {
  it('aborts the upload rather than wait for it, and leaves the file for the next start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    let started = false;
    const stoppedDuring: string[] = [];
    const uploadedNames: string[] = [];
    folder = watchDropFolder({
      dir,
      intervalMs: 10,
      // A big file: minutes, unless the stop aborts it.
      upload: (_path, name, signal) =>
        new Promise((resolve, reject) => {
          started = true;
          const timer = setTimeout(() => resolve(`incoming/${name}`), 10_000);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new Error('aborted'));
          });
        }),
      onUploaded: (name) => uploadedNames.push(name),
      onStoppedUploading: (name) => stoppedDuring.push(name),
    });
    writeFileSync(join(dir, 'big.ndjson'), 'x');
    await waitFor('the upload to start', () => started);
    const stopping = Date.now();
    await folder.stop();
    folder = undefined;
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(stoppedDuring).toEqual(['big.ndjson']);
    expect(uploadedNames).toEqual([]);
    expect(existsSync(join(dir, 'big.ndjson'))).toBe(true);
  });
});

describe('watchDropFolder, an upload refused for good', () => {
  it('says so once and tries again only once the file changes, rather than every few seconds', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drop-'));
    let attempts = 0;
    const errors: string[] = [];
    const uploadedNames: string[] = [];
    folder = watchDropFolder({
      dir,
      intervalMs: 10,
      retryAfterMs: 20,
      upload: async (_path, name) => {
        if (++attempts === 1) throw Object.assign(new Error('name too long'), { permanent: true });
        return `incoming/${name}`;
      },
      isPermanent: (error) => (error as { permanent?: boolean }).permanent === true,
      onError: (name, _error, retrying) => errors.push(`${name} ${retrying ? 'retrying' : 'for good'}`),
      onUploaded: (name) => uploadedNames.push(name),
    });
    const path = join(dir, 'long.ndjson');
    writeFileSync(path, 'one');
    await waitFor('the refusal', () => errors.length === 1);
    await sleep(200);
    expect(attempts).toBe(1);
    expect(errors).toEqual(['long.ndjson for good']);
    appendFileSync(path, 'two');
    await waitFor('the upload', () => uploadedNames.length === 1);
    expect(attempts).toBe(2);
  });
});
