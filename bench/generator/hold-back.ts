/** An event held back, released at an output position; ties go to the one held first. */
export interface HeldEvent<Produced> {
  releaseAt: number;
  sequence: number;
  produced: Produced;
  late: boolean;
}

/** Events held back until a given output position: late arrivals and scheduled duplicates. */
export class HoldBack<Produced> {
  private readonly heap: HeldEvent<Produced>[] = [];
  private sequence = 0;

  get size(): number {
    return this.heap.length;
  }

  add(releaseAt: number, produced: Produced, late: boolean): void {
    this.heap.push({ releaseAt, sequence: this.sequence++, produced, late });
    let at = this.heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(at, parent)) break;
      this.swap(at, parent);
      at = parent;
    }
  }

  /** The earliest held event if it is due at `position` (or any when `force`). */
  takeDue(position: number, force: boolean): HeldEvent<Produced> | undefined {
    const top = this.heap[0];
    if (top === undefined || (!force && top.releaseAt > position)) return undefined;
    const last = this.heap.pop() as HeldEvent<Produced>;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        const right = left + 1;
        let smallest = at;
        if (left < this.heap.length && this.before(left, smallest)) smallest = left;
        if (right < this.heap.length && this.before(right, smallest)) smallest = right;
        if (smallest === at) break;
        this.swap(at, smallest);
        at = smallest;
      }
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const a = this.heap[i] as HeldEvent<Produced>;
    const b = this.heap[j] as HeldEvent<Produced>;
    return a.releaseAt < b.releaseAt || (a.releaseAt === b.releaseAt && a.sequence < b.sequence);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as HeldEvent<Produced>;
    this.heap[i] = this.heap[j] as HeldEvent<Produced>;
    this.heap[j] = a;
  }
}
