import { describe, expect, it } from 'vitest';
import { renderBenchmarksMd } from '../../../bench/report.js';
import { keepSections } from '../../../bench/report-merge.js';
import { report, withoutSections } from './report-fixture.js';

describe('a run that keeps the sections it does not measure', () => {
  const earlier = report({
    code: { commit: 'old0001', dirty: false },
    date: '2023-12-01T00:00:00.000Z',
    machine: { ...report().machine, loadMax: 4.5 },
  });
  const fresh = () => withoutSections({ code: { commit: 'new0002', dirty: false } });

  it('takes the others from the earlier run, with where each came from', () => {
    const run = fresh();

    keepSections(run, earlier, new Set(['throughput', 'memory']));

    expect(run.throughput).toEqual([]);
    expect(run.memory).toEqual([]);
    expect(run.ingest).toEqual(earlier.ingest);
    expect(run.api).toBe(earlier.api);
    expect(run.bundles).toBe(earlier.bundles);
    expect(run.startup).toBe(earlier.startup);
    expect(Object.keys(run.kept ?? {})).toEqual(['startup', 'bundles', 'writes', 'ingest', 'api']);
    expect(run.kept?.ingest).toEqual({
      code: { commit: 'old0001', dirty: false },
      date: '2023-12-01T00:00:00.000Z',
      loadMax: 4.5,
    });
  });

  it('keeps the 10M ingest row apart from the daily write rows', () => {
    const writesAgain = fresh();
    keepSections(writesAgain, earlier, new Set(['writes']));
    expect(writesAgain.ingest.map((row) => row.kind)).toEqual(['memory']);
    expect(writesAgain.kept?.writes).toBeUndefined();
    expect(writesAgain.kept?.ingest?.code?.commit).toBe('old0001');

    const memoryAgain = fresh();
    keepSections(memoryAgain, earlier, new Set(['ingest']));
    expect(memoryAgain.ingest.map((row) => row.kind)).toEqual(['daily', 'redelivery']);
    expect(memoryAgain.kept?.ingest).toBeUndefined();
    expect(memoryAgain.kept?.writes?.code?.commit).toBe('old0001');
  });

  it('keeps the first origin when a kept section is kept again', () => {
    const middle = fresh();
    keepSections(middle, earlier, new Set(['throughput', 'memory']));
    middle.throughput = earlier.throughput;
    const latest = { ...fresh(), code: { commit: 'new0003', dirty: false } };

    keepSections(latest, middle, new Set(['memory']));

    expect(latest.kept?.api?.code?.commit).toBe('old0001');
    expect(latest.kept?.throughput?.code?.commit).toBe('new0002');
  });

  it('says in BENCHMARKS.md which sections are kept and from when', () => {
    const run = fresh();
    keepSections(run, earlier, new Set(['throughput', 'memory']));

    expect(renderBenchmarksMd(run)).toContain(
      '- **Kept from an earlier run:** startup, bundles, writes, ingest, api, measured at `old0001` on 2023-12-01T00:00:00.000Z (load average at most 4.50); this run did not measure them again.\n',
    );
    expect(renderBenchmarksMd(report())).not.toContain('Kept from');
  });

  it('refuses to mix quick and full runs', () => {
    expect(() => keepSections(fresh(), { ...earlier, mode: 'quick' }, new Set(['memory']))).toThrow(
      /saved results are of a quick run, this is a full run/,
    );
  });
});
