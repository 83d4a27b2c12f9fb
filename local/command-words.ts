// The words of the commands the tools print for people to copy: `npm start`'s banner and hints, and
// `npm run replay`'s suggested redrive. Imports nothing of the running stack, so scripts/ and local/ share it.

import { relative } from 'node:path';
import { escapedParts } from '../contract/visible-text.js';
import { isInside } from './path-inside.js';
import { DEFAULT_PORTS, dataDirFrom } from './stack-config.js';

/**
 * `text` as one shell word: quoted when a shell would split or expand it, so a printed command runs as copied.
 * A character that must not reach a terminal raw (contract/visible-text.ts) is written as printf's escape in
 * `"$(printf '...')"`, which any POSIX sh reads back as the value (shown inside '...' as `\t`, it would be read
 * as a backslash and a t; `$'...'` is not read by dash before 0.5.13). A command substitution drops trailing
 * newlines, and no other POSIX sh quoting writes a newline by an escape, so newlines ending a value are
 * written as they are, in single quotes after the rest: the command then takes two lines, and any sh reads it.
 */
export function shellWord(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  const parts = escapedParts(text);
  if (parts.every((part) => typeof part === 'string')) return `'${text.replaceAll("'", "'\\''")}'`;
  if (text.endsWith('\n')) {
    const rest = text.replace(/\n+$/, '');
    return `${rest === '' ? '' : shellWord(rest)}'${text.slice(rest.length)}'`;
  }
  const format = parts.map((part) =>
    typeof part === 'string'
      ? part.replace(/[\\%]/g, (char) => (char === '%' ? '%%' : '\\\\')).replaceAll("'", "'\\''")
      : octalEscape(part.char),
  );
  return `"$(printf '${format.join('')}')"`;
}

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `char` as printf reads it: a tab, newline or return by name, else its UTF-8 bytes in octal. */
function octalEscape(char: string): string {
  return (
    NAMED[char] ??
    [...Buffer.from(char, 'utf8')].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('')
  );
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

/** The ports a stack listens on, as its options name them. */
export interface StackPorts {
  readonly port: number;
  readonly s3Port: number;
  readonly dynamoDbPort: number;
}

/** The variables that start a stack on these ports, those set to other than the default ('' for none). */
export function portsEnv({ port, s3Port, dynamoDbPort }: StackPorts): string {
  const given = { PORT: port, S3_PORT: s3Port, DYNAMODB_PORT: dynamoDbPort };
  return (Object.keys(given) as (keyof typeof given)[])
    .filter((name) => given[name] !== DEFAULT_PORTS[name])
    .map((name) => `${name}=${given[name]} `)
    .join('');
}
