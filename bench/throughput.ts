/**
 * The CLI against the floor and DuckDB on the same file, each run a whole process, alternated (floor,
 * project, DuckDB, floor, ...) so that drifting machine load hits all three alike.
 */
import { measureCli, summarize } from './cli.js';
import type { ExportFile } from './exports.js';
import { type ProcessSample, runChild } from './processes.js';
import type { ThroughputRow } from './report-model.js';

/** DuckDB's threads, as in the comparison. */
const DUCKDB_THREADS = 2;

const describe = (sample: ProcessSample) =>
  `${Math.round(sample.wallMs)} ms (CPU ${Math.round(sample.cpuMs)} ms), ${Math.round(sample.peakRssMiB)} MiB`;

export async function benchmarkThroughput(
  kind: ThroughputRow['kind'],
  file: ExportFile,
  runs: number,
  log: (message: string) => void,
): Promise<ThroughputRow> {
  const floor: ProcessSample[] = [];
  const project: ProcessSample[] = [];
  const duckdb: ProcessSample[] = [];
  let uncompressedBytes = 0;
  let duckdbSessions = 0;
  for (let run = 1; run <= runs; run++) {
    const read = await runChild<{ events: number; uncompressedBytes: number }>('floor', [file.path]);
    if (read.events !== file.events)
      throw new Error(`the floor read ${read.events} events from ${file.path}`);
    uncompressedBytes = read.uncompressedBytes;
    floor.push(read);
    log(`  floor run ${run}: ${describe(read)}`);

    const cli = await measureCli('node', file.path);
    project.push(cli);
    log(`  project run ${run}: ${describe(cli)}`);

    const sql = await runChild<{ sessions: number }>('duckdb', [file.path, String(DUCKDB_THREADS)]);
    duckdbSessions = sql.sessions;
    duckdb.push(sql);
    log(`  duckdb run ${run}: ${describe(sql)}, ${sql.sessions} sessions`);
  }
  return {
    kind,
    events: file.events,
    compressedBytes: file.bytes,
    uncompressedBytes,
    duckdbSessions,
    floor: summarize(floor),
    project: summarize(project),
    duckdb: summarize(duckdb),
  };
}
