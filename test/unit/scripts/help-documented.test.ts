// Every option a command's --help lists is in the pages that describe the command, so a reader of the docs
// learns of each without running it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USAGE as MEASURE_COST_USAGE } from '../../../bench/measure-cost-options.js';
import { BENCH_USAGE } from '../../../bench/options.js';
import { USAGE as SESSIONIZE_USAGE } from '../../../cli/options.js';
import { USAGE as ERASE_USAGE } from '../../../scripts/erase/options.js';
import { USAGE as REPLAY_USAGE } from '../../../scripts/replay/options.js';
import { SOAK_USAGE } from '../../integration/faults/settings.js';

/** The --help of a script that runs on import. */
const helpOf = (script: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, '--help'], {
    cwd: new URL('../../../', import.meta.url),
    encoding: 'utf8',
    timeout: 60_000,
  }).stdout;

const page = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** The long options a help text lists, each once: `--gap`, `--report-users`, … (`--help` aside). */
const optionsOf = (usage: string) =>
  [...new Set(usage.match(/(?<![\w-])--[a-z][a-z-]*/g))].filter((option) => option !== '--help');

describe.each([
  ['sessionize', SESSIONIZE_USAGE, ['README.md', 'docs/rules.md']],
  ['npm run bench', BENCH_USAGE, ['docs/README.md']],
  ['npm run erase', ERASE_USAGE, ['docs/operations.md']],
  ['npm run replay', REPLAY_USAGE, ['docs/operations.md', 'docs/local.md']],
  ['npm run soak', SOAK_USAGE, ['docs/local.md']],
  ['npm run viewer', helpOf('scripts/viewer.ts'), ['viewer/README.md']],
  ['npm run viewer:build', helpOf('viewer/build.ts'), ['viewer/README.md']],
  ['npm run generate', helpOf('bench/write-export.ts'), ['docs/README.md']],
  ['npm run upload', helpOf('local/upload.ts'), ['docs/local.md']],
  ['npm run rebuild', helpOf('local/rebuild.ts'), ['docs/operations.md', 'docs/local.md']],
  ['bench/measure-cost.ts', MEASURE_COST_USAGE, ['docs/cost.md']],
  ['npm run fixtures:sync', helpOf('scripts/sync-fixtures.mjs'), ['docs/rules.md']],
] as const)('%s --help', (_, usage, pages) => {
  it(`lists only options ${pages.join(' or ')} name`, () => {
    const docs = pages.map(page).join('\n');
    const options = optionsOf(usage);
    // A help that was not read (a script that failed to start) lists none; rebuild's and fixtures:sync's one.
    expect(options.length).toBeGreaterThan(0);
    expect(options.filter((option) => !new RegExp(`\`[^\`]*${option}(?![\\w-])`).test(docs))).toEqual([]);
  });
});
