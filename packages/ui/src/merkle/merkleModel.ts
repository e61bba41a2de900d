/**
 * What the Merkle-diff view draws, as plain data (SPEC §2 "Merkle diff"): one anti-entropy exchange
 * between two replicas of a key range, folded from the engine's `antientropy.*` events, and the
 * cells of its tree level by level.
 *
 * The tree is drawn as an icicle: depth d is a row of 2^d cells, node h = 2^d + i at column i, so a
 * node's children sit right under it. A cell is
 *   differing      the comparison at that depth found the two digests unequal (named by the event);
 *   equal          compared (a child of a differing parent, or the root) and found equal;
 *   not compared   the exchange never looked at it: its parent was equal, so nothing below differs;
 *   unknown        compared, but the event named only its first `levelEventNodesMax` differing
 *                  nodes, so this cell's verdict is not known.
 * Invariant: a depth's compared cells are exactly the children of the previous depth's differing
 * ones (exchange.ts sends the children of the differing frontier and nothing else).
 */

import {
  type AntiEntropyOutcome,
  type AntiEntropyTrigger,
  type KeyRange,
  levelEventNodesMax,
  ringSize,
} from '@kvscope/engine';

/** One compared depth of an exchange, as its `antientropy.level` event reported it. */
export interface MerkleLevelView {
  depth: number;
  /** The replica that compared this depth (the two sides take turns). */
  by: string;
  compared: number;
  differing: number;
  /** Heap numbers of the first differing nodes (the event's list, at most `levelEventNodesMax`). */
  nodes: readonly number[];
}

/** Versions that changed on `node`, sent by `from` (one per `antientropy.repaired` event, summed). */
export interface MerkleRepairView {
  node: string;
  from: string;
  keys: number;
  bytes: number;
}

/** How an exchange ended, from the initiator's `antientropy.done`. */
export interface MerkleDoneView {
  at: number;
  outcome: AntiEntropyOutcome;
  messages: number;
  bytes: number;
  keysRepaired: number;
  durationMs: number;
}

/** One exchange as the view reads it; `done` is null while it runs (or when its end was not seen). */
export interface MerkleExchangeView {
  /** Unique in the page's list (exchange ids restart with a node's incarnation). */
  key: string;
  exchange: string;
  initiator: string;
  peer: string;
  range: KeyRange;
  trigger: AntiEntropyTrigger | null;
  startedAt: number | null;
  /** Sorted by depth; at most one per depth. */
  levels: readonly MerkleLevelView[];
  repairs: readonly MerkleRepairView[];
  done: MerkleDoneView | null;
}

export type CellVerdict = 'differing' | 'equal' | 'not compared' | 'unknown';

export interface MerkleCell {
  node: number;
  depth: number;
  /** Column within the depth, 0 … 2^depth − 1. */
  index: number;
  verdict: CellVerdict;
}

export interface MerkleRow {
  depth: number;
  cells: MerkleCell[];
  /** The depth's event, or null when the exchange never compared it. */
  level: MerkleLevelView | null;
}

/** Depths drawn (0 … 5: 63 cells, the deepest row 32 cells wide); deeper ones are summarised. */
export const merkleDrawnDepths = 6;

/** The rows to draw, root first, `depths` of them. */
export function treeRows(levels: readonly MerkleLevelView[], depths = merkleDrawnDepths): MerkleRow[] {
  const byDepth = new Map(levels.map((l) => [l.depth, l]));
  const rows: MerkleRow[] = [];
  let differingAbove = new Set<number>();
  let aboveComplete = true;
  for (let depth = 0; depth < depths; depth++) {
    const level = byDepth.get(depth) ?? null;
    const differing = new Set(level?.nodes ?? []);
    const complete = level !== null && level.nodes.length >= level.differing;
    const cells: MerkleCell[] = [];
    for (let index = 0; index < 2 ** depth; index++) {
      const node = 2 ** depth + index;
      const compared = level !== null && (depth === 0 || differingAbove.has(node >> 1));
      const maybeCompared = !aboveComplete && level !== null;
      const verdict: CellVerdict = differing.has(node)
        ? 'differing'
        : compared
          ? complete
            ? 'equal'
            : 'unknown'
          : maybeCompared
            ? 'unknown'
            : 'not compared';
      cells.push({ node, depth, index, verdict });
    }
    rows.push({ depth, cells, level });
    differingAbove = differing;
    aboveComplete = complete || level === null;
  }
  return rows;
}

/** Differing nodes the exchange found below the drawn depths, and how deep it went. */
export function deeperDiffering(
  levels: readonly MerkleLevelView[],
  depths = merkleDrawnDepths,
): { nodes: number; deepest: number } | null {
  const below = levels.filter((l) => l.depth >= depths);
  if (below.length === 0) return null;
  return {
    nodes: below.reduce((sum, l) => sum + l.differing, 0),
    deepest: Math.max(...below.map((l) => l.depth)),
  };
}

/** True when some level named fewer differing nodes than it counted (the event's list is capped). */
export function truncatedLevels(levels: readonly MerkleLevelView[]): number[] {
  return levels.filter((l) => l.nodes.length < l.differing).map((l) => l.depth);
}

export const levelNodesNamedMax = levelEventNodesMax;

/** The share of the ring a range covers, 0 … 1 (start === end is the whole ring). */
export function rangeShare(range: KeyRange): number {
  const length = (range.end - range.start + ringSize) % ringSize;
  return (length === 0 ? ringSize : length) / ringSize;
}

/** "12.5%–15.0% of the ring": where the range lies, as ring percentages (start exclusive). */
export function rangeLabel(range: KeyRange): string {
  const pct = (p: number) => `${((p / ringSize) * 100).toFixed(1)}%`;
  if (range.start === range.end) return 'the whole ring';
  return `${pct(range.start)}–${pct(range.end)} of the ring`;
}

/** Bytes per key of a digest list: the key's bytes plus its 8-byte version digest. */
export const digestBytesPerKey = 8;

/**
 * What exchanging every key's digest would cost for a range of `keys` keys whose keys average
 * `keyBytes` bytes (an estimate: the real keys are not known to the page, only their count).
 */
export function fullDigestListBytes(keys: number, keyBytes: number): number {
  return keys * (keyBytes + digestBytesPerKey);
}

/** The exchange's repairs summed per direction: "n2 ← n1". */
export function repairDirections(repairs: readonly MerkleRepairView[]): MerkleRepairView[] {
  const by = new Map<string, MerkleRepairView>();
  for (const r of repairs) {
    const k = `${r.node}<${r.from}`;
    const seen = by.get(k);
    by.set(k, seen ? { ...seen, keys: seen.keys + r.keys, bytes: seen.bytes + r.bytes } : { ...r });
  }
  return [...by.values()];
}

/**
 * An exchange's bytes split into the versions it carried (the `repaired` events' received bytes,
 * both directions) and the rest: the comparing of trees, which a full digest list would replace.
 */
export function trafficSplit(x: MerkleExchangeView): { total: number; versions: number; comparing: number } {
  const total = x.done?.bytes ?? 0;
  const versions = Math.min(
    total,
    x.repairs.reduce((sum, r) => sum + r.bytes, 0),
  );
  return { total, versions, comparing: total - versions };
}
