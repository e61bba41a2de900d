/**
 * Replica divergence, for the metrics plot (SPEC §2 "replica divergence"): the share of the
 * workload's keys whose replicas do not hold the same versions. Every `divergenceSampleMs` the page
 * reads the keys from every running replica's own store (no quorum, no messages: the worker API's
 * `storedVersions`), and a key counts as diverged when two of its replicas that could be read hold
 * different sets of versions, compared by clock. A hint a stand-in holds is not the replica's copy,
 * so it does not count; a replica that is down cannot be read, so it does not count either (once
 * it is back, what it missed shows). It rises while a partition or a dead replica makes writes miss
 * copies, and falls as hinted handoff, read repair and anti-entropy bring them together.
 */

import { buildRing, historyClock, type NodeId, replicasFor, showClock, type Version } from '@kvscope/engine';
import { placementFor, ringMembers } from './dataCentres.ts';
import type { LabState, LabStore } from './labStore.ts';
import type { LiveCluster } from './liveCluster.ts';
import { Repeating } from './repeating.ts';

export const divergenceSampleMs = 2_000;
/** The workload's first keys read per sample: a big key space is sampled, not read whole. */
export const divergenceKeysMax = 200;

/** Each replica's versions of one key, as comparable text; null where it could not be read. */
export type Holdings = ReadonlyMap<NodeId, string | null>;

/** A version set as text that two replicas holding the same versions both give. */
export function versionsText(versions: readonly Version[]): string {
  return versions
    .map((v) => showClock(historyClock(v.clock)))
    .sort()
    .join(' ');
}

/** The share of keys whose readable replicas disagree; null when no key has two readable ones. */
export function divergedShare(keys: readonly Holdings[]): number | null {
  let judged = 0;
  let diverged = 0;
  for (const holdings of keys) {
    const read = [...holdings.values()].filter((text): text is string => text !== null);
    if (read.length < 2) continue;
    judged++;
    if (read.some((text) => text !== read[0])) diverged++;
  }
  return judged === 0 ? null : diverged / judged;
}

/** Keeps the latest divergence measured, every `divergenceSampleMs`, for the metrics sampler. */
export class DivergenceProbe {
  latest: number | null = null;
  private readonly rounds = new Repeating(divergenceSampleMs, async () => {
    this.latest = divergedShare(await this.read(this.store.getState()));
  });

  constructor(
    private readonly cluster: LiveCluster,
    private readonly store: LabStore,
  ) {}

  start(): void {
    this.rounds.start();
  }

  stop(): void {
    this.rounds.stop();
  }

  /** Every key's holdings on its replicas (down, joining or unreadable ones as null). */
  private async read(state: LabState): Promise<Holdings[]> {
    const count = Math.min(state.workload.keys, divergenceKeysMax);
    const keys = Array.from({ length: count }, (_, i) => `k${i}`);
    const ring = buildRing(ringMembers(state.settings, state.membership.ring), {
      virtualNodes: state.settings.virtualNodes,
    });
    const placement = placementFor(state.settings);
    const replicas = keys.map((key) => replicasFor(ring, key, placement).nodes);
    const nodes = [...new Set(replicas.flat())];
    const stored = await Promise.all(nodes.map((id) => this.cluster.storedVersions(id, keys)));
    const byNode = new Map(nodes.map((id, i) => [id, stored[i]]));
    return keys.map(
      (_, k) =>
        new Map(
          (replicas[k] ?? []).map((id) => {
            const read = byNode.get(id)?.[k];
            return [id, read && 'stored' in read ? versionsText(read.stored) : null] as const;
          }),
        ),
    );
  }
}
