/**
 * Stray keys (SPEC 1.7): keys a node still holds in ranges it no longer replicates, that no
 * hand-over covers. A join hands a range over from the old replicas the joiner can reach; a replica
 * that was down, paused or cut off at the time is never asked, and comes back holding copies of a
 * range that has moved on. Nothing else would ever remove them (anti-entropy only compares the
 * ranges a node replicates), so the node finds them itself and hands them over like a join's range:
 *
 *   ring change seen, or restart ─▶ + strayCheckDelayMs ─▶ scan: keys not replicated, no hint,
 *   no hand-over covering them ─▶ one stream per token arc to the arc's first replica ─▶ the clean-up
 *   (rangeCleanup.ts) deletes them once that replica acknowledged them and the grace period is over
 *
 * So a stray copy is deleted only after a current replica holds it durably, as after a join.
 */

import { type KeyRange, tokenArc } from '../antiEntropy/ranges.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import { type Placement, replicasOfToken } from '../ring/placement.ts';
import { keyPosition, type Ring, tokenIndexAt } from '../ring/ring.ts';
import type { RangeStreams } from './rangeStreams.ts';

/** Stray keys of one token arc and the replica they go to. */
export interface StrayHandover {
  to: NodeId;
  range: KeyRange;
  keys: string[];
}

/**
 * Groups the stored keys that `keeps` does not claim (replicated here, hinted, or handed over
 * already) by token arc, each bound for its arc's first replica other than `self`.
 */
export function strayHandovers(
  stored: Iterable<[string, unknown]>,
  ring: Ring,
  placement: Placement,
  self: NodeId,
  keeps: (key: string) => boolean,
): StrayHandover[] {
  const byToken = new Map<number, StrayHandover>();
  if (ring.positions.length === 0) return [];
  for (const [key] of stored) {
    if (keeps(key)) continue;
    const token = tokenIndexAt(ring, keyPosition(key));
    let handover = byToken.get(token);
    if (!handover) {
      const to = replicasOfToken(ring, token, placement).nodes.find((id) => id !== self);
      if (to === undefined) continue; // no other replica to hand it to: keep it
      handover = { to, range: tokenArc(ring, token), keys: [] };
      byToken.set(token, handover);
    }
    handover.keys.push(key);
  }
  return [...byToken.values()];
}

/**
 * Streams each hand-over's keys to its replica — exactly those keys, so later writes are not
 * forwarded (the clean-up tracks them) — and tells of it in one `range.strays` event.
 */
export function sendStrays(
  handovers: readonly StrayHandover[],
  streams: RangeStreams,
  self: NodeId,
  now: number,
  out: NodeOutput,
): void {
  if (handovers.length === 0) return;
  let keys = 0;
  for (const { to, range, keys: strays } of handovers) {
    streams.push(to, range, now, out, strays);
    keys += strays.length;
  }
  const to = [...new Set(handovers.map((h) => h.to))];
  out.events.push({ type: 'range.strays', at: now, node: self, keys, to, streams: handovers.length });
}
