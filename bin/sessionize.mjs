#!/usr/bin/env -S node --max-semi-space-size=4
// `npx sessionize`: the bundled CLI (built by `npm ci`, or `npm run build:cli`). No TypeScript is compiled at
// run time. A young generation of 4 MB semi-spaces (16 by default) takes about 20 MiB off the peak at 1M
// events for about 2 % more CPU (BENCHMARKS.md); `node bin/sessionize.mjs` runs without it.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/sessionize.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('sessionize: the CLI is not built yet; run `npm ci` (or `npm run build:cli`) first\n');
  process.exit(2);
}
await import(bundle.href);
