/**
 * What every workload shares: the context a runner hands it, the handle it returns, and the pacing
 * of a client's operations. A workload schedules its clients on the simulation; each client issues
 * one operation at a time, and the next one after a gap drawn uniformly from [0, 2·mean] (Jepsen's
 * stagger), so that all clients together approach `ratePerSecond`. Clients stop issuing at the end
 * of the workload's duration; after the settle time the workload's final reads run.
 */

import type { NodeId } from '../../protocol/ids.ts';
import type { Rng } from '../../random/rng.ts';
import type { HistoryForms } from '../clients.ts';
import type { History, ValueDecoder } from '../history.ts';
import type { Simulation } from '../simulation.ts';

export interface WorkloadContext {
  sim: Simulation;
  history: History;
  /** The workload's stream, forked from the run's seed. */
  rng: Rng;
  nodes: readonly NodeId[];
  /** The cluster's replication factor: final reads ask every replica. */
  n: number;
  clientTimeoutMs: number;
  /** The run's history forms of versions, shared by its clients and its final contents. */
  forms: HistoryForms;
}

export interface RunningWorkload {
  /** True once the final reads are over (answered or given up). */
  readonly finished: boolean;
  /**
   * How reports show the stored values of `key` (text, or the set test's elements): one function
   * per kind of key, so the forms it makes can be shared (clients.ts `HistoryForms`).
   */
  decoderFor(key: string): ValueDecoder;
}

/** Hands out Jepsen process numbers: the first `count` to the clients, then one per new session. */
export class ProcessNumbers {
  private next: number;
  constructor(count: number) {
    this.next = count;
  }
  take = (): number => this.next++;
}

/**
 * Runs one client's operations: `issue(done)` starts one and calls `done` when it completes (a client
 * with nothing left to do simply does not call it). No operation starts after `endMs`.
 */
export function paceClient(
  sim: Simulation,
  rng: Rng,
  meanGapMs: number,
  endMs: number,
  label: string,
  issue: (done: () => void) => void,
): void {
  let planned = rng.float() * meanGapMs;
  const schedule = () => {
    const at = Math.max(sim.now, planned);
    if (at > endMs) return;
    sim.schedule(at, label, () => issue(next));
  };
  const next = () => {
    planned += rng.float() * 2 * meanGapMs;
    schedule();
  };
  schedule();
}

/** Mean time between two operations of one client, for `clients` sharing `ratePerSecond`. */
export function meanGapMs(clients: number, ratePerSecond: number): number {
  return (1_000 * clients) / ratePerSecond;
}

/** The first node that is up, starting the search at `from` (final reads avoid crashed coordinators). */
export function upNode(sim: Simulation, nodes: readonly NodeId[], from = 0): NodeId | null {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[(from + i) % nodes.length] as NodeId;
    if (sim.state(node) === 'up') return node;
  }
  return null;
}
