// The drop folder's uploads: where a dropped file goes in the local bucket.
import { createReadStream } from 'node:fs';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { SourceDefinition } from '../contract/index.js';
import { notAnExportByName } from '../functions/domain/reading/not-exports.js';
import { acquireDataDirLock, type DataDirLock, DataDirLockedError } from './data-dir-lock.js';
import { type DropFolder, stampedName, watchDropFolder } from './drop-folder.js';
import { notIngestedNotes } from './not-ingested-notes.js';
import { LOCAL_BUCKET } from './s3-client.js';

/** A dotfile, which the drop folder never uploads. */
const DROP_LOCK_FILE = '.sessionizer-drop-lock';

/**
 * One stack per drop folder: two stacks (two data dirs) given one SESSIONIZER_DROP_DIR would each upload
 * every file dropped, to its own bucket. The default drop folder is inside the data dir, whose lock covers it.
 */
export function lockDropFolder(dir: string): DataDirLock {
  try {
    return acquireDataDirLock(dir, { file: DROP_LOCK_FILE });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    throw new Error(
      `another local stack (pid ${error.holder.pid}) watches the drop folder ${dir}: each file dropped would ` +
        'go to both; stop it, or give this one a drop folder of its own (SESSIONIZER_DROP_DIR)',
    );
  }
}

/** What the drop folder tells: a file uploaded (under `key`) and moved, or one not uploaded yet. */
export interface DropFolderLog {
  dropped?(name: string, key: string, movedTo: string): void;
  warn?(message: string, error?: unknown): void;
}

/**
 * The key a dropped file goes to: its name under the drop prefix, or that name with the time in it when an
 * object already has the name. A drop never replaces an export: the events of both stay stored either way,
 * but the rejection report (one per key) would then describe the second file only. A name the ingest skips
 * (`_SUCCESS`, `manifest.json`) keeps its name, replacing the last: nothing is read from it, and stamped it
 * would be read as an export.
 */
export async function dropKey(s3: S3Client, prefix: string, name: string): Promise<string> {
  const key = `${prefix}${name}`;
  if (notAnExportByName(name) !== undefined) return key;
  try {
    await s3.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET, Key: key }));
  } catch (error) {
    const code = (error as { name?: string }).name;
    if (code === 'NotFound' || code === 'NoSuchKey') return key;
    throw error;
  }
  return `${prefix}${stampedName(name)}`;
}

/**
 * Watches `dir` and uploads what appears in it under the first source's prefix (local/drop-folder.ts
 * watches). A file the ingest will skip by its name (`_SUCCESS`, `manifest.json`, ...) is noted first, as
 * `npm run upload` notes it.
 */
export function startDropFolder(
  dir: string,
  s3: S3Client,
  sources: readonly SourceDefinition[],
  log: DropFolderLog,
): DropFolder {
  const prefix = (sources[0] as SourceDefinition).prefix;
  return watchDropFolder({
    dir,
    upload: async (path, name, signal) => {
      const key = await dropKey(s3, prefix, name);
      for (const note of notIngestedNotes([key], sources)) log.warn?.(`drop folder: note: ${note}`);
      // An aborted multipart upload is abandoned whole: no object, so no notification, is left of it.
      const upload = new Upload({
        client: s3,
        params: { Bucket: LOCAL_BUCKET, Key: key, Body: createReadStream(path) },
      });
      signal?.addEventListener('abort', () => void upload.abort().catch(() => undefined), { once: true });
      await upload.done();
      return key;
    },
    onUploaded: (name, key, movedTo) => log.dropped?.(name, key, movedTo),
    onChanged: (name, key) =>
      log.warn?.(
        `drop folder: ${name} changed after it was uploaded as ${key}: it was still being written. It is ` +
          `uploaded again, whole, once it stops changing; ${key} holds what was read (its lines are copies ` +
          `that merge away, and a line cut short is in its rejection report). Write a file under a temporary ` +
          `name, such as ${name}.tmp, and rename it when it is complete`,
      ),
    onStoppedUploading: (name) =>
      log.warn?.(`drop folder: stopped while uploading ${name}: it is uploaded on the next start`),
    onSkipped: (name, why) => log.warn?.(`drop folder: ${name} is not uploaded: ${why}`),
    // The local S3's 4xx answers (a key too long for s3rver, a `..` segment) come back the same every time.
    isPermanent: (error) => {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
    },
    onError: (name, error, retrying) =>
      log.warn?.(
        retrying
          ? `drop folder: ${name} not uploaded yet`
          : `drop folder: ${name} not uploaded, and not tried again until it changes or is renamed`,
        error,
      ),
  });
}
