import { OrderedSet } from './ordered-set';
import { Comparator } from './sorted-list';

interface Node<T> {
  readonly value: T;
  prev: Node<T> | undefined;
  next: Node<T> | undefined;
}

/**
 * A sorted doubly linked list for keys that mostly grow, such as "idle since": an insert walks
 * back from the tail, so a new key that is the latest costs O(1), and a delete is O(1) through
 * the node index. Inserting an old key costs the distance from the tail; bulk loads should
 * add in ascending order.
 */
export class LinkedSortedList<T> implements OrderedSet<T> {
  private head: Node<T> | undefined;
  private tail: Node<T> | undefined;
  private readonly nodes = new Map<T, Node<T>>();

  constructor(private readonly compare: Comparator<T>) {}

  add(value: T): void {
    let before = this.tail;
    while (before && this.compare(before.value, value) > 0) before = before.prev;
    const node: Node<T> = { value, prev: before, next: before ? before.next : this.head };
    if (node.next) node.next.prev = node;
    else this.tail = node;
    if (before) before.next = node;
    else this.head = node;
    this.nodes.set(value, node);
  }

  delete(value: T): boolean {
    const node = this.nodes.get(value);
    if (!node) return false;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    this.nodes.delete(value);
    return true;
  }

  find(predicate: (value: T) => boolean): T | undefined {
    for (let node = this.head; node; node = node.next) if (predicate(node.value)) return node.value;
    return undefined;
  }

  findCircular(isBefore: (value: T) => boolean, predicate: (value: T) => boolean): T | undefined {
    let start = this.head;
    while (start && isBefore(start.value)) start = start.next;
    for (let node = start; node; node = node.next) if (predicate(node.value)) return node.value;
    for (let node = this.head; node !== start; node = node!.next) if (predicate(node!.value)) return node!.value;
    return undefined;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let node = this.head; node; node = node.next) yield node.value;
  }
}
