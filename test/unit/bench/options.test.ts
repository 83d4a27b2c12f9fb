import { describe, expect, it } from 'vitest';
import { isWhole, parseBenchOptions } from '../../../bench/options.js';
import { SECTIONS } from '../../../bench/report.js';

describe('parseBenchOptions', () => {
  it('writes BENCHMARKS.md after a whole full run only, kept sections counting as measured', () => {
    expect(parseBenchOptions([]).out).toBe('BENCHMARKS.md');
    expect(parseBenchOptions(['--only', 'writes,api', '--keep']).out).toBe('BENCHMARKS.md');
    expect(parseBenchOptions(['--only', SECTIONS.join(',')]).out).toBe('BENCHMARKS.md');
    // A report of some sections would replace every other with nothing.
    expect(parseBenchOptions(['--only', 'writes']).out).toBeUndefined();
    expect(parseBenchOptions(['--quick']).out).toBeUndefined();
    expect(parseBenchOptions(['--render', 'bench/out/results-full.json']).out).toBeUndefined();
    expect(parseBenchOptions(['--only', 'writes', '--out', 'writes.md']).out).toBe('writes.md');
  });

  it('says which sections a run measures, and whether its report holds them all', () => {
    const some = parseBenchOptions(['--quick', '--only', ' writes , api']);
    expect({ mode: some.mode, sections: [...some.sections], whole: isWhole(some) }).toEqual({
      mode: 'quick',
      sections: ['writes', 'api'],
      whole: false,
    });
    expect(isWhole(parseBenchOptions(['--seed', '7']))).toBe(true);
    expect(parseBenchOptions(['--seed', '7']).seed).toBe(7);
  });

  it('refuses what it cannot honour, saying what is wrong', () => {
    expect(() => parseBenchOptions(['--only', 'speed'])).toThrow(/--only takes .*; got speed/);
    expect(() => parseBenchOptions(['--keep'])).toThrow(/give --only as well/);
    expect(() => parseBenchOptions(['--seed', '1.5'])).toThrow(
      /--seed must be a whole number in decimal digits, got 1.5/,
    );
    // Number() reads these as 16 and 1000: a seed is written in decimal digits, as every number the tools take.
    expect(() => parseBenchOptions(['--seed', '0x10'])).toThrow(/--seed must be .* got 0x10/);
    expect(() => parseBenchOptions(['--seed', '1e3'])).toThrow(/--seed must be .* got 1e3/);
    expect(() => parseBenchOptions(['--fast'])).toThrow(/--fast/);
    expect(() => parseBenchOptions(['--only', 'cli', '--only', 'api'])).toThrow(/--only is given twice/);
  });
});
