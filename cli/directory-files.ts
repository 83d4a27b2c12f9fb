import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { notAnExportByName } from '../functions/domain/reading/not-exports.js';

export interface DirectoryFiles {
  /** Paths of the regular files below the directory, in code-unit order of their names at each level. */
  readonly files: string[];
  /** Folders below it that could not be listed, and links to nothing, with the reason. */
  readonly problems: { file: string; reason: string }[];
  /** Files below it that hold no events by their name (a manifest, `_SUCCESS`), with what each is. */
  readonly skipped: { file: string; reason: string }[];
}

/** Why a path could not be read, in words (the codes a user meets; anything else as the system says it). */
export function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every export file below a directory, as exports land in buckets (`segment-logs/<source>/<day>/…`): regular
 * files and links to them, folders and links to folders walked in turn, each real folder once (a link back
 * up the tree would loop). Hidden entries (a leading `.`: `.DS_Store`, `.git`) and special files are
 * skipped, and files the ingest skips by name as no exports (`manifest.json`, `_SUCCESS`, Parquet) are set
 * apart in `skipped`; the order is fixed, so a run lists its files the same way every time.
 */
export async function directoryFiles(directory: string): Promise<DirectoryFiles> {
  const files: string[] = [];
  const problems: { file: string; reason: string }[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const found = (path: string) => {
    const notAnExport = notAnExportByName(path);
    if (notAnExport === undefined) files.push(path);
    else skipped.push({ file: path, reason: notAnExport });
  };
  const walked = new Set<string>();
  const walk = async (folder: string): Promise<void> => {
    let entries: Dirent[];
    try {
      const real = await realpath(folder);
      if (walked.has(real)) return;
      walked.add(real);
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      problems.push({ file: folder, reason: readProblem(error) });
      return;
    }
    entries.sort((a, b) => byCodeUnits(a.name, b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found(path);
      else if (entry.isSymbolicLink()) await followLink(path);
    }
  };
  const followLink = async (path: string): Promise<void> => {
    try {
      const target = await stat(path);
      if (target.isFile()) found(path);
      else if (target.isDirectory()) await walk(path);
    } catch (error) {
      // A link to nothing is a file the user meant to send that cannot be read: said, as a missing file is.
      problems.push({ file: path, reason: readProblem(error) });
    }
  };
  await walk(directory);
  return { files, problems, skipped };
}
