// A file's size and mtime, taken before it is read and compared after: a writer still at it changes one.
// The drop folder and `npm run upload` both upload files that may still be being written.
import { statSync } from 'node:fs';

export interface FileState {
  size: number;
  mtimeMs: number;
}

export function fileState(path: string): FileState | undefined {
  try {
    const { size, mtimeMs } = statSync(path);
    return { size, mtimeMs };
  } catch {
    return undefined;
  }
}

export function sameFileState(a: FileState, b: FileState): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * The file's state now when it differs from `before`: written to since, so what was read of it may be any
 * part. A file gone since is not reported: what was read of it is all there is to read.
 */
export function changedSince(path: string, before: FileState): FileState | undefined {
  const now = fileState(path);
  return now !== undefined && !sameFileState(now, before) ? now : undefined;
}
