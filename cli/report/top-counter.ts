export interface TopList {
  readonly items: readonly { readonly key: string; readonly count: number }[];
  /** How many values were counted in all, top or not. */
  readonly total: number;
  /** True once more distinct keys arrived than are tracked: counts are then lower bounds. */
  readonly approximate: boolean;
  /** By how much any count shown may fall short of the true one (0 when exact). */
  readonly maxUndercount: number;
}

/**
 * Counts keys exactly while there are at most `maxKeys` distinct ones. Past that it drops the rarer half and
 * goes on, so memory stays bounded however many distinct urls an export has; the frequent keys a report shows
 * survive every pruning, and the result says how far off a count can be.
 */
export class TopCounter {
  private readonly counts = new Map<string, number>();
  private total = 0;
  private undercount = 0;
  private pruned = false;

  constructor(private readonly maxKeys = 10_000) {}

  add(key: string): void {
    this.total++;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.counts.size > this.maxKeys) this.prune();
  }

  top(limit: number): TopList {
    return {
      items: this.sorted()
        .slice(0, limit)
        .map(([key, count]) => ({ key, count })),
      total: this.total,
      approximate: this.pruned,
      maxUndercount: this.undercount,
    };
  }

  private sorted(): [string, number][] {
    return [...this.counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  }

  private prune(): void {
    const entries = this.sorted();
    const keep = Math.floor(this.maxKeys / 2);
    this.undercount += entries[keep]?.[1] ?? 0;
    for (const [key] of entries.slice(keep)) this.counts.delete(key);
    this.pruned = true;
  }
}
