/**
 * A simulated cluster under a steady kv load, for the membership-change tests: five clients, 200
 * operations a second, mostly writes, anti-entropy off so that only range streams move data, and
 * every event but messages and storage collected.
 */

import { createKvNode } from '../../node/kvNode.ts';
import type { ClusterEvent } from '../../protocol/events.ts';
import type { NodeId } from '../../protocol/ids.ts';
import { Rng } from '../../random/rng.ts';
import { HistoryForms } from '../../simulation/clients.ts';
import { History } from '../../simulation/history.ts';
import { Simulation } from '../../simulation/simulation.ts';
import { startKvWorkload } from '../../simulation/workloads/kvWorkload.ts';
import type { RunningWorkload } from '../../simulation/workloads/workload.ts';

export interface LoadedCluster {
  sim: Simulation;
  history: History;
  workload: RunningWorkload;
  events: ClusterEvent[];
}

/** `nodes` (N = 3) with `config` over the defaults, and clients writing `keys` keys for `durationMs`. */
export function underLoad(
  seed: number,
  nodes: NodeId[],
  keys: number,
  config: Record<string, unknown>,
  durationMs = 20_000,
): LoadedCluster {
  const sim = new Simulation({
    seed,
    nodes,
    createNode: createKvNode,
    config: { n: 3, antiEntropyIntervalMs: 0, members: nodes.map((id) => ({ id })), ...config },
  });
  const events: ClusterEvent[] = [];
  sim.onEvent((event) => {
    if (!event.type.startsWith('message.') && event.type !== 'storage') events.push(event);
  });
  const history = new History();
  const workload = startKvWorkload(
    {
      kind: 'kv',
      clients: 5,
      ratePerSecond: 200,
      durationMs,
      settleMs: 3_000,
      mix: { get: 0.3, put: 0.7, delete: 0 },
      keys,
      keyDistribution: 'uniform',
      valueBytes: 32,
    },
    {
      sim,
      history,
      rng: new Rng(seed, 'workload'),
      nodes,
      n: 3,
      clientTimeoutMs: 3_000,
      forms: new HistoryForms(),
    },
  );
  return { sim, history, workload, events };
}
