import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.ts';
import { EventQueue } from './eventQueue.ts';

describe('EventQueue', () => {
  it('pops by time, then by insertion order for equal times', () => {
    const queue = new EventQueue<string>();
    queue.push(5, 'c');
    queue.push(1, 'a');
    queue.push(5, 'd');
    queue.push(2, 'b');
    const order: string[] = [];
    for (let next = queue.pop(); next; next = queue.pop()) order.push(next.item);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps heap order under random pushes and pops', () => {
    const rng = new Rng(42);
    const queue = new EventQueue<number>();
    for (let i = 0; i < 2_000; i++) queue.push(rng.int(100), i);
    let last = { at: -1, seq: -1 };
    for (let next = queue.pop(); next; next = queue.pop()) {
      expect(next.at > last.at || (next.at === last.at && next.seq > last.seq)).toBe(true);
      last = next;
    }
  });
});
