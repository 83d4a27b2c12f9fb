#!/usr/bin/env node
// `npx sessionize`: the bundled CLI (built by `npm ci`, or `npm run build:cli`). No TypeScript is compiled at
// run time; V8's default heap sizing measured best on memory and time for this workload (BENCHMARKS.md).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/sessionize.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('sessionize: the CLI is not built yet; run `npm ci` (or `npm run build:cli`) first\n');
  process.exit(2);
}
await import(bundle.href);
