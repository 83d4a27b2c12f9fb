#!/usr/bin/env node
// Copies the public conformance cases and the seed example into test/fixtures/ from the shared data
// folder the project was specified with (../shared/data beside the repository, or SESSIONIZER_SHARED_DATA).
// The repository never needs that folder: the copies are committed. Run `npm run fixtures:sync` when the
// shared cases change, then review and commit the difference; `-- --check` only says whether they differ.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = `Usage: npm run fixtures:sync [-- --check]

Copies the conformance cases and the seed example from the shared data folder (../shared/data beside the
repository, or SESSIONIZER_SHARED_DATA) into test/fixtures/, formatted as committed. Without that folder it
changes nothing.

  --check    change nothing; list the files whose content differs (JSON by value: the copies are
             formatted) and exit 1 when any does
  -h, --help show this help
`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.env.SESSIONIZER_SHARED_DATA ?? join(root, '..', 'shared', 'data'));
const target = join(root, 'test', 'fixtures');
const FOLDERS = ['conformance', 'seed-example'];
/** The folders of FOLDERS the shared data holds. */
const sharedFolders = () => FOLDERS.filter((name) => existsSync(join(source, name)));

/**
 * An argument quoted as JSON, with what JSON leaves raw (DEL, C1, the bidirectional and zero-width marks,
 * U+2028) escaped too: as contract/visible-text.ts shows it, which a plain .mjs cannot import.
 */
const visible = (text) =>
  JSON.stringify(text).replace(
    /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

function parseArguments(args) {
  if (args.some((arg) => arg === '--help' || arg === '-h')) return 'help';
  const unknown = args.find((arg) => arg !== '--check');
  if (unknown !== undefined) return { error: `unknown option ${visible(unknown)}` };
  return { check: args.includes('--check') };
}

/** Copies `folder` of the shared data to `to`, written as the committed copies are (`npm run lint` checks them). */
function copyFormatted(folder, to) {
  rmSync(to, { recursive: true, force: true });
  cpSync(join(source, folder), to, { recursive: true });
  const formatted = spawnSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', to], {
    encoding: 'utf8',
  });
  if (formatted.status !== 0) {
    console.error(
      `${formatted.stderr ?? formatted.error}\nfixtures:sync: could not format ${to} (npm ci first?)`,
    );
    process.exit(1);
  }
}

/** Files below `dir`, as paths relative to it. */
function filesBelow(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).filter((path) => statSync(join(dir, path)).isFile());
}

const BOM = '\uFEFF';

/** A file's content as the cases mean it: JSON by its value (the copies are formatted), the rest by its bytes. */
function contentOf(path) {
  const bytes = readFileSync(path);
  if (!path.endsWith('.json')) return bytes.toString('base64');
  const text = bytes.toString('utf8');
  const bom = text.startsWith(BOM);
  return `${bom ? 'bom ' : ''}${JSON.stringify(JSON.parse(bom ? text.slice(1) : text))}`;
}

/** Files that are new, gone or changed between `committed` and `shared`. */
function differences(committed, shared) {
  const paths = new Set([...filesBelow(committed), ...filesBelow(shared)]);
  return [...paths].sort().filter((path) => {
    const a = join(committed, path);
    const b = join(shared, path);
    return !existsSync(a) || !existsSync(b) || contentOf(a) !== contentOf(b);
  });
}

const parsed = parseArguments(process.argv.slice(2));
if (parsed === 'help') {
  console.log(USAGE);
} else if ('error' in parsed) {
  // The error alone, then where the help is, as every command says one: the whole help would scroll it away.
  console.error(`fixtures:sync: ${parsed.error}\nTry 'npm run fixtures:sync -- --help' for the options.`);
  process.exitCode = 2;
} else if (!existsSync(source)) {
  console.log(
    `fixtures:sync: ${source} does not exist; the committed copies in test/fixtures/ stay as they are.`,
  );
} else if (parsed.check) {
  const changed = sharedFolders().flatMap((folder) =>
    differences(join(target, folder), join(source, folder)).map((path) => join(folder, path)),
  );
  if (changed.length === 0) console.log(`fixtures:sync: test/fixtures/ holds the cases of ${source}`);
  else {
    console.log(`fixtures:sync: ${changed.length} file(s) differ from ${source}:\n  ${changed.join('\n  ')}`);
    process.exitCode = 1;
  }
} else {
  for (const folder of sharedFolders()) {
    const to = join(target, folder);
    copyFormatted(folder, to);
    const count = folder === 'conformance' ? readdirSync(to).length : 1;
    console.log(
      `fixtures:sync: ${folder} (${count} case${count === 1 ? '' : 's'}) copied from ${join(source, folder)}`,
    );
  }
}
