import { OrderedSet } from './ordered-set';

export type Comparator<T> = (a: T, b: T) => number;

/**
 * An ordered collection kept as a list of sorted chunks: binary search finds the chunk and the
 * slot, and a splice only moves one chunk. This gives O(log n) lookups and cheap inserts and
 * deletes at the sizes routing needs (thousands of agents or items per queue) without the
 * rebalancing code of a tree, and it iterates in order without allocation.
 *
 * The comparator must be a total order (ties broken by a unique key) and an element's key must
 * not change while it is in the list: remove it, change it, add it again.
 */
export class SortedList<T> implements OrderedSet<T> {
  private chunks: T[][] = [];
  private count = 0;

  constructor(
    private readonly compare: Comparator<T>,
    private readonly chunkSize = 128,
  ) {}

  get size(): number {
    return this.count;
  }

  add(value: T): void {
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push([value]);
      return;
    }
    let chunkIndex = this.chunks.length - 1;
    const last = this.chunks[chunkIndex];
    // Most additions are the newest item or the latest idle time: they append without a search.
    if (last.length === 0 || this.compare(last[last.length - 1], value) < 0) {
      last.push(value);
    } else {
      chunkIndex = this.chunkFor(value);
      insertAt(this.chunks[chunkIndex], this.lowerBound(this.chunks[chunkIndex], value), value);
    }
    const chunk = this.chunks[chunkIndex];
    if (chunk.length > 2 * this.chunkSize) this.chunks.splice(chunkIndex + 1, 0, chunk.splice(this.chunkSize));
  }

  delete(value: T): boolean {
    if (this.count === 0) return false;
    // The head is what a queue serves next: found without a search.
    let chunkIndex = 0;
    let index = 0;
    if (this.chunks[0][0] !== value) {
      chunkIndex = this.chunkFor(value);
      index = this.lowerBound(this.chunks[chunkIndex], value);
      if (this.chunks[chunkIndex][index] !== value) return false;
    }
    const chunk = this.chunks[chunkIndex];
    removeAt(chunk, index);
    // The last chunk stays when empty, so a list that keeps emptying and refilling (a quiet
    // queue) does not allocate a chunk each time.
    if (chunk.length === 0 && this.chunks.length > 1) removeAt(this.chunks, chunkIndex);
    this.count--;
    return true;
  }

  first(): T | undefined {
    return this.count === 0 ? undefined : this.chunks[0][0];
  }

  find(predicate: (value: T) => boolean): T | undefined {
    for (const chunk of this.chunks) {
      for (const value of chunk) if (predicate(value)) return value;
    }
    return undefined;
  }

  findCircular(isBefore: (value: T) => boolean, predicate: (value: T) => boolean): T | undefined {
    const [startChunk, startOffset] = this.partitionPoint(isBefore);
    for (let c = startChunk; c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      for (let i = c === startChunk ? startOffset : 0; i < chunk.length; i++) if (predicate(chunk[i])) return chunk[i];
    }
    for (let c = 0; c <= startChunk && c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      const end = c === startChunk ? startOffset : chunk.length;
      for (let i = 0; i < end; i++) if (predicate(chunk[i])) return chunk[i];
    }
    return undefined;
  }

  /** How many elements order strictly before `value`. */
  rank(value: T): number {
    if (this.count === 0) return 0;
    const chunkIndex = this.chunkFor(value);
    let before = 0;
    for (let i = 0; i < chunkIndex; i++) before += this.chunks[i].length;
    return before + this.lowerBound(this.chunks[chunkIndex], value);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const chunk of this.chunks) yield* chunk;
  }

  toArray(): T[] {
    return this.chunks.flat();
  }

  /** Index of the first chunk whose last element is not below `value`, else the last chunk. */
  private chunkFor(value: T): number {
    let low = 0;
    let high = this.chunks.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const chunk = this.chunks[middle];
      if (this.compare(chunk[chunk.length - 1], value) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private lowerBound(chunk: T[], value: T): number {
    let low = 0;
    let high = chunk.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(chunk[middle], value) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** [chunk, offset] of the first element for which `isBefore` is false. */
  private partitionPoint(isBefore: (value: T) => boolean): [number, number] {
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      if (chunk.length === 0 || isBefore(chunk[chunk.length - 1])) continue;
      let low = 0;
      let high = chunk.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (isBefore(chunk[middle])) low = middle + 1;
        else high = middle;
      }
      return [c, low];
    }
    return [this.chunks.length, 0];
  }
}

// In-place shifts instead of splice, which allocates an array of the removed elements on every
// call, on the hot path of every waiting item and ready agent.
function insertAt<T>(array: T[], index: number, value: T): void {
  array.push(value);
  for (let i = array.length - 1; i > index; i--) array[i] = array[i - 1];
  array[index] = value;
}

function removeAt<T>(array: T[], index: number): void {
  for (let i = index; i < array.length - 1; i++) array[i] = array[i + 1];
  array.pop();
}
