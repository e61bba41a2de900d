/**
 * The fault timeline's model (SPEC §2: "every fault is visible on the timeline where it happened"):
 * fault markers, how each kind is drawn (shape + glyph + colour + words, never colour alone), the
 * row each marker takes so that nearby markers do not overlap, and the faults that can be read off
 * cluster events (crash, restart, pause, resume) for pages that do not log them separately.
 * Pure, tested in Node.
 */

import type { MessageShape } from '../cluster/messageStyle.ts';
import type { AnyEvent } from '../log/eventTypes.ts';

export type FaultKind =
  | 'kill'
  | 'restart'
  | 'pause'
  | 'resume'
  | 'partition'
  | 'cut'
  | 'heal'
  | 'wipe'
  | 'corrupt'
  | 'slow'
  | 'loss'
  | 'skew'
  | 'add'
  | 'remove';

export interface FaultMarker {
  at: number;
  kind: FaultKind | (string & {});
  /** Words under the mark; default "<kind> <nodes>". */
  label?: string;
  nodes?: readonly string[];
  /** For a fault that lasts (a partition until its heal, a slow link): drawn as a band. */
  until?: number;
}

export interface FaultStyle {
  shape: MessageShape;
  colour: string;
  /** A one-character glyph drawn inside the shape. */
  glyph: string;
  verb: string;
}

export const faultStyles: Record<FaultKind, FaultStyle> = {
  kill: { shape: 'square', colour: '#cf222e', glyph: '✕', verb: 'kill' },
  restart: { shape: 'circle', colour: '#1a7f37', glyph: '↻', verb: 'restart' },
  pause: { shape: 'hexagon', colour: '#57606a', glyph: '‖', verb: 'pause' },
  resume: { shape: 'circle', colour: '#57606a', glyph: '▶', verb: 'resume' },
  partition: { shape: 'diamond', colour: '#8250df', glyph: '|', verb: 'partition' },
  cut: { shape: 'diamond', colour: '#8250df', glyph: '→', verb: 'one-way cut' },
  heal: { shape: 'circle', colour: '#0969da', glyph: '+', verb: 'heal' },
  wipe: { shape: 'square', colour: '#24292f', glyph: '∅', verb: 'wipe disk' },
  corrupt: { shape: 'square', colour: '#9a6700', glyph: '≠', verb: 'corrupt table' },
  slow: { shape: 'triangle', colour: '#bc4c00', glyph: '~', verb: 'slow link' },
  loss: { shape: 'triangle', colour: '#bc4c00', glyph: '%', verb: 'lossy link' },
  skew: { shape: 'hexagon', colour: '#9a6700', glyph: '±', verb: 'clock skew' },
  add: { shape: 'star', colour: '#1a7f37', glyph: '+', verb: 'add node' },
  remove: { shape: 'square', colour: '#57606a', glyph: '−', verb: 'remove node' },
};

const otherStyle: FaultStyle = { shape: 'plus', colour: '#57606a', glyph: '', verb: 'fault' };

export function faultStyle(kind: string): FaultStyle {
  return faultStyles[kind as FaultKind] ?? { ...otherStyle, verb: kind };
}

export function faultLabel(marker: FaultMarker): string {
  if (marker.label) return marker.label;
  const verb = faultStyle(marker.kind).verb;
  return marker.nodes?.length ? `${verb} ${marker.nodes.join(', ')}` : verb;
}

/** Characters of a label drawn beside its marker; a longer one is cut with "…" (its title has it all). */
export const drawnLabelMax = 36;

/** `label` as drawn beside its marker: whole up to `drawnLabelMax` characters, else cut with "…". */
export function drawnLabel(label: string): string {
  return label.length <= drawnLabelMax ? label : `${label.slice(0, drawnLabelMax - 1).trimEnd()}…`;
}

/**
 * Whether a marker's label goes to the left of it: when, written to the right, it would run past
 * `rightPx` (the drawing's right edge), as a long label near "now" did.
 */
export function labelOnLeft(at: number, label: number, rightPx: number): boolean {
  return at - 10 + label > rightPx;
}

/**
 * A row per marker (0 = nearest the axis): a marker goes to the lowest row whose last marker ends
 * at least `gapPx` to its left, so labels never overlap however dense the faults. `x` maps time to
 * px; `widthPx` estimates a marker's width (its label), which runs right of it, or left of it when
 * it would pass `rightPx` (`labelOnLeft`).
 */
export function markerRows(
  markers: readonly FaultMarker[],
  x: (t: number) => number,
  widthPx: (m: FaultMarker) => number,
  gapPx = 6,
  rightPx = Number.POSITIVE_INFINITY,
): number[] {
  const order = markers.map((m, i) => ({ m, i })).sort((a, b) => a.m.at - b.m.at);
  const rowEnds: number[] = [];
  const rows = new Array<number>(markers.length).fill(0);
  for (const { m, i } of order) {
    const at = x(m.at);
    const width = widthPx(m);
    const [left, right] = labelOnLeft(at, width, rightPx)
      ? [at + 12 - width, at + 12]
      : [at - 10, at - 10 + width];
    let row = rowEnds.findIndex((end) => end + gapPx <= left);
    if (row < 0) row = rowEnds.length;
    rowEnds[row] = Math.max(rowEnds[row] ?? Number.NEGATIVE_INFINITY, at + 12, right);
    rows[i] = row;
  }
  return rows;
}

/** Faults visible in node lifecycle events: crashes (kills), restarts, pauses and resumes. */
export function faultsFromEvents(events: readonly AnyEvent[]): FaultMarker[] {
  const out: FaultMarker[] = [];
  for (const e of events) {
    if (e.type === 'node.crashed') out.push({ at: e.at, kind: 'kill', nodes: [e.node] });
    else if (e.type === 'node.paused') out.push({ at: e.at, kind: 'pause', nodes: [e.node] });
    else if (e.type === 'node.resumed') out.push({ at: e.at, kind: 'resume', nodes: [e.node] });
    else if (e.type === 'node.started' && (e as { recovered?: unknown }).recovered === true) {
      out.push({ at: e.at, kind: 'restart', nodes: [e.node] });
    }
  }
  return out;
}

export interface SparkPoint {
  at: number;
  value: number;
}

export interface Sparkline {
  label: string;
  points: readonly SparkPoint[];
  /** Written after values: "ops/s", "%". */
  unit?: string;
  /** Top of the scale; the largest value when absent. */
  max?: number;
  colour?: string;
}
