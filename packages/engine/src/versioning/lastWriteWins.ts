/**
 * Last-write-wins: the contrast mode (SPEC 1.5). Instead of keeping concurrent versions as siblings,
 * a replica keeps the one with the latest timestamp (ties broken by the larger writer id, then the
 * canonical version order, so every replica picks the same one). It is what Cassandra does per
 * cell and what Riak does with `allow_mult=false`; Jepsen showed it losing 71–92% of acknowledged
 * writes under partitions and clock skew. The lab uses `resolveLastWriteWins` to show exactly
 * which writes were thrown away without being seen by anyone.
 */

import { compareVersions, type Version } from './siblings.ts';
import { descends } from './vectorClock.ts';

/** > 0 when `a` wins over `b` under last-write-wins. */
export function compareLastWriteWins(a: Version, b: Version): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  const [wa, wb] = [a.writer ?? '', b.writer ?? ''];
  if (wa !== wb) return wa < wb ? -1 : 1;
  return compareVersions(a, b);
}

export interface LastWriteWinsResolution {
  /** The surviving version (undefined when there were none). */
  winner: Version | undefined;
  /** Versions dropped although the winner had not seen them: the writes LWW silently loses. */
  lost: Version[];
  /** Versions dropped because the winner descends them: ordinary overwrites, not losses. */
  superseded: Version[];
}

export function resolveLastWriteWins(versions: readonly Version[]): LastWriteWinsResolution {
  let winner: Version | undefined;
  for (const v of versions) if (!winner || compareLastWriteWins(v, winner) > 0) winner = v;
  const lost: Version[] = [];
  const superseded: Version[] = [];
  for (const v of versions) {
    if (v === winner || !winner) continue;
    (descends(winner.clock, v.clock) ? superseded : lost).push(v);
  }
  return { winner, lost, superseded };
}

/** The last-write-wins counterpart of `syncSiblings`: a set of at most one version. */
export function syncLastWriteWins(existing: readonly Version[], incoming: readonly Version[]): Version[] {
  const { winner } = resolveLastWriteWins([...existing, ...incoming]);
  return winner ? [winner] : [];
}
