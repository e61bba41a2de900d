/**
 * The version a coordinator creates for a put or delete (SPEC 1.5): the coordinator increments its
 * own entry, starting from the client's context. Done naively, two clients that read the same
 * context and write through the same coordinator get *equal* clocks for different values, and a
 * replica keeps only one of them: an acknowledged write silently lost (P1). And when the
 * coordinator's entry has moved on since the context was read, the new clock would descend a write
 * the client never saw.
 *
 * So the new version gets a *dot* (siblings.ts): the coordinator's counter is raised past every
 * counter it has issued (the highest in its stored siblings, the context's, or its floor: its
 * actor's lease at its start, then every counter it issued since, for the versions a crash, a
 * cleaned-up range or a handed-off hint made it forget), and the
 * version records the context's own counter as the dot's `base`. Replicas then drop a version only
 * when a writer had really seen it (`covers`), so both writes above survive as siblings, while the
 * clock keeps one entry per coordinator (dotted version vectors, as Riak 2.0 does).
 *
 * Contract for callers: `local` is the coordinator's own current sibling set for the key, and the
 * new version is stored locally (durably) before it is acknowledged, so the next write sees it.
 */

import type { NodeId } from '../protocol/ids.ts';
import type { Version } from './siblings.ts';
import { counterOf, type PruneOptions, prune, type VectorClock, withEntry } from './vectorClock.ts';

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
  /**
   * Counters start above this: at a start, the lease of its actor (versioning/actor.ts), above every
   * counter it issued before, because a coordinator that lost data it had not synced no longer sees
   * those counters in `local`.
   */
  counterFloor?: number;
}

/** The version a coordinator writes: it covers its context and no sibling the client had not seen. */
export function newVersion(input: NewVersionInput): Version {
  const { context, coordinator: self, now } = input;
  const base = counterOf(context, self);
  let highest = Math.max(base, input.counterFloor ?? 0);
  const local = input.local;
  for (let i = 0; i < local.length; i++)
    highest = Math.max(highest, counterOf((local[i] as Version).clock, self));
  const counter = highest + 1;
  const clock = prune(withEntry(context, self, counter, now), { entriesMax: input.entriesMax, keep: self });
  const version: Version = { clock, dot: { node: self, counter, base }, value: input.value, timestamp: now };
  if (input.writer !== undefined) version.writer = input.writer;
  return version;
}
