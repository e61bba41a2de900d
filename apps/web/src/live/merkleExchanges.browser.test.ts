/**
 * The Merkle-diff tab's data (merkleExchanges.ts), without workers: events from both sides of an
 * exchange land in one entry with its levels, repairs and end; a node's restart (exchange names
 * start again) begins a new entry; the bound drops background in-sync rounds before repairs.
 */

import type { ClusterEvent, KeyRange, NodeId } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { foldExchanges, keysInRange, newestFirst } from './merkleExchanges.ts';

const range: KeyRange = { start: 100, end: 5_000 };
const n = (id: string) => id as NodeId;

function exchangeEvents(exchange: string, initiator: string, peer: string, at: number, keys: number) {
  const base = { exchange, range };
  const differing = keys > 0;
  const events: ClusterEvent[] = [
    { type: 'antientropy.started', at, node: n(initiator), peer: n(peer), trigger: 'manual', ...base },
    {
      type: 'antientropy.level',
      at: at + 1,
      node: n(peer),
      peer: n(initiator),
      depth: 0,
      compared: 1,
      differing: differing ? 1 : 0,
      nodes: differing ? [1] : [],
      ...base,
    },
  ];
  if (!differing) {
    events.push({
      type: 'antientropy.done',
      at: at + 2,
      node: n(initiator),
      peer: n(peer),
      outcome: 'in-sync',
      messages: 2,
      bytes: 60,
      keysRepaired: 0,
      durationMs: 2,
      ...base,
    });
    return events;
  }
  events.push(
    {
      type: 'antientropy.level',
      at: at + 2,
      node: n(initiator),
      peer: n(peer),
      depth: 1,
      compared: 2,
      differing: 1,
      nodes: [3],
      ...base,
    },
    { type: 'antientropy.repaired', at: at + 3, node: n(initiator), peer: n(peer), keys, bytes: 90, ...base },
    {
      type: 'antientropy.done',
      at: at + 4,
      node: n(initiator),
      peer: n(peer),
      outcome: 'repaired',
      messages: 4,
      bytes: 400,
      keysRepaired: keys,
      durationMs: 4,
      ...base,
    },
  );
  return events;
}

