/**
 * Stale reads judged live (staleReads.ts), by the P4 checker's rule: a get is stale when its context
 * misses a write of its key acknowledged before the get was sent; a write acknowledged while the get
 * is in flight does not count, nor does another key's write, nor a failed write.
 */

import { type KvReply, type NodeId, type VectorClock, vectorClock } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { StaleReads } from './staleReads.ts';

const n1 = 'n1' as NodeId;
const clock = (entries: Record<string, number>): VectorClock =>
  vectorClock(
    Object.entries(entries).map(([node, counter]) => ({ node: node as NodeId, counter, timestamp: 0 })),
  );
const putOk = (entries: Record<string, number>): KvReply => ({
  requestId: 'p',
  type: 'put',
  ok: true,
  coordinator: n1,
  clock: clock(entries),
  ackedBy: [n1],
});
const getOk = (context: Record<string, number>): KvReply => ({
  requestId: 'g',
  type: 'get',
  ok: true,
  coordinator: n1,
  siblings: [],
  context: clock(context),
  answeredBy: [n1],
});

describe('stale reads, live', () => {
  it('flags a get that misses a write acknowledged before it was sent, and only that', () => {
    const stale = new StaleReads();
    expect(stale.answered('k', getOk({}), stale.mustSee('k'))).toBe(false); // nothing written yet
    expect(stale.answered('k', putOk({ n1: 1 }), null)).toBeNull();
    const early = stale.mustSee('k');
    // A write acknowledged while this get is in flight is concurrent with it: not judged.
    stale.answered('k', putOk({ n1: 2 }), null);
    stale.answered('j', putOk({ n2: 5 }), null);
    expect(stale.answered('k', getOk({ n1: 1 }), early)).toBe(false);
    expect(stale.answered('k', getOk({ n1: 1 }), stale.mustSee('k'))).toBe(true);
    expect(stale.answered('k', getOk({ n1: 2, n3: 1 }), stale.mustSee('k'))).toBe(false);
    // Both of two concurrent writes must be seen: the merge of their clocks.
    stale.answered('k', putOk({ n1: 2, n3: 1 }), null);
    stale.answered('k', putOk({ n1: 3 }), null);
    expect(stale.answered('k', getOk({ n1: 3 }), stale.mustSee('k'))).toBe(true);
    expect(stale.answered('k', getOk({ n1: 3, n3: 1 }), stale.mustSee('k'))).toBe(false);
  });

  it('ignores failed requests', () => {
    const stale = new StaleReads();
    const failed: KvReply = {
      requestId: 'p',
      type: 'put',
      ok: false,
      outcome: 'fail',
      coordinator: n1,
      error: { code: 'KV_QUORUM_FAILED', message: 'only 1 of 2' },
    } as KvReply;
    expect(stale.answered('k', failed, null)).toBeNull();
    expect(stale.mustSee('k')).toBeNull();
  });
});
