// A watched folder for the local stack: a file that appears in it is uploaded to the bucket and then
// moved to `done/`. Polling (not fs.watch) because watch events are unreliable across platforms, editors
// and network or container mounts, and a file must be complete before it is uploaded: it is only picked
// up once its size and mtime were the same on two consecutive polls.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface DropFolderOptions {
  dir: string;
  /** Uploads the file; resolves to the key it went to; rejecting leaves it in place to be tried again. */
  upload: (path: string, name: string) => Promise<string>;
  intervalMs?: number;
  /** After a failed upload, wait this long before trying that file again. */
  retryAfterMs?: number;
  onUploaded?: (name: string, key: string, movedTo: string) => void;
  onError?: (name: string, error: unknown) => void;
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
  const doneDir = join(options.dir, 'done');
  mkdirSync(doneDir, { recursive: true });
  const seen = new Map<string, Seen>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    let names: string[];
    try {
      names = readdirSync(options.dir, { withFileTypes: true })
        .filter((entry) => entry.isFile() && !isTemporary(entry.name))
        .map((entry) => entry.name)
        .sort();
    } catch (error) {
      options.onError?.('(drop folder)', error);
      return;
    }
    for (const name of seen.keys()) {
      if (!names.includes(name)) seen.delete(name);
    }
    for (const name of names) {
      if (stopped) return;
      const path = join(options.dir, name);
      let size: number;
      let mtimeMs: number;
      try {
        ({ size, mtimeMs } = statSync(path));
      } catch {
        continue; // Removed since the listing.
      }
      const before = seen.get(name);
      const entry: Seen =
        before !== undefined && before.size === size && before.mtimeMs === mtimeMs
          ? { ...before, stablePolls: before.stablePolls + 1 }
          : { size, mtimeMs, stablePolls: 0, retryAt: before?.retryAt ?? 0 };
      seen.set(name, entry);
      if (entry.stablePolls < 1 || Date.now() < entry.retryAt) continue;
      let key: string;
      try {
        key = await options.upload(path, name);
      } catch (error) {
        entry.retryAt = Date.now() + retryAfterMs;
        options.onError?.(name, error);
        continue;
      }
      try {
        // Under the name the upload took (stamped when the key's name was taken), so the two match.
        const target = uniqueTarget(doneDir, key.slice(key.lastIndexOf('/') + 1) || name);
        renameSync(path, target);
        seen.delete(name);
        options.onUploaded?.(name, key, target);
      } catch (error) {
        // Uploaded but not moved: it would be uploaded again, which ingest tolerates; say so once.
        entry.retryAt = Number.POSITIVE_INFINITY;
        options.onError?.(name, error);
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
      await current.catch(() => undefined);
    },
  };
}
