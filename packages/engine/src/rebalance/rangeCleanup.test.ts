/**
 * The clean-up after a join on its own, with a hand-made host: an old owner deletes the keys of a
 * range it handed to a joiner only after the joiner acknowledged the stream, its ring shows the
 * joiner and the forwarding grace period is over; never a key it still replicates or holds a hint
 * for; keys stored after the stream opened are sent again and deleted only once acknowledged; and
 * one event per range reports what was removed and kept.
 */
import { describe, expect, it } from 'vitest';
import { rangeForwardGraceMs } from '../constants.ts';
import { emptyOutput, type NodeOutput } from '../node/contract.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import type { StreamResult } from './events.ts';
import { RangeCleanup } from './rangeCleanup.ts';

const joiner = nodeId('n5');
const whole = { start: 7, end: 7 }; // start === end: the whole circle, so every key is in range

function setup(keys: string[], replicated: string[] = [], hinted: string[] = []) {
  const stored = new Set(keys);
  const pushes: { to: NodeId; keys: string[]; id: string }[] = [];
  const events: ClusterEvent[] = [];
  let onRing = false;
  let saves = 0;
  const strayChecks: number[] = [];
  const cleanup = new RangeCleanup({
    self: nodeId('n1'),
    keysIn: () => [...stored].sort(),
    replicates: (key) => replicated.includes(key),
    holdsHint: (key) => hinted.includes(key),
    onRing: (node) => node === joiner && onRing,
    remove: (key) => stored.delete(key),
    push: (to, _range, pushed, _now, _out) => {
      const id = `resend#${pushes.length}`;
      pushes.push({ to, keys: pushed, id });
      return id;
    },
    kept: (now) => {
      strayChecks.push(now);
    },
    changed: () => {
      saves++;
    },
  });
  const step = (f: (out: NodeOutput) => void) => {
    const out = emptyOutput();
    f(out);
    events.push(...out.events);
  };
  const done = (stream: string, now: number) =>
    step((out) => {
      const result: StreamResult = {
        stream,
        peer: joiner,
        direction: 'out',
        range: whole,
        keys: 0,
        bytes: 0,
        ms: 1,
      };
      cleanup.finished(result, now, out);
    });
  const showJoiner = (now: number) => {
    onRing = true;
    cleanup.joined(joiner, now);
  };
  /** A write stored here: the key exists (again) and the clean-up hears of it. */
  const write = (key: string) => {
    stored.add(key);
    cleanup.stored(key);
  };
  const joinerLeaves = () => {
    onRing = false;
  };
  return {
    cleanup,
    stored,
    pushes,
    events,
    step,
    done,
    showJoiner,
    joinerLeaves,
    write,
    strayChecks,
    saves: () => saves,
  };
}

