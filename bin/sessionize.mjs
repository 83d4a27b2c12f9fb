#!/usr/bin/env -S node --heap-growing-percent=50 --max-semi-space-size=32
// `npx sessionize`: the bundled CLI (built by `npm ci`, or `npm run build:cli`), run with the Node flags
// above: a lower heap growth keeps the peak memory of large files close to what they need.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/sessionize.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('sessionize: the CLI is not built yet; run `npm ci` (or `npm run build:cli`) first\n');
  process.exit(2);
}
await import(bundle.href);
