/**
 * The cluster's pace: the lab's network speed scales the gossip interval and T_fail together, from
 * classroom speed (a gossip round every 2.6 s, suspicion after 13 s) to full speed (1 s and 5 s).
 * When the pace changes, what was measured under the old one is rescaled, so that a faster pace's
 * shorter timeout is not read against silences that were normal under the slower one: a member
 * silent for 40% of the old T_fail is silent for 40% of the new one. Without this, switching from
 * classroom speed to fast had a node suspect every peer it had last heard from 6–13 s before, and
 * hear them again a moment later.
 */

/** A past instant `at`, its distance from `now` stretched by `factor` (new interval / old). */
export function rescaledSince(at: number, now: number, factor: number): number {
  return now - (now - at) * factor;
}
