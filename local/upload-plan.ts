// What `npm run upload` puts where: each file's key under the prefix, checked before anything is sent.
import { statSync } from 'node:fs';
import { basename, relative, resolve, sep } from 'node:path';
import { readProblem } from '../cli/directory-files.js';
import { isInside } from './path-inside.js';

class UsageError extends Error {}

/**
 * A file named that cannot be read (missing, no permission): a problem with the file, not with the command
 * line, so exit status 1 as sessionize's, not the usage error's 2. Its message names the file and why.
 */
export class UnreadableFileError extends Error {}

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
 * Each file's key and size; throws, saying which file and why, for one that cannot be uploaded: an
 * {@link UnreadableFileError} for one that cannot be read, an Error for a usage error.
 */
export function planUploads(files: string[], prefix: string, keepPath: boolean): Planned[] {
  const base = invocationDir();
  return files.map((file) => {
    const path = resolve(base, file);
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) throw new UsageError(`${file}: not a file (pass the files themselves, e.g. dir/*)`);
      size = stat.size;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UnreadableFileError(`${file}: ${readProblem(error)}`);
    }
    let name = basename(path);
    if (keepPath) {
      if (!isInside(path, base)) {
        throw new UsageError(`${file}: --keep-path needs files under the current directory (${base})`);
      }
      name = relative(base, path).split(sep).join('/');
    }
    return { path, key: `${prefix}${name}`, size };
  });
}

/** Two files the plan stores under one key, said as a refusal; undefined when every key is one file's. */
export function sharedKeyProblem(uploads: readonly Planned[]): string | undefined {
  const seen = new Map<string, string>();
  for (const { path, key } of uploads) {
    const first = seen.get(key);
    if (first !== undefined && first !== path) {
      // The second would replace the first in the bucket, before or after its ingest read it.
      return (
        `${first} and ${path} would both be stored as ${key}, the second replacing the first; ` +
        'upload them with --keep-path, or one at a time with different --prefix values'
      );
    }
    seen.set(key, path);
  }
  return undefined;
}
