// A watched folder for the local stack: a file that appears in it is uploaded to the bucket and then
// moved to `done/`. Polling (not fs.watch) because watch events are unreliable across platforms, editors
// and network or container mounts, and a file must be complete before it is uploaded: it is only picked
// up once its size and mtime were the same on two consecutive polls. A writer can pause longer than that,
// so a file that changes while it is uploaded, or in done/ for a while after, is uploaded again whole.
import {
  type Dirent,
  existsSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  type Stats,
  statSync,
} from 'node:fs';
import { extname, join } from 'node:path';
import { changedSince, fileState, sameFileState } from './file-state.js';

export interface DropFolderOptions {
  dir: string;
  /**
   * Uploads the file; resolves to the key it went to; rejecting leaves it in place to be tried again.
   * `signal` aborts when the folder stops: a big file's upload would hold up the stack's stop for minutes.
   */
  upload: (path: string, name: string, signal?: AbortSignal) => Promise<string>;
  intervalMs?: number;
  /** After a failed upload, wait this long before trying that file again. */
  retryAfterMs?: number;
  onUploaded?: (name: string, key: string, movedTo: string) => void;
  /**
   * The file uploaded as `key` changed since: it was still being written. It is (back) in the folder under
   * `name` and is uploaded again once it stops changing; `key` holds only the part that was read.
   */
  onChanged?: (name: string, key: string) => void;
  /** How long a file moved to done/ is watched for writes that went on after its upload. */
  watchMovedMs?: number;
  /** `retrying` false: refused for good (isPermanent), the file is tried again only once it changes. */
  onError?: (name: string, error: unknown, retrying: boolean) => void;
  /**
   * An upload error trying again cannot fix (a key the local S3 refuses): the file waits until it changes
   * or is renamed, rather than be tried, and its error said, every few seconds for good.
   */
  isPermanent?: (error: unknown) => boolean;
  /** The stop cut this file's upload short: it stays in the folder and is uploaded on the next start. */
  onStoppedUploading?: (name: string) => void;
  /** An entry that is not uploaded, and why (a folder, a broken link, ...): said once while it is there. */
  onSkipped?: (name: string, why: string) => void;
}

export interface DropFolder {
  dir: string;
  doneDir: string;
  stop(): Promise<void>;
}

interface Seen {
  size: number;
  mtimeMs: number;
  /** Polls in a row with this size and mtime. */
  stablePolls: number;
  retryAt: number;
  /** Its upload was refused for good: tried again once it changes. */
  refused?: boolean;
}

/** A file moved to done/ with the size and mtime it was uploaded at, watched until `until`. */
interface Moved {
  name: string;
  key: string;
  target: string;
  size: number;
  mtimeMs: number;
  until: number;
}

/** Editors' and downloaders' temporary files, and dotfiles: write under such a name, then rename. */
function isTemporary(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || /\.(tmp|part|partial|crdownload|swp)$/i.test(name);
}

/** `name` with the time before its extension (`day.2024-01-01T09-00-00-000Z.ndjson`): for a name taken. */
export function stampedName(name: string, at = new Date()): string {
  const ext = extname(name);
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return `${name.slice(0, name.length - ext.length)}.${stamp}${ext}`;
}

/** Why an entry other than a plain file is not uploaded, or undefined for a link to a file (uploaded). */
function notUploaded(dir: string, entry: Dirent): string | undefined {
  if (entry.isDirectory()) return 'a folder; only files directly in the drop folder are uploaded';
  if (!entry.isSymbolicLink()) return 'not a regular file';
  const path = join(dir, entry.name);
  let target: Stats;
  try {
    target = statSync(path);
  } catch {
    return `a link to nothing (${readlinkSync(path)})`;
  }
  if (target.isFile()) return undefined;
  return target.isDirectory()
    ? 'a link to a folder; only files directly in the drop folder are uploaded'
    : 'a link to something other than a regular file';
}

/**
 * The names to upload, sorted: files, and links to files (the file is uploaded, the link moved). Anything
 * else but dotfiles, temporary names and done/ is named to `onSkipped` once while it is there: passed over in
 * silence, a folder of exports dropped whole would look uploaded.
 */
