/**
 * How a node is drawn wherever it appears (ring tokens, trace lanes, legends): a colour *and* a
 * shape, both picked from the node's id alone, so the same node looks the same in every view and a viewer who cannot tell the colours apart still tells the shapes apart (and every
 * mark also carries the node's id as text on hover/focus). Pure, so it is tested without a DOM.
 *
 * Colours: Paul Tol's "bright" and "muted" qualitative schemes (colour-blind safe), 12 colours;
 * shapes: 6, combined so that the first 72 nodes all differ (more than the lab can make).
 */

import { murmur3OfText } from '@kvscope/engine';
import type { MessageShape } from '../cluster/messageStyle.ts';

export interface NodeStyle {
  colour: string;
  shape: MessageShape;
  /** Text colour that reads on top of `colour`. */
  ink: string;
}

export const nodeColours: readonly string[] = [
  '#4477AA',
  '#EE6677',
  '#228833',
  '#CCBB44',
  '#66CCEE',
  '#AA3377',
  '#332288',
  '#DDCC77',
  '#117733',
  '#88CCEE',
  '#882255',
  '#999933',
];

const darkInk = new Set(['#CCBB44', '#66CCEE', '#DDCC77', '#88CCEE', '#999933']);

export const nodeShapes: readonly MessageShape[] = [
  'circle',
  'square',
  'triangle',
  'diamond',
  'hexagon',
  'star',
];

/** Style of the node of `rank` (0-based). */
export function nodeStyleAt(rank: number): NodeStyle {
  const colour = nodeColours[rank % nodeColours.length] as string;
  // Shift the shape once per round of colours, so rank r and r + 12k differ in shape (72 distinct).
  const round = Math.floor(rank / nodeColours.length);
  const shape = nodeShapes[(rank + round) % nodeShapes.length] as MessageShape;
  return { colour, shape, ink: darkInk.has(colour) ? '#1f2328' : '#ffffff' };
}

/**
 * The style of one node, from its id alone, so every view draws it the same way without sharing
 * state: `n1`, `n2` … take ranks 0, 1 …; other ids take a rank from their hash.
 */
export function nodeStyleOf(id: string): NodeStyle {
  const numbered = /^\D*(\d+)$/.exec(id);
  const n = numbered ? Number(numbered[1]) : Number.NaN;
  const rank = Number.isSafeInteger(n) && n >= 1 ? n - 1 : murmur3OfText(id, 0) % 72;
  return nodeStyleAt(rank);
}

/** A style per node id (see `nodeStyleOf`). */
export function nodeStyles(ids: readonly string[]): Map<string, NodeStyle> {
  return new Map(ids.map((id) => [id, nodeStyleOf(id)]));
}

/** The style of `id` in `styles`, or a neutral grey for a node the map does not know. */
export function styleOf(styles: ReadonlyMap<string, NodeStyle>, id: string): NodeStyle {
  return styles.get(id) ?? { colour: '#8c959f', shape: 'plus', ink: '#1f2328' };
}
