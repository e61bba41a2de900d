/**
 * What one gossip round sends, and to whom (SPEC 1.6): pure functions over a node's member table,
 * kept apart from the membership state machine that owns the table.
 *
 *   targets: `fanout` random live members (every member with the local detector, which judges only
 *            what it hears directly), now and then one down or removed-while-down member, the
 *            seeds when no one is left
 *   digest:  this node's own entry, then one entry per member with the suspicions it reports
 *
 * Invariant: a configured member never heard from goes out only with suspicions of it, so a node
 * that crashed before its first heartbeat is still convicted by two reporters; an entry carries at
 * most `suspicionReportersMax` suspects.
 */

import { suspicionReportersMax } from '../constants.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Rng } from '../random/rng.ts';
import type { FailureDetector } from './failureDetector.ts';
import type { MemberRecord } from './memberRecord.ts';
import { type GossipEntry, ringAttributesOf } from './messages.ts';
import type { MembershipSettings } from './settings.ts';

export type Incarnation = Pick<GossipEntry, 'generation' | 'heartbeat'>;

/** Orders two (generation, heartbeat) pairs: the merge keeps the larger. */
export function compareIncarnations(a: Incarnation, b: Incarnation): number {
  return a.generation !== b.generation ? a.generation - b.generation : a.heartbeat - b.heartbeat;
}

/**
 * `fanout` random live members; in local mode every member. Like Cassandra, also one down member
 * with probability down/(live+1), so a member back from a partition is heard, and the seeds when no
 * one else is left to talk to. Members removed while down (`unreachable`, tombstones.ts) count as
 * down here: they may be the other side of a partition longer than T_cleanup.
 */
export function gossipTargets(
  members: Iterable<MemberRecord>,
  unreachable: readonly NodeId[],
  settings: MembershipSettings,
  rng: Rng,
  self: NodeId,
): NodeId[] {
  const others = [...members].filter((m) => m.status !== 'left');
  if (settings.detector === 'local') return [...others.map((m) => m.id), ...unreachable];
  const live = others.filter((m) => m.status !== 'down').map((m) => m.id);
  const down = [...others.filter((m) => m.status === 'down').map((m) => m.id), ...unreachable];
  const targets = rng.sample(live, settings.fanout);
  if (down.length > 0 && rng.chance(down.length / (live.length + 1))) targets.push(rng.pick(down));
  if (live.length === 0) {
    for (const seed of settings.seeds) if (seed !== self && !targets.includes(seed)) targets.push(seed);
  }
  return targets;
}

/** The digest: `own` entry first, then every member worth telling about, with its suspects. */
export function buildDigest(
  own: GossipEntry,
  members: Iterable<MemberRecord>,
  detector: FailureDetector,
  now: number,
): GossipEntry[] {
  const entries: GossipEntry[] = [own];
  for (const record of members) {
    const suspects =
      record.status === 'left' ? [] : detector.reporters(record.id, now).slice(0, suspicionReportersMax);
    if (record.heartbeat < 1 && suspects.length === 0) continue;
    const { id, generation, heartbeat } = record;
    const entry: GossipEntry = {
      id,
      generation,
      heartbeat,
      status: record.status,
      suspects,
      ...ringAttributesOf(record),
    };
    if (record.status === 'left' && record.ring) entry.ring = record.ring;
    entries.push(entry);
  }
  return entries;
}
