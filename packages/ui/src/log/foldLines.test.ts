import { describe, expect, it } from 'vitest';
import { describeEvent } from './describeEvent.ts';
import type { AnyEvent } from './eventTypes.ts';
import { foldQuietExchanges, foldRepeats, foldStreams, lineIdentity } from './foldLines.ts';

const started = (
  at: number,
  node: string,
  peer: string,
  direction: 'in' | 'out',
  stream: string,
): AnyEvent => ({
  type: 'stream.started',
  at,
  node,
  peer,
  direction,
  stream,
  range: { start: 0, end: 1 },
});
const done = (
  at: number,
  node: string,
  peer: string,
  stream: string,
  keys: number,
  bytes: number,
  ms: number,
) => ({
  ...started(at, node, peer, 'in', stream),
  type: 'stream.done',
  keys,
  bytes,
  ms,
});
const fault: AnyEvent = { type: 'lab.fault', at: 1_000, node: 'n1', label: 'n3 killed' };

describe('foldStreams', () => {
  it('folds a join’s streams into one line per node and direction, counted per peer', () => {
    const events = [
      fault,
      started(7_900, 'n6', 'n5', 'in', 'n6@7#0'),
      started(7_900, 'n6', 'n2', 'in', 'n6@7#1'),
      started(7_901, 'n6', 'n2', 'in', 'n6@7#2'),
      started(8_000, 'n2', 'n6', 'out', 'n6@7#1'),
      started(8_000, 'n2', 'n6', 'out', 'n6@7#2'),
      done(8_050, 'n6', 'n5', 'n6@7#0', 0, 0, 52),
      done(8_060, 'n6', 'n2', 'n6@7#1', 2, 310, 48),
      done(8_090, 'n6', 'n2', 'n6@7#2', 1, 92, 90),
    ];
    const lines = foldStreams(events);
    expect(lines.map(describeEvent)).toEqual([
      'n3 killed',
      'n6 starts receiving 3 ranges: 2 from n2 and 1 from n5',
      'n2 starts streaming 2 ranges to n6',
      'n6 received 3 keys (402 B) in 3 streams from n2 and n5, the longest 90 ms',
    ]);
    // A start is when the first stream opened, an end when the last one finished.
    expect(lines.map((line) => line.at)).toEqual([1_000, 7_900, 8_000, 8_090]);
    expect(lineIdentity(lines[1] as AnyEvent)).toBe(events[1]);
  });

  it('keeps a lone stream as the engine’s event, and starts a new line after a pause or a new incarnation', () => {
    const lone = started(8_000, 'n1', 'n6', 'out', 'n6@7#5');
    const events = [
      lone,
      started(20_000, 'n1', 'n6', 'out', 'n6@7#9'),
      started(20_001, 'n1', 'n6', 'out', 'n6@8#0'),
      started(20_002, 'n1', 'n6', 'out', 'n6@8#1'),
    ];
    const lines = foldStreams(events);
    expect(lines[0]).toBe(lone);
    expect(lines.map(describeEvent)).toEqual([
      'n1 starts streaming a range to n6 (stream n6@7#5)',
      'n1 starts streaming a range to n6 (stream n6@7#9)',
      'n1 starts streaming 2 ranges to n6',
    ]);
  });

  it('leaves every other event alone, in order', () => {
    const events = [fault, { ...fault, at: 2_000 }, { ...fault, at: 3_000 }];
    expect(foldStreams(events)).toEqual(events);
  });
});

