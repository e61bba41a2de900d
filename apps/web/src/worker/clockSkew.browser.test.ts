/**
 * Clock skew in the live host (liveHost.ts `setClockSkew`): the node steps on its own clock, the
 * page's skewed, so the versions it stamps are off by the skew; the events it reports are put back
 * on the page's clock, where the views draw them; and a timer already set goes off when the node's
 * clock reads its time, so a clock set ahead brings it forward. The node is a stand-in that notes
 * the time of each input, reports an event stamped with it, and asks to be woken 5 s later.
 */

import {
  type ClusterEvent,
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
import { describe, expect, it } from 'vitest';
import { type EventBatch, eventBatchIntervalMs, sharedNow } from '../shared/workerApi.ts';
import { LiveHost } from './liveHost.ts';

class ClockNode implements StorageNode {
  readonly id = 'n1' as NodeId;
  readonly inputs: { type: string; now: number }[] = [];
  step(input: NodeInput): NodeOutput {
    const out = emptyOutput();
    this.inputs.push({ type: input.type, now: input.now });
    out.events.push({ type: 'node.started', at: input.now, node: this.id, recovered: false } as ClusterEvent);
    if (input.type === 'start') out.wakeAt = input.now + 5_000;
    if (input.type === 'request') {
      const { requestId } = input.request;
      out.replies.push({
        type: 'put',
        requestId,
        coordinator: this.id,
        ok: true,
        clock: [],
      } as unknown as KvReply);
    }
    return out;
  }
  sync(): void {}
  snapshot = () => ({ id: this.id, kind: 'clock', at: 0 });
  close(): void {}
}

function started(): { host: LiveHost; node: ClockNode; events: ClusterEvent[] } {
  const node = new ClockNode();
  const channel = new MessageChannel();
  const events: ClusterEvent[] = [];
  channel.port2.onmessage = (e: MessageEvent<EventBatch>) => events.push(...e.data.events);
  const host = new LiveHost(node, {} as FileSystem, channel.port1, new Rng(1), true);
  host.start(false);
  return { host, node, events };
}

const put = { type: 'put', requestId: 'p1', key: 'k', value: new Uint8Array(1) } as KvRequest;
const settle = () => new Promise((resolve) => setTimeout(resolve, eventBatchIntervalMs * 3));

describe('a live node with its clock skewed', () => {
  it('steps on its own clock, and its events come back on the page’s', async () => {
    const { host, node, events } = started();
    host.setClockSkew(-10_000);
    const before = sharedNow();
    await host.request(put);
    const stepped = node.inputs.find((input) => input.type === 'request');
    expect(stepped?.now).toBeLessThanOrEqual(sharedNow() - 10_000);
    expect(stepped?.now).toBeGreaterThanOrEqual(before - 10_000);
    await settle();
    const reported = events.filter((e) => e.type === 'node.started').map((e) => e.at);
    // The host's own event, the start's and the request's: each within the test's run, not 10 s back.
    expect(reported).toHaveLength(3);
    for (const at of reported) expect(sharedNow() - at).toBeLessThan(5_000);
    host.stop();
  });

  it('wakes when its clock reads the time it asked for: a clock set 5 s ahead wakes it at once', async () => {
    const { host, node } = started();
    host.setClockSkew(5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(node.inputs.map((input) => input.type)).toEqual(['start', 'tick']);
    host.stop();
  });
});
