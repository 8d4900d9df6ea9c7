/**
 * An ordered collection of distinct elements, as the ready-agent indexes use it. An element's
 * key must not change while it is in the set: delete it, change it, add it again.
 */
export interface OrderedSet<T> extends Iterable<T> {
  add(value: T): void;
  /** Removes this exact element; false when it is not in the set. */
  delete(value: T): boolean;
  /** The first element, in order, that satisfies the predicate. */
  find(predicate: (value: T) => boolean): T | undefined;
  /**
   * The first element satisfying the predicate among those for which `isBefore` is false, then
   * wrapping around to the start. `isBefore` must hold for a prefix of the set only.
   */
  findCircular(isBefore: (value: T) => boolean, predicate: (value: T) => boolean): T | undefined;
}
