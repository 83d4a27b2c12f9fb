#!/usr/bin/env node
// Copies the public conformance cases and the seed example into test/fixtures/ from the shared data
// folder the project was specified with (../shared/data beside the repository, or SESSIONIZER_SHARED_DATA).
// The repository never needs that folder: the copies are committed. Run `npm run fixtures:sync` when the
// shared cases change, then review and commit the difference.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.env.SESSIONIZER_SHARED_DATA ?? join(root, '..', 'shared', 'data'));
const target = join(root, 'test', 'fixtures');

if (!existsSync(source)) {
  console.log(
    `fixtures:sync: ${source} does not exist; the committed copies in test/fixtures/ stay as they are.`,
  );
  process.exit(0);
}
for (const folder of ['conformance', 'seed-example']) {
  const from = join(source, folder);
  if (!existsSync(from)) continue;
  const to = join(target, folder);
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  // Written as the committed copies are (`npm run lint` checks them), so unchanged cases show no difference.
  const formatted = spawnSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', to], {
    encoding: 'utf8',
  });
  if (formatted.status !== 0) {
    console.error(
      `${formatted.stderr ?? formatted.error}\nfixtures:sync: could not format ${to} (npm ci first?)`,
    );
    process.exit(1);
  }
  const count = folder === 'conformance' ? readdirSync(to).length : 1;
  console.log(`fixtures:sync: ${folder} (${count} case${count === 1 ? '' : 's'}) copied from ${from}`);
}
