import { describe, expect, it } from 'vitest';
import { TaskPool } from '../../../functions/shared/task-pool.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** A task that counts how many run at once and records when it ends. */
function tracker() {
  let running = 0;
  let most = 0;
  const ended: number[] = [];
  return {
    task:
      (id: number, fail = false) =>
      async () => {
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
        ended.push(id);
        if (fail) throw new Error(`task ${id} failed`);
      },
    get most() {
      return most;
    },
    get running() {
      return running;
    },
    ended,
  };
}

describe('TaskPool', () => {
  it('runs at most `limit` tasks at once and asks the producer to wait only when full', async () => {
    const pool = new TaskPool(3);
    const tasks = tracker();
    const waits: boolean[] = [];
    for (let id = 0; id < 10; id++) {
      const full = pool.offer(tasks.task(id));
      waits.push(full !== undefined);
      if (full !== undefined) await full;
    }
    await pool.drain();
    expect(tasks.most).toBe(3);
    expect(waits.slice(0, 2)).toEqual([false, false]);
    expect(waits[2]).toBe(true);
    expect([...tasks.ended].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('starts nothing after a failure, lets the running tasks end, then throws the first error', async () => {
    const pool = new TaskPool(2);
    const tasks = tracker();
    pool.offer(tasks.task(0, true));
    const full = pool.offer(tasks.task(1));
    await expect(full).rejects.toThrow('task 0 failed');
    expect(tasks.running).toBe(0);
    const started = tasks.ended.length;
    await expect(pool.offer(tasks.task(2)) as Promise<void>).rejects.toThrow('task 0 failed');
    await expect(pool.drain()).rejects.toThrow('task 0 failed');
    expect(tasks.ended).toHaveLength(started);
  });

  it('turns a task that throws before its first await into a failure, not an exception of offer', async () => {
    const pool = new TaskPool(4);
    expect(
      pool.offer(() => {
        throw new Error('at once');
      }),
    ).toBeUndefined();
    await expect(pool.drain()).rejects.toThrow('at once');
  });
});