describe('Merkle exchanges', () => {
  it('gathers both sides’ events of one exchange into one entry, with the initiator and its peer', () => {
    const [x, ...rest] = foldExchanges([], exchangeEvents('n2#1', 'n2', 'n4', 10, 3));
    expect(rest).toEqual([]);
    expect(x?.initiator).toBe('n2');
    expect(x?.peer).toBe('n4');
    expect(x?.levels.map((l) => [l.depth, l.by, l.nodes])).toEqual([
      [0, 'n4', [1]],
      [1, 'n2', [3]],
    ]);
    expect(x?.repairs).toEqual([{ node: 'n2', from: 'n4', keys: 3, bytes: 90 }]);
    expect(x?.done).toMatchObject({ outcome: 'repaired', keysRepaired: 3, bytes: 400, messages: 4 });
  });

  it('keeps the entry when its events arrive in several batches, and ignores batches without any', () => {
    const events = exchangeEvents('n1#7', 'n1', 'n3', 10, 2);
    const first = foldExchanges([], events.slice(0, 2));
    expect(first[0]?.done).toBeNull();
    const unrelated: ClusterEvent[] = [{ type: 'node.paused', at: 11, node: n('n1') } as ClusterEvent];
    expect(foldExchanges(first, unrelated)).toBe(first);
    const all = foldExchanges(first, events.slice(2));
    expect(all).toHaveLength(1);
    expect(all[0]?.done?.outcome).toBe('repaired');
  });

  it('joins the responder’s events that arrive before the initiator’s start to that exchange', () => {
    const events = exchangeEvents('n3#2', 'n3', 'n1', 10, 4);
    const [started, responderLevel, ...rest] = events as [ClusterEvent, ClusterEvent, ...ClusterEvent[]];
    const early = foldExchanges([], [responderLevel]);
    expect(early[0]?.startedAt).toBeNull();
    const all = foldExchanges(foldExchanges(early, [started]), rest);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ initiator: 'n3', peer: 'n1', startedAt: 10, trigger: 'manual' });
    expect(all[0]?.levels.map((l) => l.depth)).toEqual([0, 1]);
    expect(all[0]?.done?.outcome).toBe('repaired');
  });

  it('starts a new entry when a restarted node reuses an exchange name', () => {
    const before = foldExchanges([], exchangeEvents('n5#1', 'n5', 'n1', 10, 1));
    const after = foldExchanges(before, exchangeEvents('n5#1', 'n5', 'n2', 500, 0));
    expect(after).toHaveLength(2);
    expect(newestFirst(after).map((x) => [x.peer, x.done?.outcome])).toEqual([
      ['n2', 'in-sync'],
      ['n1', 'repaired'],
    ]);
  });

  it('gives a restarted initiator’s reused name to a new exchange, even when the responder speaks first', () => {
    const before = foldExchanges([], exchangeEvents('n2#1', 'n2', 'n1', 10, 0));
    const restart: ClusterEvent[] = [{ type: 'node.started', at: 100, node: n('n2') } as ClusterEvent];
    const [started, responderLevel, ...rest] = exchangeEvents('n2#1', 'n2', 'n3', 500, 6) as [
      ClusterEvent,
      ClusterEvent,
      ...ClusterEvent[],
    ];
    let list = foldExchanges(before, restart);
    for (const batch of [[responderLevel], [started], rest]) list = foldExchanges(list, batch);
    expect(list.map((x) => [x.peer, x.levels.length, x.done?.outcome])).toEqual([
      ['n1', 1, 'in-sync'],
      ['n3', 2, 'repaired'],
    ]);
  });

  it('drops background in-sync rounds before a repair when the list is full', () => {
    let list = foldExchanges([], exchangeEvents('n1#1', 'n1', 'n2', 0, 5));
    for (let i = 2; i < 10; i++)
      list = foldExchanges(list, exchangeEvents(`n1#${i}`, 'n1', 'n3', i * 10, 0), 4);
    expect(list).toHaveLength(4);
    expect(list[0]?.done?.outcome).toBe('repaired');
    expect(list.slice(1).map((x) => x.exchange)).toEqual(['n1#7', 'n1#8', 'n1#9']);
  });

  it('keeps an exchange whose responder spoke first while finished repairs fill the list', () => {
    // "Repair now" starts dozens of exchanges at once: a responder's levels can reach the page a
    // batch before its initiator's start, while finished repairs (not quiet) fill the list.
    const [started, responderLevel, ...rest] = exchangeEvents('n4#9', 'n4', 'n2', 50, 3) as [
      ClusterEvent,
      ClusterEvent,
      ...ClusterEvent[],
    ];
    let list = foldExchanges([], [responderLevel], 4);
    for (let i = 1; i < 5; i++)
      list = foldExchanges(list, exchangeEvents(`n1#${i}`, 'n1', 'n3', 60 + i, 2), 4);
    list = foldExchanges(foldExchanges(list, [started], 4), rest, 4);
    const kept = list.find((x) => x.exchange === 'n4#9');
    expect(kept?.levels.map((l) => [l.depth, l.by])).toEqual([
      [0, 'n2'],
      [1, 'n4'],
    ]);
    expect(kept?.startedAt).toBe(50);
    expect(list).toHaveLength(4);
  });

  it('reads the key count of a range from a snapshot, and nothing from a node that lacks it', () => {
    const snapshot = {
      id: n('n1'),
      kind: 'kv',
      at: 0,
      antiEntropy: { ranges: [{ range, peers: [], root: '0', keys: 42 }], inFlight: [], queued: 0 },
    };
    expect(keysInRange(snapshot, range)).toBe(42);
    expect(keysInRange(snapshot, { start: 1, end: 2 })).toBeNull();
    expect(keysInRange(null, range)).toBeNull();
  });
});
