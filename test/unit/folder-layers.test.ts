// The top folders stand in layers (README.md's tree), each importing only from the layers below it: a folder
// importing one above it would tie the two into one, and the tree would no longer show what rests on what.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** From the top down; folders of one layer import none of each other. */
const LAYERS: readonly (readonly string[])[] = [
  ['bench'],
  ['scripts'],
  ['local'],
  ['viewer'],
  ['cli', 'lib'],
  ['functions'],
  ['contract'],
];

/** Imports known to run back up, each `file -> folder`: none is wanted; the list names each that is left. */
const KNOWN_UPWARD = new Set<string>([]);

const layerOf = new Map(
  LAYERS.flatMap((folders, layer) => folders.map((folder) => [folder, layer] as const)),
);
const BUILT = new Set(['dist', 'out', 'node_modules']);

function* sourceFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!BUILT.has(entry.name)) yield* sourceFiles(path);
    } else if (/\.(?:ts|mjs)$/.test(entry.name)) yield path;
  }
}

/** The relative modules a file imports (static, side-effect and dynamic imports alike). */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.\.?\/[^'"]+)['"]/g)].map(
    (match) => match[1] as string,
  );
}

it('has every folder import only from the layers below it', () => {
  const upward: string[] = [];
  const known = new Set<string>();
  for (const [folder, layer] of layerOf) {
    for (const file of sourceFiles(folder)) {
      for (const specifier of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), specifier)).split('/')[0] as string;
        const targetLayer = layerOf.get(target);
        if (target === folder || targetLayer === undefined || targetLayer > layer) continue;
        const arrow = `${file} -> ${target}`;
        if (KNOWN_UPWARD.has(arrow)) known.add(arrow);
        else upward.push(arrow);
      }
    }
  }
  expect(upward).toEqual([]);
  expect([...KNOWN_UPWARD].filter((arrow) => !known.has(arrow))).toEqual([]);
});
