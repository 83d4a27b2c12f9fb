/**
 * Preloaded (NODE_OPTIONS=--import) into a measured Node process: as the process exits, writes its own CPU
 * time (all threads) and peak resident set to the file named by BENCH_RUSAGE_FILE. No imports beyond node:fs,
 * so it adds next to nothing to what it measures.
 */
import { writeFileSync } from 'node:fs';

export interface ResourceUsage {
  /** User + system CPU time of every thread of the process. */
  cpuMs: number;
  maxRssKiB: number;
}

const file = process.env.BENCH_RUSAGE_FILE;
if (file !== undefined) {
  // Not inherited by anything this process starts: each measured process reports only itself.
  delete process.env.BENCH_RUSAGE_FILE;
  process.once('exit', () => {
    const usage = process.resourceUsage();
    const result: ResourceUsage = {
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      maxRssKiB: usage.maxRSS,
    };
    writeFileSync(file, JSON.stringify(result));
  });
}
