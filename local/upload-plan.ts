// What `npm run upload` puts where: each file's key under the prefix, checked before anything is sent.
import { statSync } from 'node:fs';
import { basename, relative, resolve, sep } from 'node:path';
import { readProblem } from '../cli/directory-files.js';
import { isInside } from './path-inside.js';

/**
 * What keeps a named file from being uploaded, said as `text` (as typed, to be escaped where it is printed):
 * a usage error (`usage`: a folder given as a file, two files for one key), status 2, or a file that cannot
 * be read (missing, no permission), a problem with the file, not with the command line, status 1 as
 * sessionize's.
 */
export interface UploadProblem {
  readonly text: string;
  readonly usage: boolean;
}

/** The files to upload, or every problem found with them: none is uploaded unless all can be. */
export interface UploadPlan {
  readonly uploads: Planned[];
  readonly problems: UploadProblem[];
}

export interface Planned {
  path: string;
  key: string;
  size: number;
}

/**
 * Why `--prefix` names no folder inside the bucket, or undefined when it does; `example` is the default
 * source prefix, named in the answer.
 */
export function prefixProblem(given: string, example: string | undefined): string | undefined {
  if (given.startsWith('/')) {
    // A key under "/" names no folder of the bucket, and the local S3 server cannot list it back.
    return `--prefix is a folder inside the bucket, such as ${example}: no leading /`;
  }
  if (given.split('/').some((segment) => segment === '.' || segment === '..')) {
    // The local S3 server keeps objects as files at their keys' paths: `..` would put one outside the bucket.
    return `--prefix is a folder inside the bucket, such as ${example}: no "." or ".." in it`;
  }
  return undefined;
}

/** A prefix names a folder: `--prefix segment-logs` means segment-logs/, not keys glued to the file name. */
export function folderPrefix(given: string): string {
  return given === '' || given.endsWith('/') ? given : `${given}/`;
}

/** `npm run` runs scripts in the package root; paths on the command line are relative to where it was typed. */
function invocationDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/**
 * Each file's key and size, after every file is checked: the problems of all of them, in the order named, then
 * the keys two of them would share, so that one run names everything to fix.
 */
export function planUploads(files: string[], prefix: string, keepPath: boolean): UploadPlan {
  const base = invocationDir();
  const uploads: Planned[] = [];
  const problems: UploadProblem[] = [];
  for (const file of files) {
    const path = resolve(base, file);
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) {
        problems.push({ text: `${file}: not a file (pass the files themselves, e.g. dir/*)`, usage: true });
        continue;
      }
      size = stat.size;
    } catch (error) {
      problems.push({ text: `${file}: ${readProblem(error)}`, usage: false });
      continue;
    }
    let name = basename(path);
    if (keepPath) {
      if (!isInside(path, base)) {
        problems.push({
          text: `${file}: --keep-path needs files under the current directory (${base})`,
          usage: true,
        });
        continue;
      }
      name = relative(base, path).split(sep).join('/');
    }
    uploads.push({ path, key: `${prefix}${name}`, size });
  }
  for (const text of sharedKeyProblems(uploads)) problems.push({ text, usage: true });
  return { uploads, problems };
}

/** Two files the plan stores under one key, each pair said as a refusal. */
function sharedKeyProblems(uploads: readonly Planned[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const { path, key } of uploads) {
    const first = seen.get(key);
    if (first !== undefined && first !== path) {
      // The second would replace the first in the bucket, before or after its ingest read it.
      problems.push(
        `${first} and ${path} would both be stored as ${key}, the second replacing the first; ` +
          'upload them with --keep-path, or one at a time with different --prefix values',
      );
      continue;
    }
    seen.set(key, path);
  }
  return problems;
}
