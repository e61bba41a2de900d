/**
 * The versions of each key the page has seen in its replicas (the versions view reads every replica
 * of the chosen key once a second, app/VersionsPanel.tsx). Replicas keep only the versions no newer
 * write has seen, so a history — D1 → D2 → {D3, D4} → D5 — exists only where someone remembered it:
 * here, for the page's session. A version that lived and was replaced between two readings is not
 * in it (the view says so).
 *
 * Forgotten when the cluster is reset. Bounded: the `versionKeysMax` keys read most recently, each with its `versionsPerKeyMax` newest
 * versions (by the coordinator's timestamp).
 */

import type { Version } from '@kvscope/engine';
import { versionId } from '@kvscope/ui';

export const versionKeysMax = 64;
export const versionsPerKeyMax = 40;

export class VersionMemory {
  private readonly byKey = new Map<string, Map<string, Version>>();
  private wipes = 0;

  /** Remembers `versions` of `key` (repeats are kept once); the key becomes the most recent. */
  remember(key: string, versions: readonly Version[]): void {
    const known = this.byKey.get(key) ?? new Map<string, Version>();
    this.byKey.delete(key);
    this.byKey.set(key, known);
    for (const v of versions) if (!known.has(versionId(v))) known.set(versionId(v), v);
    if (known.size > versionsPerKeyMax) {
      const oldest = [...known].sort(([, a], [, b]) => a.timestamp - b.timestamp);
      for (const [id] of oldest.slice(0, known.size - versionsPerKeyMax)) known.delete(id);
    }
    for (const stale of [...this.byKey.keys()].slice(0, Math.max(0, this.byKey.size - versionKeysMax)))
      this.byKey.delete(stale);
  }

  /** Every remembered version of `key`. */
  seen(key: string): Version[] {
    return [...(this.byKey.get(key)?.values() ?? [])];
  }

  /**
   * Forgets everything when the cluster's disks were all wiped since the last call (`wipes`: the
   * store's `clusterWipes`, raised by a reset): those versions exist nowhere any more.
   */
  since(wipes: number): void {
    if (wipes === this.wipes) return;
    this.wipes = wipes;
    this.byKey.clear();
  }
}

/** The page's memory (one per page: it outlives the tab, not a reload). */
export const versionMemory = new VersionMemory();
