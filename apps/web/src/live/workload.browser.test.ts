/**
 * The background workload carries each key's last context into its next put, and forgets every
 * context when the whole cluster is wiped (a reset): those would stamp the new cluster's versions
 * with the counters of the wiped one.
 */
import type { KvReply, NodeId, VectorClock } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import type { LabClient } from './labClient.ts';
import { createLabStore } from './labStore.ts';
import { Workload } from './workload.ts';

describe('the background workload', () => {
  it('puts with the last context of the key, and with none after the cluster was wiped', async () => {
    const store = createLabStore(['n1'] as NodeId[], 0);
    store.setState((s) => ({ workload: { ...s.workload, rate: 500, keys: 1, readFraction: 0 } }));
    const contexts: (VectorClock | undefined)[] = [];
    let counter = 0;
    const client = {
      put: async (_key: string, _value: string, options: { context?: VectorClock }) => {
        contexts.push(options.context);
        const clock = [{ node: 'n1' as NodeId, counter: ++counter, timestamp: 0 }];
        return {
          ok: true,
          type: 'put',
          requestId: 'r',
          coordinator: 'n1',
          clock,
          ackedBy: ['n1'],
        } as unknown as KvReply;
      },
    } as unknown as LabClient;
    const workload = new Workload(client, store);
    workload.start();
    await expect.poll(() => contexts.length, { timeout: 5_000 }).toBeGreaterThan(3);
    expect(contexts[0]).toBeUndefined();
    expect(contexts.slice(1).every((c) => c !== undefined)).toBe(true); // each put carries the last clock
    store.setState((s) => ({ clusterWipes: s.clusterWipes + 1 }));
    const wipedAt = contexts.length;
    await expect.poll(() => contexts.length, { timeout: 5_000 }).toBeGreaterThan(wipedAt + 2);
    workload.stop();
    expect(contexts[wipedAt]).toBeUndefined(); // the first put after the wipe starts afresh
    expect(contexts[wipedAt + 1]).toBeDefined();
  });
});
