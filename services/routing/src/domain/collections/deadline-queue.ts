/** What a DeadlineQueue keeps inside each element it schedules. */
export interface Scheduled {
  /** Position in the heap; -1 when not scheduled. */
  heapIndex: number;
  dueAt: number;
  dueTieBreak: number;
}

/**
 * A min-heap of deadlines that stores its bookkeeping in the elements themselves, so an
 * element is scheduled at most once (setting again reschedules) and nothing is allocated or
 * looked up per operation. Equal times pop in `tieBreak` order, which callers derive from
 * persisted state so that a restored engine fires timers in the same order. An element belongs
 * to one queue at most.
 */
export class DeadlineQueue<T extends Scheduled> {
  private readonly heap: T[] = [];

  set(value: T, at: number, tieBreak: number): void {
    value.dueAt = at;
    value.dueTieBreak = tieBreak;
    if (value.heapIndex < 0) {
      value.heapIndex = this.heap.length;
      this.heap.push(value);
    } else {
      this.siftDown(value.heapIndex);
    }
    this.siftUp(value.heapIndex);
  }

  delete(value: T): void {
    const index = value.heapIndex;
    if (index < 0) return;
    value.heapIndex = -1;
    const last = this.heap.pop() as T;
    if (index === this.heap.length) return;
    this.heap[index] = last;
    last.heapIndex = index;
    this.siftDown(index);
    this.siftUp(last.heapIndex);
  }

  peekTime(): number | null {
    return this.heap.length === 0 ? null : this.heap[0].dueAt;
  }

  /** Removes every element due at or before `now` and appends it, earliest first, to `due`. */
  popDue(now: number, due: T[]): T[] {
    while (this.heap.length > 0 && this.heap[0].dueAt <= now) {
      const first = this.heap[0];
      this.delete(first);
      due.push(first);
    }
    return due;
  }

  private before(a: T, b: T): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.dueTieBreak < b.dueTieBreak);
  }

  private siftUp(index: number): void {
    const value = this.heap[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(value, this.heap[parent])) break;
      this.place(this.heap[parent], index);
      index = parent;
    }
    this.place(value, index);
  }

  private siftDown(index: number): void {
    const value = this.heap[index];
    const length = this.heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && this.before(this.heap[right], this.heap[left]) ? right : left;
      if (!this.before(this.heap[child], value)) break;
      this.place(this.heap[child], index);
      index = child;
    }
    this.place(value, index);
  }

  private place(value: T, index: number): void {
    this.heap[index] = value;
    value.heapIndex = index;
  }
}
