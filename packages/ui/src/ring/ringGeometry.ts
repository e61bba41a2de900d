/**
 * The geometry of the ring view, as pure functions of engine values (no DOM), so it is tested in
 * Node. Angles follow d3-shape's convention: 0 at twelve o'clock, growing clockwise, in radians;
 * ring position p (0 … 2^32 − 1) sits at angle 2π·p / 2^32, so "clockwise on the ring" is
 * "clockwise on the screen", as in the chapter's figures.
 *
 * A token owns the arc (previous token, its own position]; the first token's arc wraps past 0, and
 * is returned with a negative start angle so that start < end always holds (d3.arc needs that).
 */

import {
  arcLength,
  keyPosition,
  type NodeId,
  type Placement,
  type RangeMove,
  type Ring,
  type RingPosition,
  replicasFor,
  ringSize,
  tokenIndexAt,
} from '@kvscope/engine';

const fullTurn = 2 * Math.PI;

export interface Point {
  x: number;
  y: number;
}

/** The screen angle of a ring position. */
export function angleOf(position: RingPosition): number {
  return (position / ringSize) * fullTurn;
}

/** The point at `angle` (d3 convention) on a circle of `radius` around (cx, cy). */
export function pointAt(angle: number, radius: number, cx = 0, cy = 0): Point {
  return { x: cx + radius * Math.sin(angle), y: cy - radius * Math.cos(angle) };
}

export interface ArcSpan {
  startAngle: number;
  endAngle: number;
}

/** The arc (start, end] as angles with start < end (start may be negative when it wraps past 0). */
export function arcSpan(start: RingPosition, end: RingPosition): ArcSpan {
  const endAngle = angleOf(end);
  return { startAngle: endAngle - (arcLength(start, end) / ringSize) * fullTurn, endAngle };
}

export interface OwnedArc extends ArcSpan {
  tokenIndex: number;
  node: NodeId;
  /** Share of the ring, 0…1. */
  fraction: number;
}

/** The arc each token owns as primary, in token order. */
export function ownedArcs(ring: Ring): OwnedArc[] {
  const count = ring.tokens.length;
  return ring.tokens.map((token, i) => {
    const previous = ring.tokens[(i - 1 + count) % count]?.position ?? token.position;
    return {
      ...arcSpan(previous, token.position),
      tokenIndex: i,
      node: token.node,
      fraction: arcLength(previous, token.position) / ringSize,
    };
  });
}

export interface MovedArc extends ArcSpan {
  move: RangeMove;
}

export function movedArcs(moves: readonly RangeMove[]): MovedArc[] {
  return moves.map((move) => ({ ...arcSpan(move.start, move.end), move }));
}

export interface WalkStop {
  node: NodeId;
  /** The token at which the clockwise walk first meets this node. */
  tokenIndex: number;
  position: RingPosition;
  /** 1-based rank in the walk: 1 … N are replicas, N+1 … are fallbacks. */
  rank: number;
  role: 'replica' | 'fallback';
}

/**
 * The clockwise walk from `key` that builds its preference list (SPEC 1.3): the first token of each
 * distinct node met, ranked. The first N stops are the preference list, the rest the fallbacks —
 * the same order as the engine's `extendedPreferenceList` (the tests check it).
 */
export function preferenceWalk(ring: Ring, key: string, placement: Placement): WalkStop[] {
  const count = ring.tokens.length;
  if (count === 0) return [];
  // With N per data centre the replicas are not simply the first N nodes met: ask the placement.
  const replicas = replicasFor(ring, key, placement).nodes;
  const start = tokenIndexAt(ring, keyPosition(key));
  const seen = new Set<NodeId>();
  const stops: WalkStop[] = [];
  for (let step = 0; step < count && seen.size < ring.nodes.length; step++) {
    const tokenIndex = (start + step) % count;
    const token = ring.tokens[tokenIndex];
    if (!token || seen.has(token.node)) continue;
    seen.add(token.node);
    const replicaRank = replicas.indexOf(token.node) + 1;
    const fallbacks = stops.filter((s) => s.role === 'fallback').length;
    stops.push({
      node: token.node,
      tokenIndex,
      position: token.position,
      rank: replicaRank > 0 ? replicaRank : replicas.length + fallbacks + 1,
      role: replicaRank > 0 ? 'replica' : 'fallback',
    });
  }
  return stops;
}

export interface TokenChange {
  /** `${node}#${index}`: a token's identity across ring states (positions are fixed per token). */
  id: string;
  node: NodeId;
  index: number;
  position: RingPosition;
  change: 'stays' | 'enters' | 'leaves';
}

/** Tokens of both ring states, marked as staying, entering (only in `current`) or leaving. */
export function tokenChanges(current: Ring, previous?: Ring | null): TokenChange[] {
  const id = (t: { node: string; index: number }) => `${t.node}#${t.index}`;
  const before = new Set((previous?.tokens ?? current.tokens).map(id));
  const now = new Set(current.tokens.map(id));
  const changes: TokenChange[] = current.tokens.map((t) => ({
    id: id(t),
    node: t.node,
    index: t.index,
    position: t.position,
    change: before.has(id(t)) ? 'stays' : 'enters',
  }));
  for (const t of previous?.tokens ?? []) {
    if (!now.has(id(t))) {
      changes.push({ id: id(t), node: t.node, index: t.index, position: t.position, change: 'leaves' });
    }
  }
  return changes;
}

/** Keys sorted clockwise by ring position (ties by name), for drawing and arrow-key navigation. */
export function keysClockwise(keys: readonly string[]): { key: string; position: RingPosition }[] {
  return [...new Set(keys)]
    .map((key) => ({ key, position: keyPosition(key) }))
    .sort((a, b) => a.position - b.position || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The key after (`step` = 1) or before (−1) `current` clockwise, wrapping; the first key when none. */
export function stepKey(
  ordered: readonly { key: string }[],
  current: string | null | undefined,
  step: 1 | -1,
): string | null {
  if (ordered.length === 0) return null;
  const at = ordered.findIndex((k) => k.key === current);
  if (at < 0) return (step === 1 ? ordered[0] : ordered[ordered.length - 1])?.key ?? null;
  return ordered[(at + step + ordered.length) % ordered.length]?.key ?? null;
}

/** A percentage with one decimal for shares under 10%, none above: "3.4%", "27%". */
export function formatShare(fraction: number): string {
  const pct = fraction * 100;
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}

/**
 * Angles nudged apart so that marks drawn at them keep at least `gap` radians between neighbours
 * (badges of two nodes whose tokens nearly touch would otherwise overlap). Keeps the input order;
 * a few relaxation passes are plenty for the handful of badges one key has.
 */
export function spreadAngles(angles: readonly number[], gap: number): number[] {
  const order = angles.map((a, i) => ({ a, i })).sort((x, y) => x.a - y.a);
  for (let pass = 0; pass < 8; pass++) {
    let moved = false;
    for (let k = 1; k < order.length; k++) {
      const prev = order[k - 1] as { a: number };
      const cur = order[k] as { a: number };
      const overlap = gap - (cur.a - prev.a);
      if (overlap > 1e-9) {
        prev.a -= overlap / 2;
        cur.a += overlap / 2;
        moved = true;
      }
    }
    if (!moved) break;
  }
  const out = new Array<number>(angles.length);
  for (const { a, i } of order) out[i] = a;
  return out;
}
