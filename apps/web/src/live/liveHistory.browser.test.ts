/**
 * The live run's history (liveHistory.ts) as the checkers read it: a request is an invoke and its
 * completion on a free process; an `info` retires its process; the weakest R and W asked for bound
 * what is promised; and P1 flags an acknowledged put no replica holds (the negative control), which
 * it passes once the version is in the final state. New settings keep the disks, so the history goes
 * on across them, promising what every one of them does. A version a read returns from before the
 * history began (the disks outlive the page) is recorded first, as a write of unknown outcome.
 */

import {
  contextOf,
  historySiblings,
  historyValueOfBytes,
  type KvReply,
  type KvRequest,
  type NodeId,
  newVersion,
  nodeId,
  runCheckers,
  type Version,
} from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { LiveHistory } from './liveHistory.ts';
import { liveCheckerConfig } from './liveRunCheck.ts';
import { defaultSettings } from './settings.ts';

const n1 = nodeId('n1');
const bytes = (text: string) => new TextEncoder().encode(text);
const put = (requestId: string, key: string, value: string): KvRequest => ({
  type: 'put',
  requestId,
  key,
  value: bytes(value),
});

/** A put acknowledged by n1 with the version n1 would make. */
function acknowledge(history: LiveHistory, requestId: string, key: string, value: string) {
  const version = newVersion({ context: [], coordinator: n1, now: 1, value: bytes(value), local: [] });
  const op = history.begin(put(requestId, key, value), 'n1');
  if (!op) throw new Error('not recorded');
  const reply: KvReply = {
    requestId,
    type: 'put',
    ok: true,
    coordinator: n1,
    clock: version.clock,
    ...(version.dot && { dot: version.dot }),
    ackedBy: [n1, 'n2' as NodeId],
  };
  history.end(op, reply);
  return version;
}

/** A get of `key` through n1 that returned `siblings`, recorded in `history`. */
function read(history: LiveHistory, key: string, siblings: Version[]): void {
  const get = history.begin({ type: 'get', requestId: 'c1', key }, 'n1');
  if (!get) throw new Error('not recorded');
  history.end(get, {
    requestId: 'c1',
    type: 'get',
    ok: true,
    coordinator: n1,
    siblings,
    context: contextOf(siblings),
    answeredBy: [n1, 'n2' as NodeId],
  });
}

