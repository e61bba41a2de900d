/**
 * What a worker leaves out or counts at full speed (fullSpeedEvents.ts): ordinary writes' stores are
 * counted, an unrecorded request's trace events are left out, and everything that explains something
 * (a repair's store, a failed request, a recorded request) still goes to the page.
 */

import type { ClusterEvent, NodeId } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { FullSpeedEvents, isUntraceNote, untracedRequestsMax } from './fullSpeedEvents.ts';

const n1 = 'n1' as NodeId;
const stored = (cause: 'coordinator' | 'replica' | 'read-repair' | 'hint-replay'): ClusterEvent => ({
  type: 'version.stored',
  at: 1,
  node: n1,
  key: 'fig',
  clock: [{ node: n1, counter: 1, timestamp: 1 }],
  siblings: 1,
  cause,
});
const started = (requestId: string): ClusterEvent => ({
  type: 'request.started',
  at: 1,
  node: n1,
  requestId,
  opNumber: 1,
  op: 'put',
  key: 'fig',
  replicas: [n1],
  needed: 1,
});
const completed = (requestId: string, outcome: 'ok' | 'fail'): ClusterEvent => ({
  type: 'request.completed',
  at: 2,
  node: n1,
  requestId,
  op: 'put',
  key: 'fig',
  outcome,
  answeredBy: [n1],
  needed: 1,
  latencyMs: 1,
});

describe('full-speed events', () => {
  it("counts ordinary writes' stores and lets the stores that explain something through", () => {
    const events = new FullSpeedEvents();
    expect(events.absorbs(stored('coordinator'))).toBe(true);
    expect(events.absorbs(stored('replica'))).toBe(true);
    expect(events.absorbs(stored('read-repair'))).toBe(false);
    expect(events.absorbs(stored('hint-replay'))).toBe(false);
    expect(events.takeStored()).toBe(2);
    expect(events.takeStored()).toBe(0);
  });

  it('leaves out commit-log syncs but not the storage events that explain something', () => {
    const events = new FullSpeedEvents();
    const storage = (event: Extract<ClusterEvent, { type: 'storage' }>['event']): ClusterEvent => ({
      type: 'storage',
      ...{ at: 1, node: n1, event },
    });
    expect(events.absorbs(storage({ type: 'log.synced', file: '000001.log', records: 2, bytes: 90 }))).toBe(
      true,
    );
    expect(events.absorbs(storage({ type: 'log.rotated', from: '000001.log', to: '000002.log' }))).toBe(
      false,
    );
    expect(
      events.absorbs(storage({ type: 'memtable.flushed', table: '000003.sst', entries: 9, bytes: 900 })),
    ).toBe(false);
  });

  it("leaves out an unrecorded request's trace events, but not its failure nor a recorded request's", () => {
    const events = new FullSpeedEvents();
    events.untrace('c1');
    events.untrace('c2');
    expect(events.absorbs(started('c1'))).toBe(true);
    expect(
      events.absorbs({
        type: 'replica.answered',
        at: 1,
        node: n1,
        requestId: 'c1',
        replica: n1,
        ok: true,
        late: true,
      }),
    ).toBe(true);
    const forwarded = (requestId: string): ClusterEvent => ({
      type: 'request.forwarded',
      ...{ at: 1, node: n1, requestId, op: 'put', key: 'fig', to: 'n2' as NodeId, opNumber: 1 },
    });
    expect(events.absorbs(forwarded('c1'))).toBe(true);
    expect(events.absorbs(forwarded('c3'))).toBe(false);
    expect(events.absorbs(completed('c1', 'ok'))).toBe(true);
    expect(events.absorbs(completed('c2', 'fail'))).toBe(false);
    expect(events.absorbs(started('c3'))).toBe(false);
    expect(events.absorbs(completed('c3', 'ok'))).toBe(false);
  });

  it('tells an untrace note beside the envelopes on a peer port from an envelope', () => {
    expect(isUntraceNote({ untrace: 'c1' })).toBe(true);
    expect(isUntraceNote({ from: 'n1', to: 'n2', id: 1, body: { type: 'ping', seq: 1 } })).toBe(false);
    expect(isUntraceNote(null)).toBe(false);
  });

  it('forgets the oldest unrecorded requests beyond its bound', () => {
    const events = new FullSpeedEvents();
    for (let i = 0; i <= untracedRequestsMax; i++) events.untrace(`c${i}`);
    expect(events.absorbs(started('c0'))).toBe(false);
    expect(events.absorbs(started('c1'))).toBe(true);
    expect(events.absorbs(started(`c${untracedRequestsMax}`))).toBe(true);
  });
});
