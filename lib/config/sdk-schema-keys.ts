/**
 * An esbuild plugin that lets the bundles leave out the schemas of the AWS SDK operations the functions never
 * send (aws/aws-sdk-js-v3#7607, fixed upstream by smithy-lang/smithy-typescript#1889 when it ships).
 *
 * Each client's `schemas/schemas_0.js` writes its traits with computed keys over a string table,
 * `{ [_hE]: 403 }` after `const _hE = "httpError"`. esbuild cannot prove that a computed key has no side
 * effect, so it keeps every schema with traits, and through their `() => Input$` links most of the others:
 * every operation of S3 (66 KB minified) for the few the functions send (GetObject, PutObject, the multipart
 * upload's), all of it built at each cold start. Written as the literal key each one stands for, the same objects are provably
 * pure and tree-shaking drops what nothing imports.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** The generated schema modules of the SDK's clients. */
const SCHEMA_MODULE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:.+[\\/])?schemas[\\/]schemas_\d+\.js$/;

/** A line of the module's string table: `const _hE = "httpError";`. */
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\r\n]|\\.)*");$/gm;

/** A computed key naming a table entry, where an object literal's key starts: after `{` or `,`. */
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\]:/g;

/**
 * `source` with each computed key over its string table written as that string. A key the table does not
 * define stays as it is, as does one with an escape (never generated; it could spell `__proto__`) and
 * `__proto__` itself, which as a literal key would set the prototype instead.
 */
export function withLiteralSchemaKeys(source: string): { code: string; replaced: number } {
  const table = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) {
    if (name !== undefined && literal !== undefined) table.set(name, literal);
  }
  let replaced = 0;
  const code = source.replace(COMPUTED_KEY, (key, opening: string, name: string) => {
    const literal = table.get(name);
    if (literal === undefined || literal.includes('\\') || literal === '"__proto__"') return key;
    replaced++;
    return `${opening}${literal}:`;
  });
  return { code, replaced };
}

export const literalSchemaKeys: Plugin = {
  name: 'sessionizer-literal-sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async ({ path }) => ({
      contents: withLiteralSchemaKeys(await readFile(path, 'utf8')).code,
      loader: 'js',
    }));
  },
};
