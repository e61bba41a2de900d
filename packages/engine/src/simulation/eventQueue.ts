/**
 * The simulator's agenda: a binary min-heap ordered by (virtual time, sequence number). The sequence
 * number breaks ties in insertion order, so two events at the same instant always run in the same
 * order and a run is a pure function of its seed.
 */

export interface Scheduled<T> {
  at: number;
  seq: number;
  item: T;
}

export class EventQueue<T> {
  private readonly heap: Scheduled<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    this.heap.push({ at, seq: this.nextSeq++, item });
    this.siftUp(this.heap.length - 1);
  }

  peek(): Scheduled<T> | undefined {
    return this.heap[0];
  }

  pop(): Scheduled<T> | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /**
   * Sifts move a hole instead of swapping pairs: each step copies one entry, and the moving entry is
   * written once at the end (the agenda is pushed and popped a few times per simulated operation).
   */
  private siftUp(index: number): void {
    const heap = this.heap;
    const entry = heap[index]!;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!before(entry, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = entry;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const entry = heap[index]!;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && before(heap[right]!, heap[left]!) ? right : left;
      const below = heap[child]!;
      if (!before(below, entry)) break;
      heap[i] = below;
      i = child;
    }
    heap[i] = entry;
  }
}

/** `a` runs before `b`: earlier, or at the same time and pushed first. */
function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
