interface Entry {
  readonly key: string;
  readonly at: number;
  readonly tieBreak: number;
}

/**
 * A min-heap of deadlines with at most one entry per key, so rescheduling replaces instead of
 * piling up stale entries. Equal times pop in `tieBreak` order, which callers derive from
 * persisted state so that a restored engine fires timers in the same order.
 */
export class DeadlineQueue {
  private readonly heap: Entry[] = [];
  private readonly positions = new Map<string, number>();

  set(key: string, at: number, tieBreak: number): void {
    this.delete(key);
    this.heap.push({ key, at, tieBreak });
    this.positions.set(key, this.heap.length - 1);
    this.siftUp(this.heap.length - 1);
  }

  delete(key: string): void {
    const index = this.positions.get(key);
    if (index === undefined) return;
    this.positions.delete(key);
    const last = this.heap.pop() as Entry;
    if (index === this.heap.length) return;
    this.heap[index] = last;
    this.positions.set(last.key, index);
    this.siftDown(index);
    this.siftUp(index);
  }

  peekTime(): number | null {
    return this.heap.length === 0 ? null : this.heap[0].at;
  }

  /** Removes and returns, earliest first, every key due at or before `now`. */
  popDue(now: number): string[] {
    const due: string[] = [];
    while (this.heap.length > 0 && this.heap[0].at <= now) {
      const key = this.heap[0].key;
      this.delete(key);
      due.push(key);
    }
    return due;
  }

  private before(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.tieBreak < b.tieBreak);
  }

  private siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(this.heap[index], this.heap[parent])) return;
      this.swap(index, parent);
      index = parent;
    }
  }

  private siftDown(index: number): void {
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < this.heap.length && this.before(this.heap[left], this.heap[smallest])) smallest = left;
      if (right < this.heap.length && this.before(this.heap[right], this.heap[smallest])) smallest = right;
      if (smallest === index) return;
      this.swap(index, smallest);
      index = smallest;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i];
    const b = this.heap[j];
    this.heap[i] = b;
    this.heap[j] = a;
    this.positions.set(b.key, i);
    this.positions.set(a.key, j);
  }
}
