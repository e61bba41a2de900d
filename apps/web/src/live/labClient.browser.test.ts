/**
 * The page's client counts every outcome in the header's tally: a recorded request at once (with
 * its entry in the request list), an unrecorded one (a fast workload, the benchmark) a moment later
 * in a batch, and never in the request list. Bad input is refused in the page, before anything is
 * sent, with the typed error the node would give.
 */

import type { KvReply, KvRequest, NodeId } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { LabClient } from './labClient.ts';
import { createLabStore } from './labStore.ts';
import type { LiveCluster } from './liveCluster.ts';

/** A cluster of one node that answers every put at once, and refuses keys starting with `bad`. */
function answeringCluster(): LiveCluster {
  const cluster = {
    liveIds: () => ['n1' as NodeId],
    request: async (_id: NodeId, request: KvRequest): Promise<KvReply> =>
      request.key.startsWith('bad')
        ? {
            type: request.type,
            requestId: request.requestId,
            coordinator: 'n1' as NodeId,
            ok: false,
            outcome: 'fail',
            error: { code: 'KV_QUORUM_FAILED', message: 'refused' },
          }
        : {
            type: 'put',
            requestId: request.requestId,
            coordinator: 'n1' as NodeId,
            ok: true,
            clock: [],
            ackedBy: ['n1' as NodeId],
          },
  };
  return cluster as unknown as LiveCluster;
}

describe('the lab client tallies every outcome', () => {
  it('counts unrecorded requests in batches, without listing them', async () => {
    const store = createLabStore(['n1' as NodeId], 0);
    const client = new LabClient(answeringCluster(), store);
    await client.put('k1', 'v', { coordinator: 'n1' as NodeId });
    expect(store.getState().ops).toEqual({ ok: 1, fail: 0, info: 0 });
    await Promise.all([
      client.put('k2', 'v', { coordinator: 'n1' as NodeId, record: false }),
      client.put('k3', 'v', { coordinator: 'n1' as NodeId, record: false }),
      client.put('bad', 'v', { coordinator: 'n1' as NodeId, record: false }),
    ]);
    await expect.poll(() => store.getState().ops, { timeout: 2_000 }).toEqual({ ok: 3, fail: 1, info: 0 });
    expect(store.getState().requests.map((r) => r.key)).toEqual(['k1']);
  });
});

describe('the lab client refuses bad input before sending it', () => {
  it('answers an empty key, an impossible W, an over-size value and an unknown node with typed errors', async () => {
    const store = createLabStore(['n1', 'n2', 'n3'] as NodeId[], 0); // N=3
    const sent: KvRequest[] = [];
    const cluster = answeringCluster();
    const request = cluster.request.bind(cluster);
    cluster.request = (id, r) => {
      sent.push(r);
      return request(id, r);
    };
    const client = new LabClient(cluster, store);
    const codes = [
      await client.put('', 'v'),
      await client.put('k', 'v', { w: 4 }),
      await client.get('k', { r: 4 }),
      await client.put('k', 'v'.repeat(20_000)),
      await client.delete('k', { coordinator: 'n9' as NodeId }),
    ].map((reply) => (reply.ok ? 'ok' : reply.error.code));
    expect(codes).toEqual([
      'KV_KEY_EMPTY',
      'KV_QUORUM_IMPOSSIBLE',
      'KV_QUORUM_IMPOSSIBLE',
      'KV_VALUE_TOO_LARGE',
      'KV_UNKNOWN_NODE',
    ]);
    expect(sent).toEqual([]);
    expect(store.getState().requests).toEqual([]); // nothing was sent: no trace to list
    expect(client.lastRequestId).toBeNull();
    await expect.poll(() => store.getState().ops.fail, { timeout: 2_000 }).toBe(5);
    expect((await client.put('k', 'v')).ok).toBe(true); // and the client keeps working
  });
});