describe('clean-up after a join', () => {
  it('deletes handed-over keys only after the ack, the ring change and the grace period', () => {
    const t = setup(['a', 'b', 'c', 'd'], ['b']);
    t.cleanup.opened('n5@1#0', joiner, whole);
    t.step((out) => t.cleanup.tick(100_000, out));
    expect(t.stored.size).toBe(4); // not acknowledged: nothing happens, however long it waits
    t.done('n5@1#0', 1_000);
    t.step((out) => t.cleanup.tick(100_000, out));
    expect(t.stored.size).toBe(4); // acknowledged, but the ring does not show the joiner yet
    t.showJoiner(2_000);
    expect(t.cleanup.nextDeadline()).toBe(2_000 + rangeForwardGraceMs);
    t.step((out) => t.cleanup.tick(2_000 + rangeForwardGraceMs - 1, out));
    expect(t.stored.size).toBe(4); // still within the grace period
    t.step((out) => t.cleanup.tick(2_000 + rangeForwardGraceMs, out));
    expect([...t.stored]).toEqual(['b']); // b is still replicated here: kept
    expect(t.events).toEqual([
      expect.objectContaining({
        type: 'range.cleaned',
        peer: joiner,
        keysRemoved: 3,
        keysKept: 0,
        rounds: 1,
      }),
    ]);
    expect(t.cleanup.pending).toBe(0);
  });

  it('sends keys stored after the stream opened again, and deletes them once acknowledged', () => {
    const t = setup(['a', 'b', 'c'], [], ['c']);
    t.cleanup.opened('n5@1#0', joiner, whole);
    t.write('b'); // written here after the snapshot: only forwarded, never acknowledged
    t.done('n5@1#0', 1_000);
    t.showJoiner(1_500);
    const due = 1_500 + rangeForwardGraceMs;
    t.step((out) => t.cleanup.tick(due, out));
    expect([...t.stored].sort()).toEqual(['b', 'c']); // a deleted; b re-sent; c held as a hint
    expect(t.pushes).toEqual([{ to: joiner, keys: ['b'], id: 'resend#0' }]);
    expect(t.events).toEqual([]);
    t.write('a'); // a stale coordinator writes a again during the re-send
    t.done('resend#0', due + 10);
    expect([...t.stored].sort()).toEqual(['a', 'c']); // b acknowledged: gone; a written again
    expect(t.pushes.at(-1)).toEqual({ to: joiner, keys: ['a'], id: 'resend#1' }); // a goes again
    t.done('resend#1', due + 20);
    expect([...t.stored]).toEqual(['c']);
    expect(t.events).toEqual([
      expect.objectContaining({ type: 'range.cleaned', keysRemoved: 3, keysKept: 1, rounds: 3 }),
    ]);
  });

  it('keeps keys that stay dirty after the last round, and those it cannot re-send', () => {
    const t = setup(['a', 'b']);
    t.cleanup.opened('n5@1#0', joiner, whole);
    t.done('n5@1#0', 1_000);
    t.showJoiner(1_000);
    let now = 1_000 + rangeForwardGraceMs;
    t.write('a');
    t.step((out) => t.cleanup.tick(now, out));
    for (let round = 0; round < 5 && t.cleanup.pending > 0; round++) {
      t.write('a'); // written again during every re-send
      now += 10;
      t.done(t.pushes.at(-1)?.id ?? '', now);
    }
    expect([...t.stored]).toEqual(['a']);
    expect(t.pushes.length).toBe(3);
    expect(t.events).toEqual([
      expect.objectContaining({ type: 'range.cleaned', keysRemoved: 1, keysKept: 1 }),
    ]);
    expect(t.strayChecks).toEqual([now]); // a kept key is stray: the node looks for strays again
  });

  it('keeps every key when the joiner left before the sweep, and stops covering them', () => {
    const t = setup(['a', 'b']);
    t.cleanup.opened('n5@1#0', joiner, whole);
    t.done('n5@1#0', 1_000);
    t.showJoiner(1_000);
    expect(t.cleanup.covers('a')).toBe(true);
    t.joinerLeaves(); // decommissioned: its disk, with what it acknowledged, is gone
    expect(t.cleanup.covers('a')).toBe(false);
    t.step((out) => t.cleanup.tick(1_000 + rangeForwardGraceMs, out));
    expect([...t.stored]).toEqual(['a', 'b']);
    expect(t.events).toEqual([
      expect.objectContaining({ type: 'range.cleaned', keysRemoved: 0, keysKept: 2 }),
    ]);
    expect(t.strayChecks).toEqual([1_000 + rangeForwardGraceMs]);
  });

  it('forgets its hand-overs when the node itself leaves', () => {
    const t = setup(['a']);
    t.cleanup.opened('n5@1#0', joiner, whole);
    t.done('n5@1#0', 1_000);
    t.showJoiner(1_000);
    t.cleanup.abandon();
    t.step((out) => t.cleanup.tick(1_000 + rangeForwardGraceMs, out));
    expect([...t.stored]).toEqual(['a']);
    expect(t.events).toEqual([]);
  });
  it('saves acknowledged hand-overs, and after a restart re-sends every key before deleting', () => {
    const t = setup(['a', 'b']);
    t.cleanup.opened('n5@1#0', joiner, whole);
    expect(t.cleanup.acknowledged()).toEqual([]);
    t.done('n5@1#0', 1_000);
    expect(t.saves()).toBe(1);
    expect(t.cleanup.acknowledged()).toEqual([{ peer: joiner, range: whole }]);

    // A fresh clean-up after the restart, with nothing known of what was stored meanwhile.
    const after = setup(['a', 'b']);
    after.showJoiner(0);
    after.cleanup.restore(t.cleanup.acknowledged(), 5_000);
    after.step((out) => after.cleanup.tick(5_000 + rangeForwardGraceMs, out));
    expect(after.stored.size).toBe(2);
    expect(after.pushes).toEqual([{ to: joiner, keys: ['a', 'b'], id: 'resend#0' }]);
    after.done('resend#0', 5_000 + rangeForwardGraceMs + 10);
    expect(after.stored.size).toBe(0);
    expect(after.events).toEqual([
      expect.objectContaining({ type: 'range.cleaned', keysRemoved: 2, rounds: 2 }),
    ]);
    expect(after.cleanup.acknowledged()).toEqual([]);
  });
});
