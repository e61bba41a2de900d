/**
 * Versions and conflicts (SPEC §2): the versions of one key as the graph of which write saw which
 * (versionGraph.ts), oldest at the top, one row per generation — the chapter's D1 → D2 → {D3, D4}
 * → D5 drawn from the store's own clocks. Each box is one write: its value, its vector clock, and
 * the replicas that hold it now (their shapes and ids). What a box is, is said three ways, never by
 * colour alone:
 *
 *   latest     solid green border, "latest"       what a read returns
 *   sibling    thick orange border, "sibling"      one of several concurrent latest writes
 *   stale      dashed border, "stale"              a replica still holds it; a newer write saw it
 *   replaced   dotted grey border, "replaced"      no replica holds it any more
 *
 * Below the drawing, the same graph as a list (for screen readers and for reading the clocks whole).
 *
 * Props:
 *   graph        the graph (versionGraph.ts)
 *   text         a version's value as text (the page decodes the bytes)
 *   selectedNode the linked selection: that replica's versions are outlined
 *   width        drawing width in px (default 460); the SVG scales to its box
 */

import { formatClock } from '@kvscope/engine';
import { useId } from 'react';
import { Shape } from '../cluster/Shape.tsx';
import { ArrowMarker } from '../shared/ArrowMarker.tsx';
import { svgId } from '../shared/format.ts';
import { nodeStyleOf } from '../shared/nodeStyle.ts';
import type { VersionGraph, VersionNode, VersionStatus } from './versionGraph.ts';

export interface VersionGraphViewProps {
  graph: VersionGraph;
  text: (value: Uint8Array) => string;
  selectedNode?: string | null;
  width?: number;
}

const boxWidth = 138;
const boxHeight = 62;
const rowGap = 34;
const ink = '#1f2328';
const muted = '#57606a';

export const versionLook: Record<
  VersionStatus,
  { stroke: string; width: number; dash?: string; fill: string }
> = {
  latest: { stroke: '#1a7f37', width: 2.5, fill: '#dafbe1' },
  sibling: { stroke: '#bc4c00', width: 3.5, fill: '#fff1e5' },
  stale: { stroke: '#57606a', width: 1.5, dash: '6 3', fill: '#ffffff' },
  replaced: { stroke: '#8c959f', width: 1.2, dash: '2 3', fill: '#f6f8fa' },
};

/** Where each box sits: rows top-down, each row's boxes centred. */
function placement(graph: VersionGraph, width: number) {
  const perRow = new Map<number, number>();
  for (const n of graph.nodes) perRow.set(n.row, (perRow.get(n.row) ?? 0) + 1);
  const columns = Math.max(1, graph.columns);
  const drawWidth = Math.max(width, columns * (boxWidth + 12));
  const at = new Map<string, { x: number; y: number }>();
  for (const n of graph.nodes) {
    const inRow = perRow.get(n.row) ?? 1;
    const slot = drawWidth / inRow;
    at.set(n.id, { x: slot * n.column + slot / 2 - boxWidth / 2, y: 8 + n.row * (boxHeight + rowGap) });
  }
  const rows = Math.max(0, ...graph.nodes.map((n) => n.row + 1));
  return { at, drawWidth, height: 16 + rows * (boxHeight + rowGap) - rowGap };
}

const shorten = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function VersionGraphView({ graph, text, selectedNode = null, width = 460 }: VersionGraphViewProps) {
  const arrowId = svgId(useId(), 'version-arrow');
  if (graph.nodes.length === 0)
    return <p className="muted">No replica holds this key, and the page has seen no version of it.</p>;
  const { at, drawWidth, height } = placement(graph, width);
  return (
    <div data-testid="version-graph">
      <svg
        viewBox={`0 0 ${drawWidth} ${height}`}
        width="100%"
        style={{ maxWidth: drawWidth }}
        aria-hidden="true"
      >
        <defs>
          <ArrowMarker id={arrowId} colour={muted} />
        </defs>
        {graph.edges.map((e) => {
          const from = at.get(e.from);
          const to = at.get(e.to);
          if (!from || !to) return null;
          return (
            <line
              key={`${e.from}>${e.to}`}
              x1={from.x + boxWidth / 2}
              y1={from.y + boxHeight}
              x2={to.x + boxWidth / 2}
              y2={to.y - 2}
              stroke={muted}
              strokeWidth={1.5}
              markerEnd={`url(#${arrowId})`}
            />
          );
        })}
        {graph.nodes.map((n) => (
          <VersionBox
            key={n.id}
            node={n}
            at={at.get(n.id) ?? { x: 0, y: 0 }}
            text={text}
            selectedNode={selectedNode}
          />
        ))}
      </svg>
      <ol className="version-list small" data-testid="version-list">
        {graph.nodes.map((n) => (
          <li key={n.id} data-testid="version-item" data-status={n.status}>
            <b>{valueText(n, text)}</b> <code>{formatClock(n.version.clock)}</code> — {n.status}
            {n.holders.length > 0 ? `, held by ${n.holders.join(', ')}` : ''}
            {seenList(graph, n)}
          </li>
        ))}
      </ol>
    </div>
  );
}

function valueText(n: VersionNode, text: (value: Uint8Array) => string): string {
  return n.version.value === null ? '(deleted)' : `“${text(n.version.value)}”`;
}

/** "; saw a, b": the versions drawn with an arrow into `n`. */
function seenList(graph: VersionGraph, n: VersionNode): string {
  const parents = graph.edges.filter((e) => e.to === n.id).map((e) => e.from);
  return parents.length ? `; saw ${parents.join(', ')}` : '';
}

interface BoxProps {
  node: VersionNode;
  at: { x: number; y: number };
  text: (value: Uint8Array) => string;
  selectedNode: string | null;
}

function VersionBox({ node, at, text, selectedNode }: BoxProps) {
  const look = versionLook[node.status];
  const selected = selectedNode !== null && node.holders.includes(selectedNode);
  return (
    <g transform={`translate(${at.x},${at.y})`} data-testid={`version-${node.id}`}>
      <title>{`${node.id} ${formatClock(node.version.clock)}: ${node.status}`}</title>
      {selected && (
        <rect
          x={-4}
          y={-4}
          width={boxWidth + 8}
          height={boxHeight + 8}
          rx={8}
          fill="none"
          stroke="#0969da"
          strokeWidth={2}
        />
      )}
      <rect
        width={boxWidth}
        height={boxHeight}
        rx={6}
        fill={look.fill}
        stroke={look.stroke}
        strokeWidth={look.width}
        strokeDasharray={look.dash}
      />
      <text x={8} y={17} fontSize={13} fontWeight={600} fill={ink}>
        {shorten(valueText(node, text), 13)}
      </text>
      <text x={boxWidth - 6} y={16} fontSize={11} textAnchor="end" fill={look.stroke} fontWeight={600}>
        {node.status}
      </text>
      <text x={8} y={35} fontSize={11} fill={muted} fontFamily="monospace">
        {shorten(formatClock(node.version.clock), 21)}
      </text>
      {node.holders.length === 0 ? (
        <text x={8} y={53} fontSize={11} fill={muted}>
          held by none
        </text>
      ) : (
        node.holders.slice(0, 4).map((id, i) => {
          const style = nodeStyleOf(id);
          return (
            <g key={id}>
              <Shape
                shape={style.shape}
                at={{ x: 14 + i * 32, y: 49 }}
                size={5}
                colour={style.colour}
                stroke={ink}
              />
              <text x={22 + i * 32} y={53} fontSize={11} fill={ink}>
                {id}
              </text>
            </g>
          );
        })
      )}
    </g>
  );
}