function uploadable(dir: string, told: Set<string>, onSkipped: DropFolderOptions['onSkipped']): string[] {
  const names: string[] = [];
  const present = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (isTemporary(entry.name) || (entry.name === 'done' && entry.isDirectory())) continue;
    present.add(entry.name);
    if (entry.isFile()) {
      names.push(entry.name);
      continue;
    }
    const why = notUploaded(dir, entry);
    if (why === undefined) names.push(entry.name);
    else if (!told.has(entry.name)) {
      told.add(entry.name);
      onSkipped?.(entry.name, why);
    }
  }
  for (const name of told) if (!present.has(name)) told.delete(name);
  return names.sort();
}

function uniqueTarget(doneDir: string, name: string): string {
  const target = join(doneDir, name);
  try {
    statSync(target);
  } catch {
    return target;
  }
  return join(doneDir, stampedName(name));
}

/** Starts polling `dir` (created if missing, with `done/` inside). stop() waits for a running upload. */
export function watchDropFolder(options: DropFolderOptions): DropFolder {
  const intervalMs = options.intervalMs ?? 500;
  const retryAfterMs = options.retryAfterMs ?? 5_000;
  const watchMovedMs = options.watchMovedMs ?? 60_000;
  const doneDir = join(options.dir, 'done');
  mkdirSync(doneDir, { recursive: true });
  const seen = new Map<string, Seen>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let moved: Moved[] = [];
  const stopUploads = new AbortController();
  const told = new Set<string>();

  // A writer holding the file open writes on into done/ after the rename: put the file back (stamped when
  // its name was taken meanwhile) so the rest of it is uploaded too.
  const checkMoved = (): void => {
    moved = moved.filter((file) => {
      if (Date.now() > file.until) return false;
      const now = fileState(file.target);
      if (now === undefined) return false; // Removed from done/.
      if (sameFileState(now, file)) return true;
      const back = existsSync(join(options.dir, file.name)) ? stampedName(file.name) : file.name;
      try {
        renameSync(file.target, join(options.dir, back));
        options.onChanged?.(back, file.key);
      } catch (error) {
        options.onError?.(file.name, error, true);
      }
      return false;
    });
  };

  const poll = async (): Promise<void> => {
    checkMoved();
    let names: string[];
    try {
      names = uploadable(options.dir, told, options.onSkipped);
    } catch (error) {
      options.onError?.('(drop folder)', error, true);
      return;
    }
    for (const name of seen.keys()) {
      if (!names.includes(name)) seen.delete(name);
    }
    for (const name of names) {
      if (stopped) return;
      const path = join(options.dir, name);
      const state = fileState(path);
      if (state === undefined) continue; // Removed since the listing.
      const { size, mtimeMs } = state;
      const before = seen.get(name);
      const entry: Seen =
        before !== undefined && sameFileState(before, state)
          ? { ...before, stablePolls: before.stablePolls + 1 }
          : { size, mtimeMs, stablePolls: 0, retryAt: before?.refused ? 0 : (before?.retryAt ?? 0) };
      seen.set(name, entry);
      if (entry.stablePolls < 1 || Date.now() < entry.retryAt) continue;
      let key: string;
      try {
        key = await options.upload(path, name, stopUploads.signal);
      } catch (error) {
        if (stopped) {
          options.onStoppedUploading?.(name);
          return;
        }
        const permanent = options.isPermanent?.(error) === true;
        entry.retryAt = permanent ? Number.POSITIVE_INFINITY : Date.now() + retryAfterMs;
        entry.refused = permanent;
        options.onError?.(name, error, !permanent);
        continue;
      }
      const after = changedSince(path, state);
      if (after !== undefined) {
        // Still being written: the upload may hold any part of it. Whole, it goes again under a new key.
        seen.set(name, { size: after.size, mtimeMs: after.mtimeMs, stablePolls: 0, retryAt: 0 });
        options.onChanged?.(name, key);
        continue;
      }
      try {
        // Under the name the upload took (stamped when the key's name was taken), so the two match.
        const target = uniqueTarget(doneDir, key.slice(key.lastIndexOf('/') + 1) || name);
        renameSync(path, target);
        seen.delete(name);
        moved.push({ name, key, target, size, mtimeMs, until: Date.now() + watchMovedMs });
        options.onUploaded?.(name, key, target);
      } catch (error) {
        // Uploaded but not moved: it would be uploaded again, which ingest tolerates; say so once.
        entry.retryAt = Number.POSITIVE_INFINITY;
        options.onError?.(name, error, true);
      }
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = poll().finally(schedule);
    }, intervalMs);
  };
  // Files left from before a restart are picked up right away (after the stability check).
  current = poll().finally(schedule);

  return {
    dir: options.dir,
    doneDir,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      stopUploads.abort();
      await current.catch(() => undefined);
    },
  };
}