describe('the live run history', () => {
  it('gives each open request its own process and retires one after an indeterminate answer', () => {
    const history = new LiveHistory(defaultSettings, 0);
    const a = history.begin(put('c0', 'k', 'a'), 'n1');
    const b = history.begin({ type: 'get', requestId: 'c1', key: 'k', r: 1 }, 'n2');
    expect([a?.handle.process, b?.handle.process]).toEqual([0, 1]);
    if (!a || !b) throw new Error('not recorded');
    const timeout = { code: 'KV_TIMEOUT' as const, message: 'no answer' };
    history.end(a, {
      requestId: 'c0',
      type: 'put',
      ok: false,
      outcome: 'info',
      coordinator: n1,
      error: timeout,
    });
    history.end(b, {
      requestId: 'c1',
      type: 'get',
      ok: false,
      outcome: 'fail',
      coordinator: n1,
      error: timeout,
    });
    // Process 0 may have a write in flight: never reused. Process 1 failed cleanly: free again.
    expect(history.begin(put('c2', 'k', 'b'), 'n1')?.handle.process).toBe(1);
    expect(history.ops.map((op) => op.type)).toEqual(['invoke', 'invoke', 'info', 'fail', 'invoke']);
    // The get asked for R=1: fresh reads are not promised for this run even if the cluster says R=2.
    expect(liveCheckerConfig(history, 0)).toMatchObject({ n: 3, r: 1, w: 2, quorum: 'sloppy' });
  });

  it('lets P1 flag an acknowledged put that no replica holds, and pass once one does', () => {
    const history = new LiveHistory(defaultSettings, 0);
    const version = acknowledge(history, 'c0', 'apple', 'red');
    const config = liveCheckerConfig(history, 0);
    const lost = runCheckers([...history.ops], { n1: {}, n2: {} }, config);
    expect(lost.results.find((r) => r.property === 'P1')).toMatchObject({ valid: false, promised: true });
    expect(lost.valid).toBe(false);
    const held = { n1: { apple: historySiblings([version], historyValueOfBytes) }, n2: {} };
    expect(runCheckers([...history.ops], held, config).valid).toBe(true);
  });

  it('goes on across new settings, which keep the data, and promises only what every one of them does', () => {
    const history = new LiveHistory(defaultSettings, 0);
    const version = acknowledge(history, 'c0', 'apple', 'red');
    history.ranUnder({ ...defaultSettings, quorum: 'strict', memtableBytes: 4_096 });
    // The same settings again, in a new object with another membership: not a new setting.
    history.ranUnder({ ...defaultSettings, quorum: 'strict', memtableBytes: 4_096, nodes: 6 });
    expect(history.settingsRun).toHaveLength(2);
    expect(liveCheckerConfig(history, 0)).toMatchObject({ n: 3, r: 2, w: 2, quorum: 'sloppy' });
    history.ranUnder({ ...defaultSettings, quorum: 'strict', n: 5, r: 3, w: 3, conflictMode: 'lww' });
    expect(liveCheckerConfig(history, 0)).toMatchObject({ n: 5, r: 2, w: 2, conflictMode: 'lww' });
    // A read after the changes returns the write from before them: sound, since it is in the history.
    const readRed = (h: LiveHistory) => read(h, 'apple', [version]);
    readRed(history);
    const held = { n1: { apple: historySiblings([version], historyValueOfBytes) }, n2: {} };
    const verdicts = runCheckers([...history.ops], held, liveCheckerConfig(history, 0));
    expect(verdicts.results.filter((r) => !r.valid)).toEqual([]);
    // What the page did before: a new history at the change saw the read but not the write, and
    // took "red" for a value no write had made (a random-fault E2E run found it). The write came
    // after the first history began; stamped so, it is no version from before the new one either.
    const cutAtTheChange = new LiveHistory({ ...defaultSettings, quorum: 'strict' }, 0);
    version.timestamp = cutAtTheChange.startedAt + 1;
    readRed(cutAtTheChange);
    const cut = runCheckers([...cutAtTheChange.ops], held, liveCheckerConfig(cutAtTheChange, 0));
    expect(cut.results.find((r) => r.property === 'P2')).toMatchObject({ valid: false, promised: true });
    expect(cutAtTheChange.foundBefore).toBe(0);
  });

  it('takes a version from before the history began, on the disks since a visit before, for a write of unknown outcome', () => {
    const history = new LiveHistory(defaultSettings, 0);
    // Two blind puts of an earlier visit, through one coordinator: siblings, both older than the page.
    const older = newVersion({
      context: [],
      coordinator: n1,
      now: history.startedAt - 60_000,
      value: bytes('a'),
      local: [],
    });
    const old = newVersion({
      context: [],
      coordinator: n1,
      now: history.startedAt - 50_000,
      value: bytes('b'),
      local: [older],
    });
    const readBoth = () => read(history, 'fig', [older, old]);
    readBoth();
    readBoth(); // found once
    expect(history.foundBefore).toBe(2);
    const ops = history.ops;
    expect(ops.slice(0, 4).map((op) => [op.type, op.f, op.key, op.value, op.time])).toEqual([
      ['invoke', 'put', 'fig', 'a', 0],
      ['info', 'put', 'fig', 'a', 0],
      ['invoke', 'put', 'fig', 'b', 0],
      ['info', 'put', 'fig', 'b', 0],
    ]);
    expect(ops.map((op) => op.index)).toEqual(ops.map((_, i) => i));
    const held = { n1: { fig: historySiblings([older, old], historyValueOfBytes) }, n2: {} };
    const verdicts = runCheckers([...ops], held, liveCheckerConfig(history, 0));
    expect(verdicts.results.filter((r) => !r.valid)).toEqual([]);
    // The same read without the found versions: "invented" versions (P2) and a sibling too many (P7).
    const recorded = ops.slice(4).map((op) => ({ ...op, index: op.index - 4 }));
    const without = runCheckers(recorded, held, liveCheckerConfig(history, 0));
    expect(without.results.filter((r) => !r.valid).map((r) => r.property)).toEqual(['P2', 'P7']);
  });

  it('takes no version a clock set behind stamped early for one from before the history', () => {
    const history = new LiveHistory(defaultSettings, 0);
    // A node 10 s behind stamps a write of this history 8 s before it began.
    const early = newVersion({
      context: [],
      coordinator: n1,
      now: history.startedAt - 8_000,
      value: bytes('a'),
      local: [],
    });
    history.clockBehindMs = 10_000;
    read(history, 'fig', [early]);
    expect(history.foundBefore).toBe(0);
    history.clockBehindMs = 0;
    read(history, 'fig', [early]);
    expect(history.foundBefore).toBe(1);
  });
});
