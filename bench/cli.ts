/**
 * The CLI as users run it: the bundled `bin/sessionize.mjs`, a whole process per run, output to /dev/null.
 * Its peak memory on large files, and how fast it starts.
 */
import { resolve } from 'node:path';
import type { ExportFile } from './exports.js';
import { measureProcess, type ProcessSample, REPO_ROOT } from './processes.js';
import type {
  CliInvocation,
  CliOutput,
  FileKind,
  MemoryRow,
  ProcessMeasure,
  Startup,
} from './report-model.js';
import { max, median, min } from './stats.js';

const CLI_BIN = resolve(REPO_ROOT, 'bin', 'sessionize.mjs');

/** `node bin/sessionize.mjs ARGS`, or the script run as an executable (as `npx sessionize` does). */
export function cliCommand(
  invocation: CliInvocation,
  args: readonly string[],
): { command: string; args: string[] } {
  return invocation === 'node'
    ? { command: process.execPath, args: [CLI_BIN, ...args] }
    : { command: CLI_BIN, args: [...args] };
}

export function displayCommand(invocation: CliInvocation, args: readonly string[]): string {
  return [invocation === 'node' ? 'node bin/sessionize.mjs' : 'bin/sessionize.mjs', ...args].join(' ');
}

/** One run of `sessionize --format json FILE > /dev/null` (or of the default table, `sessionize FILE`). */
export async function measureCli(
  invocation: CliInvocation,
  file: string,
  output: CliOutput = 'json',
): Promise<ProcessSample> {
  const { command, args } = cliCommand(invocation, output === 'json' ? ['--format', 'json', file] : [file]);
  const { stdout: _discarded, ...sample } = await measureProcess(command, args, { stdout: 'ignore' });
  return sample;
}

export function summarize(samples: readonly ProcessSample[]): ProcessMeasure {
  return {
    wallMs: median(samples.map((sample) => sample.wallMs)),
    cpuMs: median(samples.map((sample) => sample.cpuMs)),
    peakRssMiB: max(samples.map((sample) => sample.peakRssMiB)),
    minPeakRssMiB: min(samples.map((sample) => sample.peakRssMiB)),
    runs: samples.length,
  };
}

export async function benchmarkCliMemory(
  kind: FileKind,
  file: ExportFile,
  invocation: CliInvocation,
  output: CliOutput,
  runs: number,
  log: (message: string) => void,
): Promise<MemoryRow> {
  const samples: ProcessSample[] = [];
  const row = { kind, events: file.events, invocation, ...(output !== 'json' && { output }) };
  try {
    for (let run = 1; run <= runs; run++) {
      const sample = await measureCli(invocation, file.path, output);
      log(`  ${displayCommand(invocation, [])} (${output}) run ${run}: ${Math.round(sample.peakRssMiB)} MiB`);
      samples.push(sample);
    }
    return { ...row, measure: summarize(samples) };
  } catch (error) {
    log(`  failed: ${(error as Error).message}`);
    return { ...row, error: (error as Error).message };
  }
}

/** `node bin/sessionize.mjs --help`, spawn to exit: what a user waits for before any file is read. */
export async function benchmarkStartup(runs: number): Promise<Startup> {
  const { command, args } = cliCommand('node', ['--help']);
  const samples: ProcessSample[] = [];
  try {
    for (let run = 0; run < runs; run++) samples.push(await measureProcess(command, args));
  } catch (error) {
    return { error: (error as Error).message };
  }
  return {
    command: displayCommand('node', ['--help']),
    runs,
    medianMs: median(samples.map((sample) => sample.wallMs)),
    medianCpuMs: median(samples.map((sample) => sample.cpuMs)),
  };
}
