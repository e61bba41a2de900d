/**
 * The live host's group commit (liveHost.ts): a lone write is synced at once, writes that arrive
 * together share one sync, and once a sync has carried more than one write the next commit waits
 * `commitDelayMs` for more to join it. The node is a stand-in whose every request is a write and
 * whose sync takes a few milliseconds, as an OPFS flush under load does.
 */

import {
  emptyOutput,
  type FileSystem,
  type KvReply,
  type KvRequest,
  type NodeId,
  type NodeInput,
  type NodeOutput,
  Rng,
  type StorageNode,
} from '@kvscope/engine';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commitDelayMs, LiveHost } from './liveHost.ts';

const syncMs = 3;

/** Every request is a write: its reply leaves only after a sync. Counts the syncs. */
class WritingNode implements StorageNode {
  readonly id = 'n1' as NodeId;
  syncs = 0;
  step(input: NodeInput): NodeOutput {
    const out = emptyOutput();
    if (input.type !== 'request') return out;
    out.syncBeforeSend = true;
    const { requestId } = input.request;
    out.replies.push({
      type: 'put',
      requestId,
      coordinator: this.id,
      ok: true,
      clock: [],
      ackedBy: [],
    } as KvReply);
    return out;
  }
  sync(): void {
    this.syncs++;
    const until = performance.now() + syncMs;
    while (performance.now() < until) {} // a flush blocks the worker
  }
  snapshot = () => ({ id: this.id, kind: 'writing', at: 0 });
  close(): void {}
}

let next = 0;
const put = (): KvRequest =>
  ({ type: 'put', requestId: `w${next++}`, key: 'k', value: new Uint8Array(1) }) as KvRequest;

function host(): { host: LiveHost; node: WritingNode; commitWaits: () => number } {
  const node = new WritingNode();
  const events = new MessageChannel();
  const live = new LiveHost(node, {} as FileSystem, events.port1, new Rng(1), true);
  const timeout = vi.spyOn(globalThis, 'setTimeout');
  const commitWaits = () => timeout.mock.calls.filter(([, ms]) => ms === commitDelayMs).length;
  live.start(false);
  hosts.push(live);
  return { host: live, node, commitWaits };
}

const hosts: LiveHost[] = [];
afterEach(() => {
  for (const live of hosts.splice(0)) live.stop();
  vi.restoreAllMocks();
});

describe('group commit', () => {
  it('syncs a lone write at once, and writes one at a time never wait', async () => {
    const { host: live, node, commitWaits } = host();
    for (let i = 0; i < 4; i++) expect((await live.request(put())).ok).toBe(true);
    expect(node.syncs).toBe(4);
    expect(commitWaits()).toBe(0);
  });

  it('lets writes that arrive together share a sync, and then waits for more to join', async () => {
    const { host: live, node, commitWaits } = host();
    // The first write is synced at once (a quiet node); the two stepped while it synced share one.
    const first = [live.request(put()), live.request(put()), live.request(put())];
    // The moment those two are released, two more arrive: the last sync carried two writes, so the
    // commit waits commitDelayMs instead of running right behind them, and both join it.
    const more = first[2]?.then(() => [live.request(put()), live.request(put())]);
    await Promise.all(first);
    const replies = await Promise.all((await more) ?? []);
    expect(replies.map((r) => r.ok)).toEqual([true, true]);
    expect(node.syncs).toBe(3);
    expect(commitWaits()).toBe(1);
    expect(live.stats.syncedOutputs).toBe(5);
  });
});
