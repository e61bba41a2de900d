/**
 * What the versions view draws, as plain data (SPEC §2 "versions and conflicts"): the versions of
 * one key the page has seen, as the graph of which write saw which — the chapter's D1 → D2 →
 * {D3, D4} → D5 — with what each replica holds now.
 *
 * A version is a node of the graph; an arrow u → v means v's writer had seen u (the engine's own
 * `coversWrite`, the rule a replica uses to drop u where v is kept), drawn only between neighbours:
 * no arrow u → v when some w lies between (u → w → v), so the picture is the Hasse diagram of
 * "seen by". Each version is
 *   latest     held by a replica and seen by no other version known here: what a read can return;
 *   sibling    a latest version beside other latest ones — concurrent writes the store keeps all of,
 *              for the client to merge;
 *   stale      still held by some replica, though a newer version has seen it:
 *              that replica missed the newer write, and read repair or anti-entropy will replace it;
 *   replaced   held by no replica any more: a newer write replaced it everywhere (kept here because
 *              the page saw it, so the history stays readable).
 * Rows are generations: a version sits one row below the lowest of the versions it saw.
 */

import { compareVersions, coversWrite, sameWrite, type Version } from '@kvscope/engine';

export type VersionStatus = 'latest' | 'sibling' | 'stale' | 'replaced';

export interface VersionNode {
  /** Stable id: the write's dot (`n1:3`), or its clock for versions without one. */
  id: string;
  version: Version;
  /** The replicas that hold this version now, in the order given. */
  holders: string[];
  status: VersionStatus;
  /** Generation (0: saw no other version here) and place within it (0-based, oldest first). */
  row: number;
  column: number;
}

export interface VersionEdge {
  /** The older version, and the newer one whose writer had seen it. */
  from: string;
  to: string;
}

export interface VersionGraph {
  nodes: VersionNode[];
  edges: VersionEdge[];
  /** The widest row's length (the drawing's width in columns). */
  columns: number;
}

/** The id of a version: its write's dot, or its clock for versions made without one. */
export function versionId(v: Version): string {
  if (v.dot) return `${v.dot.node}:${v.dot.counter}`;
  return `[${v.clock.map((e) => `${e.node}:${e.counter}`).join(',')}]`;
}

/** Whether `newer`'s writer saw `older` (and they are different writes). */
function saw(newer: Version, older: Version): boolean {
  return !sameWrite(newer, older) && coversWrite(newer, older);
}

/**
 * The graph of `seen` (every version of the key the page has observed, in any order, repeats
 * allowed) and `held` (each replica's stored versions now). Versions in `held` need not be in
 * `seen`; every held version is drawn.
 */
export function versionGraph(
  seen: readonly Version[],
  held: Readonly<Record<string, readonly Version[]>>,
): VersionGraph {
  const byId = new Map<string, Version>();
  const holders = new Map<string, string[]>();
  for (const v of seen) if (!byId.has(versionId(v))) byId.set(versionId(v), v);
  for (const [replica, versions] of Object.entries(held))
    for (const v of versions) {
      const id = versionId(v);
      if (!byId.has(id)) byId.set(id, v);
      const list = holders.get(id) ?? [];
      if (!list.includes(replica)) list.push(replica);
      holders.set(id, list);
    }
  const versions = [...byId.values()].sort(byAge);
  const ids = versions.map(versionId);
  const parents = versions.map((v, i) => versions.flatMap((u, j) => (j !== i && saw(v, u) ? [j] : [])));
  const edges: VersionEdge[] = [];
  for (const [i, ps] of parents.entries())
    for (const j of ps) {
      // j → i unless some other parent k of i lies between them (k saw j).
      const between = ps.some((k) => k !== j && (parents[k] ?? []).includes(j));
      if (!between) edges.push({ from: ids[j] as string, to: ids[i] as string });
    }
  const rows = generations(versions.length, parents);
  const isHeld = (i: number) => (holders.get(ids[i] as string)?.length ?? 0) > 0;
  const seenByOther = (i: number) => versions.some((v) => saw(v, versions[i] as Version));
  const latest = versions.map((_, i) => isHeld(i) && !seenByOther(i));
  const latestCount = latest.filter(Boolean).length;
  const columnOf = new Map<number, number>();
  const nodes = versions.map((version, i): VersionNode => {
    const row = rows[i] as number;
    const column = columnOf.get(row) ?? 0;
    columnOf.set(row, column + 1);
    const held = holders.get(ids[i] as string) ?? [];
    const status: VersionStatus = latest[i]
      ? latestCount > 1
        ? 'sibling'
        : 'latest'
      : held.length > 0
        ? 'stale'
        : 'replaced';
    return { id: ids[i] as string, version, holders: held, status, row, column };
  });
  return { nodes, edges, columns: Math.max(0, ...columnOf.values()) };
}

/** Oldest first: by the coordinator's timestamp, then the engine's canonical order. */
function byAge(a: Version, b: Version): number {
  return a.timestamp - b.timestamp || compareVersions(a, b);
}

/** Each version's generation: one below the lowest it saw (versions are sorted oldest first). */
function generations(count: number, parents: readonly (readonly number[])[]): number[] {
  const rows = new Array<number>(count).fill(-1);
  const rowOf = (i: number, depth: number): number => {
    if ((rows[i] as number) >= 0) return rows[i] as number;
    if (depth > count) return 0; // a cycle cannot happen ("saw" is a strict order); stay finite anyway
    const ps = parents[i] ?? [];
    rows[i] = ps.length === 0 ? 0 : 1 + Math.max(...ps.map((p) => rowOf(p, depth + 1)));
    return rows[i] as number;
  };
  for (let i = 0; i < count; i++) rowOf(i, 0);
  return rows;
}
