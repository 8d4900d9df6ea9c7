/**
 * Key-value pairs in insertion order that drop from the front: the closed offers kept for
 * precise errors on late accepts. Appending and dropping are O(1) and allocate nothing in
 * steady use (a ring buffer that grows by doubling); finding a key scans from the newest entry,
 * which is fine for a lookup that only errors need. A Map would cost two hash updates on every
 * closed offer instead.
 */
export class FifoLog<K, V> implements Iterable<[K, V]> {
  private keys: (K | undefined)[] = new Array<K | undefined>(16).fill(undefined);
  private values: (V | undefined)[] = new Array<V | undefined>(16).fill(undefined);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(key: K, value: V): void {
    if (this.count === this.keys.length) this.grow();
    const slot = (this.head + this.count) & (this.keys.length - 1);
    this.keys[slot] = key;
    this.values[slot] = value;
    this.count++;
  }

  dropOldest(): void {
    if (this.count === 0) return;
    this.keys[this.head] = undefined;
    this.values[this.head] = undefined;
    this.head = (this.head + 1) & (this.keys.length - 1);
    this.count--;
  }

  /** The value of the newest entry with the key. */
  find(key: K): V | undefined {
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = (this.head + i) & (this.keys.length - 1);
      if (this.keys[slot] === key) return this.values[slot];
    }
    return undefined;
  }

  /** Oldest first. */
  *[Symbol.iterator](): Iterator<[K, V]> {
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) & (this.keys.length - 1);
      yield [this.keys[slot] as K, this.values[slot] as V];
    }
  }

  private grow(): void {
    const capacity = this.keys.length * 2;
    const keys = new Array<K | undefined>(capacity).fill(undefined);
    const values = new Array<V | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) & (this.keys.length - 1);
      keys[i] = this.keys[slot];
      values[i] = this.values[slot];
    }
    this.keys = keys;
    this.values = values;
    this.head = 0;
  }
}
