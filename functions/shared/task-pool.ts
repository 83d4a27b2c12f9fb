/**
 * Runs tasks handed to it one by one, at most `limit` at once, so a producer can hand over work as it makes
 * it and hold only what is in flight. After the first failure no new task starts; the ones in flight are
 * awaited (nothing keeps running behind a failed invocation) and the first error is thrown.
 */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;
  private slotFreed: (() => void) | undefined;

  constructor(private readonly limit: number) {}

  /**
   * Starts `task`. Returns a promise when the producer must wait before offering more: the pool is full (it
   * settles when a slot frees) or a task has failed (it rejects once the others have settled).
   */
  offer(task: () => Promise<void>): Promise<void> | undefined {
    if (this.failure !== undefined) return this.drain();
    const running: Promise<void> = Promise.resolve()
      .then(task)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.running.delete(running);
        const wake = this.slotFreed;
        this.slotFreed = undefined;
        wake?.();
      });
    this.running.add(running);
    if (this.running.size < Math.max(1, this.limit)) return undefined;
    return new Promise<void>((resolve) => {
      this.slotFreed = resolve;
    }).then(() => (this.failure === undefined ? undefined : this.drain()));
  }

  /** Waits for every task offered; throws the first failure. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
    if (this.failure !== undefined) throw this.failure.error;
  }
}
