/** What a DeadlineQueue keeps inside each element it schedules. */
export interface Scheduled {
  /** Position in the heap; -1 when not scheduled. */
  heapIndex: number;
}

/**
 * A min-heap of deadlines that stores each element's position in the element itself, so an
 * element is scheduled at most once (setting again reschedules) and nothing is allocated or
 * looked up per operation. Equal times pop in `tieBreak` order, which callers derive from
 * persisted state so that a restored engine fires timers in the same order. An element belongs
 * to one queue at most.
 */
export class DeadlineQueue<T extends Scheduled> {
  private readonly heap: T[] = [];
  // The keys of heap[i], in arrays beside it: sifting compares numbers read in a row instead of
  // reading every element it passes, which are scattered over the heap and rarely in cache.
  private readonly times: number[] = [];
  private readonly tieBreaks: number[] = [];

  set(value: T, at: number, tieBreak: number): void {
    if (value.heapIndex < 0) {
      value.heapIndex = this.heap.length;
      this.heap.push(value);
      this.times.push(at);
      this.tieBreaks.push(tieBreak);
    } else {
      this.times[value.heapIndex] = at;
      this.tieBreaks[value.heapIndex] = tieBreak;
      this.siftDown(value.heapIndex);
    }
    this.siftUp(value.heapIndex);
  }

  delete(value: T): void {
    const index = value.heapIndex;
    if (index < 0) return;
    value.heapIndex = -1;
    const last = this.heap.pop() as T;
    const lastTime = this.times.pop() as number;
    const lastTieBreak = this.tieBreaks.pop() as number;
    if (index === this.heap.length) return;
    this.place(last, lastTime, lastTieBreak, index);
    this.siftDown(index);
    this.siftUp(last.heapIndex);
  }

  peekTime(): number | null {
    return this.heap.length === 0 ? null : this.times[0];
  }

  /** Removes every element due at or before `now` and appends it, earliest first, to `due`. */
  popDue(now: number, due: T[]): T[] {
    while (this.heap.length > 0 && this.times[0] <= now) {
      const first = this.heap[0];
      this.delete(first);
      due.push(first);
    }
    return due;
  }

  private siftUp(index: number): void {
    const { heap, times, tieBreaks } = this;
    const value = heap[index];
    const time = times[index];
    const tieBreak = tieBreaks[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!dueBefore(time, tieBreak, times[parent], tieBreaks[parent])) break;
      this.place(heap[parent], times[parent], tieBreaks[parent], index);
      index = parent;
    }
    this.place(value, time, tieBreak, index);
  }

  private siftDown(index: number): void {
    const { heap, times, tieBreaks } = this;
    const value = heap[index];
    const time = times[index];
    const tieBreak = tieBreaks[index];
    const length = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && dueBefore(times[right], tieBreaks[right], times[left], tieBreaks[left]) ? right : left;
      if (!dueBefore(times[child], tieBreaks[child], time, tieBreak)) break;
      this.place(heap[child], times[child], tieBreaks[child], index);
      index = child;
    }
    this.place(value, time, tieBreak, index);
  }

  private place(value: T, time: number, tieBreak: number, index: number): void {
    this.heap[index] = value;
    this.times[index] = time;
    this.tieBreaks[index] = tieBreak;
    value.heapIndex = index;
  }
}

function dueBefore(time: number, tieBreak: number, otherTime: number, otherTieBreak: number): boolean {
  return time < otherTime || (time === otherTime && tieBreak < otherTieBreak);
}
