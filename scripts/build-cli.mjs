#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Bundles the batch CLI into one ESM file (dist/cli/sessionize.mjs) that bin/sessionize.mjs loads: no
// TypeScript compilation at run time, so `npx sessionize` starts in tens of milliseconds. Runs at `npm ci`
// (the `prepare` script) and from `npm run build:cli`.
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: root,
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/cli/sessionize.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Bundled CommonJS dependencies call require(), which ESM output lacks.
  banner: {
    js: "import { createRequire as __cliCreateRequire } from 'node:module'; const require = __cliCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  logLevel: 'warning',
});
