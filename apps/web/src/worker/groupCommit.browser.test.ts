/**
 * The live host's group commit (liveHost.ts): a lone write is synced at once, writes that arrive
 * together share one sync, and once a sync has carried more than one write the next commit waits
 * `commitDelayMs` for more to join it; the replica-puts sent ahead of the sync leave at once, or
 * with a waiting commit as it starts, in one post to the peer. The node is a stand-in whose every
 * request is a write with one early replica-put to n2, and whose sync takes a few milliseconds, as
 * an OPFS flush under load does.
 */

import {
  type Envelope,
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

const n2 = 'n2' as NodeId;

/** Every request is a write: its reply leaves only after a sync, its replica-put early. */
class WritingNode implements StorageNode {
  readonly id = 'n1' as NodeId;
  syncs = 0;
  private sent = 0;
  step(input: NodeInput): NodeOutput {
    const out = emptyOutput();
    if (input.type !== 'request') return out;
    out.syncBeforeSend = true;
    const { requestId } = input.request;
    const body = { type: 'replica-put', op: this.sent, key: 'k', versions: [] };
    out.early = [{ from: this.id, to: n2, id: this.sent++, body } as Envelope];
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

interface Harness {
  host: LiveHost;
  node: WritingNode;
  commitWaits: () => number;
  /** What n2 received, one array per post. */
  posts: Envelope[][];
}

function host(): Harness {
  const node = new WritingNode();
  const events = new MessageChannel();
  const live = new LiveHost(node, {} as FileSystem, events.port1, new Rng(1), true);
  const peer = new MessageChannel();
  const posts: Envelope[][] = [];
  peer.port2.onmessage = (e) => posts.push(e.data);
  live.connect(n2, peer.port1);
  const timeout = vi.spyOn(globalThis, 'setTimeout');
  const commitWaits = () => timeout.mock.calls.filter(([, ms]) => ms === commitDelayMs).length;
  live.start(false);
  hosts.push(live);
  return { host: live, node, commitWaits, posts };
}

/** Waits (a task at a time, up to a second) for what a port delivers. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const hosts: LiveHost[] = [];
afterEach(() => {
  for (const live of hosts.splice(0)) live.stop();
  vi.restoreAllMocks();
});

describe('group commit', () => {
  it('syncs a lone write at once, and writes one at a time never wait', async () => {
    const { host: live, node, commitWaits, posts } = host();
    for (let i = 0; i < 4; i++) {
      const reply = live.request(put());
      expect(live.stats.sends).toBe(i + 1); // its replica-put left at once, before the sync
      expect((await reply).ok).toBe(true);
    }
    expect(node.syncs).toBe(4);
    expect(commitWaits()).toBe(0);
    await until(() => posts.length === 4);
    expect(posts.map((post) => post.length)).toEqual([1, 1, 1, 1]);
  });

  it('lets writes that arrive together share a sync, and then waits for more to join', async () => {
    const { host: live, node, commitWaits, posts } = host();
    // The first write is synced at once (a quiet node); the two stepped while it synced share one.
    const first = [live.request(put()), live.request(put()), live.request(put())];
    // The moment those two are released, two more arrive: the last sync carried two writes, so the
    // commit waits commitDelayMs instead of running right behind them, and both join it.
    // Their replica-puts are held for that commit and leave as it starts, in one post.
    let heldSends = -1;
    const more = first[2]?.then(() => {
      const sent = live.stats.sends;
      const requests = [live.request(put()), live.request(put())];
      heldSends = live.stats.sends - sent;
      return requests;
    });
    await Promise.all(first);
    const replies = await Promise.all((await more) ?? []);
    expect(replies.map((r) => r.ok)).toEqual([true, true]);
    expect(node.syncs).toBe(3);
    expect(commitWaits()).toBe(1);
    expect(live.stats.syncedOutputs).toBe(5);
    expect(heldSends).toBe(0);
    await until(() => posts.flat().length === 5);
    expect(posts.at(-1)?.map((envelope) => envelope.id)).toEqual([3, 4]);
  });
});
