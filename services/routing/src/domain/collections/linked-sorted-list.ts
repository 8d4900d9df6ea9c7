import { OrderedSet } from './ordered-set';
import { Comparator } from './sorted-list';

/**
 * The links a LinkedSortedList keeps inside its elements: no node objects and no index map, so
 * adding and deleting allocate nothing and look nothing up.
 */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
  /** The list that holds the element, if any. */
  list: object | undefined;
}

/**
 * A sorted doubly linked list for keys that mostly grow, such as "idle since": an insert walks
 * back from the tail, so a new key that is the latest costs O(1), and a delete is O(1). An
 * element is in at most one list at a time. Inserting an old key costs the distance from the
 * tail; bulk loads should add in ascending order.
 */
export class LinkedSortedList<T extends Linked<T>> implements OrderedSet<T> {
  private head: T | undefined;
  private tail: T | undefined;

  constructor(private readonly compare: Comparator<T>) {}

  add(value: T): void {
    let before = this.tail;
    while (before && this.compare(before, value) > 0) before = before.prev;
    const after = before ? before.next : this.head;
    value.prev = before;
    value.next = after;
    value.list = this;
    if (after) after.prev = value;
    else this.tail = value;
    if (before) before.next = value;
    else this.head = value;
  }

  delete(value: T): boolean {
    if (value.list !== this) return false;
    if (value.prev) value.prev.next = value.next;
    else this.head = value.next;
    if (value.next) value.next.prev = value.prev;
    else this.tail = value.prev;
    value.prev = undefined;
    value.next = undefined;
    value.list = undefined;
    return true;
  }

  find(predicate: (value: T) => boolean): T | undefined {
    for (let value = this.head; value; value = value.next) if (predicate(value)) return value;
    return undefined;
  }

  findCircular(isBefore: (value: T) => boolean, predicate: (value: T) => boolean): T | undefined {
    let start = this.head;
    while (start && isBefore(start)) start = start.next;
    for (let value = start; value; value = value.next) if (predicate(value)) return value;
    for (let value = this.head; value !== start; value = value!.next) if (predicate(value!)) return value;
    return undefined;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let value = this.head; value; value = value.next) yield value;
  }
}
