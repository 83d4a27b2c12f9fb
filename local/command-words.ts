// The words of the commands the tools print for people to copy: `npm start`'s banner and hints, and
// `npm run replay`'s suggested redrive. Imports nothing of the running stack, so scripts/ and local/ share it.

import { relative } from 'node:path';
import { isInside } from './path-inside.js';
import { dataDirFrom } from './stack-config.js';

/** `text` as one shell word: quoted when a shell would split or expand it, so a printed command runs as copied. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** Paths inside the repository are shown relative to it, others in full. */
export function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : isInside(path, process.cwd()) ? rel : path;
}

/** What the other commands need before them to find a stack on this data dir ('' for the default one). */
export function dataDirEnv(dataDir: string): string {
  return dataDir === dataDirFrom({}) ? '' : `SESSIONIZER_DATA_DIR=${shellWord(shortPath(dataDir))} `;
}
