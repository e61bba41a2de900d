/**
 * The background workload writes read–modify–write: each put carries the context of the last read
 * of its key — never the clock a put returned, whose dot would claim writes it never saw — and
 * every context is forgotten when the whole cluster is wiped (a reset): those would stamp the new
 * cluster's versions with the counters of the wiped one.
 */
import type { NodeId, VectorClock } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import type { LabClient } from './labClient.ts';
import { createLabStore } from './labStore.ts';
import { Workload } from './workload.ts';

const clockOf = (counter: number): VectorClock => [{ node: 'n1' as NodeId, counter, timestamp: 0 }];

/** A one-node client: gets answer with context {n1: reads}, puts with clock {n1: 1000 + puts}. */
function recordingClient() {
  const contexts: (VectorClock | undefined)[] = [];
  const reply = { ok: true, requestId: 'r', coordinator: 'n1' };
  let [reads, puts] = [0, 0];
  const client = {
    get: async () => ({ ...reply, type: 'get', siblings: [], context: clockOf(++reads), answeredBy: ['n1'] }),
    put: async (_key: string, _value: string, options: { context?: VectorClock }) => {
      contexts.push(options.context);
      return { ...reply, type: 'put', clock: clockOf(1_000 + ++puts), ackedBy: ['n1'] };
    },
  } as unknown as LabClient;
  return { client, contexts };
}

describe('the background workload', () => {
  it('puts with the context of the last read of the key, never a put reply’s clock, and with none after the cluster was wiped', async () => {
    const store = createLabStore(['n1'] as NodeId[], 0);
    store.setState((s) => ({ workload: { ...s.workload, rate: 500, keys: 1, readFraction: 0.5 } }));
    const { client, contexts } = recordingClient();
    const workload = new Workload(client, store);
    workload.start();
    await expect
      .poll(() => contexts.filter((c) => c !== undefined).length, { timeout: 5_000 })
      .toBeGreaterThan(5);
    const counters = contexts.filter((c) => c !== undefined).map((c) => c[0]?.counter ?? 0);
    expect(counters.every((c) => c < 1_000)).toBe(true); // read contexts only
    // Wiped, and puts only from now on: no context is left to carry.
    store.setState((s) => ({
      clusterWipes: s.clusterWipes + 1,
      workload: { ...s.workload, readFraction: 0 },
    }));
    const wipedAt = contexts.length;
    await expect.poll(() => contexts.length, { timeout: 5_000 }).toBeGreaterThan(wipedAt + 3);
    workload.stop();
    expect(contexts.slice(wipedAt + 1)).toEqual(contexts.slice(wipedAt + 1).map(() => undefined));
  });
});
