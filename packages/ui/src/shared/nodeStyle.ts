/**
 * How a node is drawn wherever it appears (ring tokens, trace lanes, legends): a colour *and* a
 * shape, both picked from the node's rank in a stable order, so the same node looks the same in
 * every view and a viewer who cannot tell the colours apart still tells the shapes apart (and every
 * mark also carries the node's id as text on hover/focus). Pure, so it is tested without a DOM.
 *
 * Colours: Paul Tol's "bright" and "muted" qualitative schemes (colour-blind safe), 12 colours;
 * shapes: 6, so 12 × 6 combinations stay distinct for every cluster the lab can make.
 */

import { compareNodeIds } from '@kvscope/engine';
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

/** Style of the node at `rank` (0-based) in `compareNodeIds` order. */
export function nodeStyleAt(rank: number): NodeStyle {
  const colour = nodeColours[rank % nodeColours.length] as string;
  const shape = nodeShapes[rank % nodeShapes.length] as MessageShape;
  return { colour, shape, ink: darkInk.has(colour) ? '#1f2328' : '#ffffff' };
}

/** A style per node id, ranked by `compareNodeIds` (n2 before n10) so it does not depend on input order. */
export function nodeStyles(ids: readonly string[]): Map<string, NodeStyle> {
  const sorted = [...new Set(ids)].sort(compareNodeIds);
  return new Map(sorted.map((id, rank) => [id, nodeStyleAt(rank)]));
}

/** The style of `id` in `styles`, or a neutral grey for a node the map does not know. */
export function styleOf(styles: ReadonlyMap<string, NodeStyle>, id: string): NodeStyle {
  return styles.get(id) ?? { colour: '#8c959f', shape: 'plus', ink: '#1f2328' };
}
