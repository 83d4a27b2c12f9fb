/** Where and on what a run measured: the machine, its load while the run lasted, the code's version. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import type { BenchReport, Machine } from './report-model.js';

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1] !== undefined) return match[1].trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

const oneMinuteLoad = () => loadavg()[0] ?? 0;

/** Samples the load average while a run lasts; `machine()` describes the machine with what was seen. */
export function watchMachine(): { machine(): Machine; stop(): void } {
  const loadStart = oneMinuteLoad();
  let loadMax = loadStart;
  const timer = setInterval(() => {
    loadMax = Math.max(loadMax, oneMinuteLoad());
  }, 5_000);
  timer.unref();
  return {
    machine: () => {
      const loadEnd = oneMinuteLoad();
      return {
        cpu: cpuModel(),
        cores: availableParallelism(),
        memoryGiB: totalmem() / 1024 ** 3,
        node: process.version,
        os: `${type()} ${release()}`,
        loadStart,
        loadEnd,
        loadMax: Math.max(loadMax, loadEnd),
      };
    },
    stop: () => clearInterval(timer),
  };
}

/** The paths whose changes change what the benchmark measures. */
const MEASURED_PATHS = [
  'functions',
  'cli',
  'bin',
  'contract',
  'lib',
  'bench',
  'scripts',
  'package-lock.json',
];

/** HEAD, and whether the measured code differs from it. */
export function codeVersion(): BenchReport['code'] {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', ...MEASURED_PATHS);
    return { commit: git('rev-parse', '--short', 'HEAD'), dirty: dirty !== '' };
  } catch {
    return undefined;
  }
}
