// docs/local.md's "Where things are" is the map of local/: every module there is on it, and nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../../../docs/local.md', import.meta.url), 'utf8');
const map = doc.slice(doc.indexOf('## Where things are'), doc.indexOf('\nTests:'));
const listed = [...(map.match(/[\w*.-]+\.ts\b/g) ?? [])];
const modules = readdirSync(new URL('../../../local/', import.meta.url)).filter((name) =>
  name.endsWith('.ts'),
);
/** A listed name, or pattern such as `s3rver-*.ts`, as a test of a file name. */
const matcher = (name: string) => new RegExp(`^${name.replaceAll('.', '\\.').replaceAll('*', '[\\w-]*')}$`);

describe('docs/local.md, "Where things are"', () => {
  it('names every module of local/', () => {
    expect(modules.filter((module) => !listed.some((name) => matcher(name).test(module)))).toEqual([]);
  });

  it('names no module local/ does not have', () => {
    expect(listed.filter((name) => !modules.some((module) => matcher(name).test(module)))).toEqual([]);
  });
});
