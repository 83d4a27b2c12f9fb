/**
 * Throughput of the project's read path against the floor on the same file, each run in a fresh process
 * and alternated (floor, project, floor, ...) so that drifting machine load hits both alike.
 */
import CLI_NODE_FLAGS from '../functions/cli/node-flags.json' with { type: 'json' };
import { runChild } from './child.js';
import type { ExportFile } from './exports.js';
import type { ThroughputSample } from './measure-throughput.js';
import type { ThroughputMeasure, ThroughputRow } from './report.js';
import { max, median, min } from './stats.js';

function summarize(samples: readonly ThroughputSample[]): ThroughputMeasure {
  return {
    ms: median(samples.map((sample) => sample.ms)),
    cpuMs: median(samples.map((sample) => sample.cpuMs)),
    peakRssMiB: max(samples.map((sample) => sample.peakRssMiB)),
    minPeakRssMiB: min(samples.map((sample) => sample.peakRssMiB)),
    runs: samples.length,
  };
}

export async function benchmarkThroughput(
  file: ExportFile,
  format: ThroughputRow['format'],
  runs: number,
  log: (message: string) => void,
): Promise<ThroughputRow> {
  const floor: ThroughputSample[] = [];
  const project: ThroughputSample[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const [mode, samples] of [
      ['floor', floor],
      ['project', project],
    ] as const) {
      // The project runs with the CLI's own V8 flags, as `npx sessionize` would.
      const sample = await runChild<ThroughputSample>('throughput', [mode, file.path], {
        nodeArgs: mode === 'project' ? CLI_NODE_FLAGS : [],
      });
      if (sample.events !== file.events) {
        throw new Error(`${mode} read ${sample.events} events from ${file.path}, expected ${file.events}`);
      }
      log(
        `  ${mode} run ${run}: ${Math.round(sample.ms)} ms (CPU ${Math.round(sample.cpuMs)} ms), ${Math.round(sample.peakRssMiB)} MiB`,
      );
      samples.push(sample);
    }
  }
  return {
    format,
    events: file.events,
    compressedBytes: file.bytes,
    uncompressedBytes: floor[0]?.uncompressedBytes ?? 0,
    floor: summarize(floor),
    project: summarize(project),
  };
}
