import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { notAnExportByName } from '../functions/domain/reading/not-exports.js';

/** A file found: its name to show, and its path as the bytes the file system holds (to open it by). */
export interface FoundFile {
  readonly name: string;
  readonly path: Buffer;
}

export interface DirectoryFiles {
  /** The regular files below the directory, in code-unit order of their names at each level. */
  readonly files: FoundFile[];
  /** Folders below it that could not be listed, and links to nothing, with the reason and their place. */
  readonly problems: { file: string; reason: string; before: number }[];
  /**
   * Files below it that hold no events by their name (a manifest, `_SUCCESS`), hidden folders below it
   * (`.git`) and special files (a named pipe), with what each is: said on stderr, with how to read it anyway.
   */
  readonly skipped: SkippedFile[];
}

/** A file or folder below a directory that is not read: what it is, and what to do to read it anyway. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
  readonly advice: string;
}

const NOT_AN_EXPORT = 'not an export (name the file itself to read it)';
const HIDDEN_FOLDER = 'not walked (name the folder itself to read the files in it)';
const SPECIAL_FILE = 'not a regular file (name it itself to read from it)';
/** Opening a socket fails (ENXIO), named or not: there is no way to read it, only this to say. */
export const SOCKET = 'not a file to read (it takes connections and holds no content)';

/** What a file that is neither a regular file, a folder nor a link is; undefined for those. */
function specialKind(entry: Dirent<Buffer> | Stats): string | undefined {
  // Opening a named pipe waits for a writer: a walk that did would hang on one left in a folder.
  if (entry.isFIFO()) return 'a named pipe';
  if (entry.isSocket()) return 'a socket';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device';
  return undefined;
}

/** Why a path could not be read, in words (the codes a user meets; anything else as the system says it). */
export function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  // The system's own words name the call and repeat the path: `ENOTDIR: not a directory, stat 'a.ndjson/x'`.
  if (code === 'ENOTDIR') return 'no such file (a name before a / in it is a file, not a folder)';
  if (code === 'ELOOP') return 'a loop of symbolic links (or too many in a row)';
  if (code === 'ENAMETOOLONG') return 'a name too long for the file system';
  return error instanceof Error ? error.message : String(error);
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A path under walk: the name shown (U+FFFD for bytes that are not UTF-8) and the bytes that open it. */
interface Walked {
  readonly name: string;
  readonly path: Buffer;
}

const SEPARATOR = Buffer.from(sep);

function child(parent: Walked, entry: Buffer): Walked {
  return {
    name: join(parent.name, entry.toString('utf8')),
    path: Buffer.concat([parent.path, SEPARATOR, entry]),
  };
}

/**
 * Every export file below a directory, as exports land in buckets (`segment-logs/<source>/<day>/…`): regular
 * files and links to them, folders and links to folders walked in turn, each real folder once (a link back
 * up the tree would loop). Hidden files (`.x.ndjson`) are read, as the ingest reads such a key; files the
 * ingest skips by name as no exports (`manifest.json`, `_SUCCESS`, Parquet, `.DS_Store`) and hidden folders
 * (`.git`, `.Trashes`: a tool's or the system's, not an export's) and special files (named pipes, sockets,
 * devices) are set apart in `skipped`, to be said. The order is fixed, so a run lists its files the same way every time.
 * The directory is opened by `path` (the bytes of a name that is not UTF-8) and shown as `directory`.
 */
export async function directoryFiles(
  directory: string,
  path: string | Buffer = directory,
): Promise<DirectoryFiles> {
  const files: FoundFile[] = [];
  const problems: { file: string; reason: string; before: number }[] = [];
  const skipped: SkippedFile[] = [];
  const found = (file: Walked) => {
    const notAnExport = notAnExportByName(file.name);
    if (notAnExport === undefined) files.push(file);
    else skipped.push({ file: file.name, reason: notAnExport, advice: NOT_AN_EXPORT });
  };
  const walked = new Set<string>();
  // By bytes, not names: a name that is not UTF-8 (Latin-1 from an old archive) opens only by its bytes.
  const walk = async (folder: Walked): Promise<void> => {
    let entries: Dirent<Buffer>[];
    try {
      const real = (await realpath(folder.path, { encoding: 'buffer' })).toString('latin1');
      if (walked.has(real)) return;
      walked.add(real);
      entries = await readdir(folder.path, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      problems.push({ file: folder.name, reason: readProblem(error), before: files.length });
      return;
    }
    const named = entries.map((entry) => ({ entry, name: entry.name.toString('utf8') }));
    named.sort((a, b) => byCodeUnits(a.name, b.name) || Buffer.compare(a.entry.name, b.entry.name));
    for (const { entry, name } of named) {
      const path = child(folder, entry.name);
      const hidden = name.startsWith('.');
      if (entry.isDirectory()) await walkUnlessHidden(path, hidden);
      else if (entry.isFile()) found(path);
      else if (entry.isSymbolicLink()) await followLink(path, hidden);
      else special(path, entry);
    }
  };
  const special = (path: Walked, entry: Dirent<Buffer> | Stats) => {
    const kind = specialKind(entry);
    if (kind === undefined) return;
    skipped.push({ file: path.name, reason: kind, advice: entry.isSocket() ? SOCKET : SPECIAL_FILE });
  };
  const walkUnlessHidden = async (path: Walked, hidden: boolean): Promise<void> => {
    if (hidden) skipped.push({ file: path.name, reason: 'a hidden folder', advice: HIDDEN_FOLDER });
    else await walk(path);
  };
  const followLink = async (path: Walked, hidden: boolean): Promise<void> => {
    try {
      const target = await stat(path.path);
      if (target.isFile()) found(path);
      else if (target.isDirectory()) await walkUnlessHidden(path, hidden);
      else special(path, target);
    } catch (error) {
      // A link to nothing is a file the user meant to send that cannot be read: said, as a missing file is.
      problems.push({ file: path.name, reason: readProblem(error), before: files.length });
    }
  };
  await walk({ name: directory, path: Buffer.from(path) });
  return { files, problems, skipped };
}
