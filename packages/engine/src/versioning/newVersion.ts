/**
 * The clock of a new write (SPEC 1.5): the coordinator increments its own entry, starting from the
 * client's context. Done naively, two clients that read the same context and write through the same
 * coordinator get *equal* clocks for different values, and a replica keeps only one of them: an
 * acknowledged write silently lost (P1). The same happens when the coordinator's entry has moved on
 * since the context was read: the new clock would descend a write the client never saw.
 *
 * So the coordinator checks its own stored siblings for the key. If one it has not been told about
 * (not covered by the context) already carries a higher counter for its actor, it writes under a
 * second actor of its own, `n1~2` (then `n1~3`, …): the new clock is then concurrent with every such
 * sibling, as the writes truly are, and both survive as siblings. Each actor's counters still name
 * one write each, which is what the vector-clock order assumes. This is the classic "actor per
 * concurrent writer" answer, restricted to the rare case that needs it; dotted version vectors
 * (Riak 2.0) are the heavier alternative. Extra actors are ordinary entries, bounded by pruning.
 *
 * Contract for callers: `local` is the coordinator's own current sibling set for the key, and the
 * new version is stored locally (durably) before it is acknowledged, so the next write sees it.
 */

import type { NodeId } from '../protocol/ids.ts';
import type { Version } from './siblings.ts';
import { counterOf, descends, increment, type PruneOptions, prune, type VectorClock } from './vectorClock.ts';

/** The `lane`-th actor of `node`: `n1` for lane 1, `n1~2`, `n1~3`, … for the others. */
export function actorOf(node: NodeId, lane: number): NodeId {
  return (lane === 1 ? node : `${node}~${lane}`) as NodeId;
}

/** The first actor of `coordinator` under which a new write from `context` collides with no sibling. */
export function writeActor(context: VectorClock, coordinator: NodeId, local: readonly Version[]): NodeId {
  const unseen = local.filter((v) => !descends(context, v.clock));
  for (let lane = 1; ; lane++) {
    const actor = actorOf(coordinator, lane);
    const base = counterOf(context, actor);
    if (unseen.every((v) => counterOf(v.clock, actor) <= base)) return actor;
  }
}

export interface NewVersionInput {
  /** The client's context: the merged clock of the siblings it read (empty for a blind write). */
  context: VectorClock;
  coordinator: NodeId;
  /** The coordinator's clock, ms. */
  now: number;
  /** The value; null writes a tombstone (a delete). */
  value: Uint8Array | null;
  /** Who wrote it (client or node id), for the lab and the last-write-wins tie-break. */
  writer?: string;
  /** The coordinator's stored siblings for the key. */
  local: readonly Version[];
  /** Pruning threshold (`vectorClockEntriesMax` by default). */
  entriesMax?: PruneOptions['entriesMax'];
}

/** The version a coordinator writes: it descends the context, and is concurrent with unseen siblings. */
export function newVersion(input: NewVersionInput): Version {
  const actor = writeActor(input.context, input.coordinator, input.local);
  const clock = prune(increment(input.context, actor, input.now), {
    entriesMax: input.entriesMax,
    keep: actor,
  });
  const version: Version = { clock, value: input.value, timestamp: input.now };
  if (input.writer !== undefined) version.writer = input.writer;
  return version;
}
