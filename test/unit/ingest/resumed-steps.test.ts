import { describe, expect, it } from 'vitest';
import { digestOf, MergeProgress } from '../../../functions/ingest/progress.js';
import { ResumedSteps } from '../../../functions/ingest/resumed-steps.js';

function started(): MergeProgress {
  const progress = new MergeProgress(undefined);
  progress.startChunk(0, 10);
  return progress;
}

describe('ResumedSteps', () => {
  it('places every step of a chunk no delivery stopped inside', () => {
    const progress = started();
    const steps = new ResumedSteps(progress, undefined);
    expect(['l:x', 'u:a', 'u:b'].map((name) => steps.place(name))).toEqual([0, 1, 2]);
    steps.check();
    expect(steps.skippedAmiss).toBe(0);
    expect(progress.snapshot().partial).toBeUndefined();
  });

  it('skips the steps done and counts them done once their names prove them the same', () => {
    const progress = started();
    const resume = { end: 10, owners: 2, ownersDigest: digestOf(['u:a', 'u:b']) };
    const steps = new ResumedSteps(progress, resume);
    expect(['u:a', 'u:b', 'u:c'].map((name) => steps.place(name))).toEqual(['skip', 'skip', 2]);
    expect(steps.skippedAmiss).toBe(0);
    expect(progress.snapshot().partial?.owners).toBe(2);
  });

  it('says how many were skipped amiss when the names differ', () => {
    const progress = started();
    const steps = new ResumedSteps(progress, { end: 10, owners: 2, ownersDigest: digestOf(['u:a', 'u:z']) });
    expect(['u:a', 'u:b', 'u:c'].map((name) => steps.place(name))).toEqual(['skip', 'skip', 2]);
    expect(steps.skippedAmiss).toBe(2);
    expect(progress.snapshot().partial).toBeUndefined();
  });

  it('says so too when the chunk runs out of steps before the ones done', () => {
    const progress = started();
    const steps = new ResumedSteps(progress, { end: 10, owners: 2, ownersDigest: digestOf(['u:a', 'u:b']) });
    expect(steps.place('u:a')).toBe('skip');
    steps.check();
    expect(steps.skippedAmiss).toBe(2);
  });
});

describe('MergeProgress.finishedPast', () => {
  it('is true before a finished step, false at it and past it', () => {
    const progress = started();
    for (const name of ['u:a', 'u:b', 'u:c']) progress.offerStep(name);
    expect(progress.finishedPast(0)).toBe(false);
    progress.finishStep(1);
    // A call stopping before a would leave b, done, out of its progress; b is no step past itself.
    expect([0, 1, 2].map((index) => progress.finishedPast(index))).toEqual([true, false, false]);
  });
});