describe('foldQuietExchanges', () => {
  /** One exchange's events: started (by `node`), the root compared (by `peer`), done (by `node`). */
  const exchange = (
    id: string,
    at: number,
    node: string,
    peer: string,
    differing = 0,
    outcome = 'in-sync',
  ) => [
    { type: 'antientropy.started', at, node, peer, exchange: id, trigger: 'periodic' },
    {
      type: 'antientropy.level',
      at: at + 5,
      node: peer,
      peer: node,
      exchange: id,
      depth: 0,
      compared: 1,
      differing,
    },
    { type: 'antientropy.done', at: at + 10, node, peer, exchange: id, outcome, messages: 2, bytes: 50 },
  ];

  it('folds the in-sync exchanges of a pair into one line, whichever node started them', () => {
    const events = [
      fault,
      ...exchange('e1', 2_000, 'n3', 'n5'),
      ...exchange('e2', 2_100, 'n5', 'n3'),
      ...exchange('e3', 2_200, 'n1', 'n2'),
    ];
    const lines = foldQuietExchanges(events);
    expect(lines.map(describeEvent)).toEqual([
      'n3 killed',
      "n3 and n5 compare 2 ranges' Merkle trees (periodic): all in sync (4 messages, 100 B)",
      "n1 and n2 compare one range's Merkle tree (periodic): all in sync (2 messages, 50 B)",
    ]);
    expect(lines[1]?.at).toBe(2_110); // when the last of them ended
    expect(lineIdentity(lines[1] as AnyEvent)).toBe(events[1]);
  });

  it('keeps every event of an exchange that found a difference, failed or is still running', () => {
    const differs = exchange('e1', 2_000, 'n3', 'n5', 1, 'repaired');
    const timedOut = exchange('e2', 2_100, 'n3', 'n5', 0, 'timeout');
    const running = exchange('e3', 2_200, 'n3', 'n5').slice(0, 2);
    const events = [...differs, ...timedOut, ...running, ...exchange('e4', 2_300, 'n3', 'n5')];
    const lines = foldQuietExchanges(events);
    expect(lines.slice(0, 8)).toEqual(events.slice(0, 8));
    expect(lines.map(describeEvent).slice(8)).toEqual([
      "n3 and n5 compare one range's Merkle tree (periodic): all in sync (2 messages, 50 B)",
    ]);
  });

  it('starts a new line once a round outlasts the fold gap, even with no pause between exchanges', () => {
    const events = [0, 2_000, 4_000, 6_000, 8_000].flatMap((at, i) => exchange(`e${i}`, at, 'n3', 'n5'));
    expect(foldQuietExchanges(events).map((line) => (line as { exchanges?: number }).exchanges)).toEqual([
      3, 2,
    ]);
  });

  it('starts a new line after a pause, and names no trigger when they differ', () => {
    const manual = exchange('e3', 2_200, 'n3', 'n5').map((e) =>
      e.type === 'antientropy.started' ? { ...e, trigger: 'manual' } : e,
    );
    const events = [...exchange('e1', 2_000, 'n3', 'n5'), ...manual, ...exchange('e2', 20_000, 'n3', 'n5')];
    expect(foldQuietExchanges(events).map(describeEvent)).toEqual([
      "n3 and n5 compare 2 ranges' Merkle trees: all in sync (4 messages, 100 B)",
      "n3 and n5 compare one range's Merkle tree (periodic): all in sync (2 messages, 50 B)",
    ]);
  });
});

describe('foldRepeats', () => {
  const compares = (at: number, peer: string): AnyEvent => ({
    type: 'antientropy.started',
    at,
    node: 'n2',
    peer,
    trigger: 'periodic',
  });

  it('folds identical sentences close in time into their newest line, interleaved or not', () => {
    const newestFirst = [
      compares(9_000, 'n6'),
      compares(9_000, 'n3'),
      compares(8_990, 'n6'),
      compares(8_980, 'n6'),
    ];
    const lines = foldRepeats(newestFirst, 10);
    expect(lines.map(({ text, count }) => [text, count])).toEqual([
      ["n2 compares one range's Merkle tree with n6 (periodic)", 3],
      ["n2 compares one range's Merkle tree with n3 (periodic)", 1],
    ]);
    expect(lines[0]?.event).toBe(newestFirst[0]);
  });

  it('never folds two requests, even with the same sentence', () => {
    const put = (at: number, requestId: string): AnyEvent => ({
      type: 'request.started',
      at,
      node: 'n6',
      requestId,
      op: 'put',
      key: 'k2',
      replicas: ['n6', 'n2', 'n4'],
      needed: 2,
    });
    expect(foldRepeats([put(2, 'c2'), put(1, 'c1')], 10).map((line) => line.count)).toEqual([1, 1]);
  });

  it('starts a new line after a pause, and stops at the limit', () => {
    const rounds = [
      compares(20_000, 'n6'),
      compares(19_999, 'n6'),
      compares(9_000, 'n6'),
      compares(8_000, 'n3'),
    ];
    expect(foldRepeats(rounds, 10).map((line) => line.count)).toEqual([2, 1, 1]);
    expect(foldRepeats(rounds, 2).map((line) => line.event.at)).toEqual([20_000, 9_000]);
  });
});
