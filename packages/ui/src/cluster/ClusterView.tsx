/**
 * The cluster and its messages: nodes on a circle with their state written under them (not only
 * coloured), links between every pair, and each message in flight drawn along its link by type
 * (colour and shape). Renders plain data; the page decides what is in flight and how far along.
 * With `dataCentreOf` naming two or more data centres, each is a labelled band with its own circle,
 * and links between data centres are dotted (not only coloured), with `interDcLabel` written on them.
 */

import { plural } from '../shared/format.ts';
import { alongLink, clusterLayout, type DataCentreBand, labelOutside, type Point } from './layout.ts';
import { messageStyle, messageStyles } from './messageStyle.ts';
import { Shape } from './Shape.tsx';

export { Shape, type ShapeProps, shapePoints } from './Shape.tsx';

export type NodeStatus = 'starting' | 'up' | 'crashed' | 'paused' | 'suspected' | 'down';

export interface ClusterNode {
  id: string;
  status: NodeStatus;
  /** A short line under the node, e.g. "hears 4 of 4". */
  detail?: string;
}

export interface Flight {
  key: string;
  from: string;
  to: string;
  msg: string;
  /** 0 when sent, 1 on arrival. */
  progress: number;
}

export interface ClusterLink {
  from: string;
  to: string;
  cut: boolean;
}

export interface ClusterViewProps {
  nodes: readonly ClusterNode[];
  flights: readonly Flight[];
  /** Links drawn as cut (dashed red with a ✕); every other pair is drawn as a healthy link. */
  cutLinks?: readonly ClusterLink[];
  selected?: string | null;
  onSelect?: (id: string) => void;
  width?: number;
  height?: number;
  /** Each node's data centre; absent, or one data centre: a single circle as always. */
  dataCentreOf?: Readonly<Record<string, string>> | null;
  /** Written where the links between data centres cross, e.g. "between DCs: +20 ms". */
  interDcLabel?: string;
}

const statusStyle: Record<NodeStatus, { fill: string; stroke: string; dash?: string }> = {
  starting: { fill: '#ddf4ff', stroke: '#54aeff', dash: '4 3' },
  up: { fill: '#dafbe1', stroke: '#1a7f37' },
  suspected: { fill: '#fff8c5', stroke: '#9a6700', dash: '6 3' },
  paused: { fill: '#eaeef2', stroke: '#57606a', dash: '2 3' },
  down: { fill: '#ffebe9', stroke: '#cf222e', dash: '6 3' },
  crashed: { fill: '#ffebe9', stroke: '#cf222e', dash: '2 2' },
};

export function ClusterView({
  nodes,
  flights,
  cutLinks = [],
  selected,
  onSelect,
  width = 560,
  height = 440,
  dataCentreOf = null,
  interDcLabel,
}: ClusterViewProps) {
  const { positions, bands, centres, nodeRadius, labelsOutside } = clusterLayout(
    nodes.map((n) => n.id),
    width,
    height,
    dataCentreOf,
  );
  const idFont = Math.round((18 * nodeRadius) / 30);
  const crosses = (a: string, b: string) => bands.length > 0 && dataCentreOf?.[a] !== dataCentreOf?.[b];
  const cut = new Set(cutLinks.filter((l) => l.cut).map((l) => `${l.from}->${l.to}`));
  const pairs: [string, string][] = [];
  nodes.forEach((a, i) => {
    for (const b of nodes.slice(i + 1)) pairs.push([a.id, b.id]);
  });
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={`Cluster of ${nodes.length} nodes${bands.length ? ` in ${bands.length} data centres` : ''} with ${plural(flights.length, 'message')} in flight`}
      data-testid="cluster-view"
    >
      {bands.map((band) => (
        <Band key={band.name} band={band} />
      ))}
      <g>
        {pairs.map(([a, b]) => {
          const pa = positions.get(a) as Point;
          const pb = positions.get(b) as Point;
          const isCut = cut.has(`${a}->${b}`) || cut.has(`${b}->${a}`);
          const between = crosses(a, b);
          return (
            <line
              key={`${a}-${b}`}
              x1={pa.x}
              y1={pa.y}
              x2={pb.x}
              y2={pb.y}
              stroke={isCut ? '#cf222e' : between ? '#8c959f' : '#d0d7de'}
              strokeDasharray={isCut ? '6 4' : between ? '1 4' : undefined}
              strokeLinecap={between && !isCut ? 'round' : undefined}
              strokeWidth={isCut ? 2 : between ? 1.5 : 1}
              data-link={between ? 'inter-dc' : 'local'}
              data-cut={isCut ? 'true' : undefined}
            />
          );
        })}
      </g>
      {bands.length > 1 && interDcLabel && (
        <text
          x={width / 2}
          y={height - 10}
          textAnchor="middle"
          fontSize={18}
          fill="#24292f"
          stroke="#fff"
          strokeWidth={4}
          paintOrder="stroke"
          data-testid="inter-dc-label"
        >
          {interDcLabel}
        </text>
      )}
      <g data-testid="flights">
        {flights.map((f) => {
          const from = positions.get(f.from);
          const to = positions.get(f.to);
          if (!from || !to) return null;
          const style = messageStyle(f.msg);
          return (
            <g key={f.key} data-msg={f.msg}>
              <Shape
                shape={style.shape}
                at={alongLink(from, to, f.progress)}
                size={5}
                colour={style.colour}
              />
            </g>
          );
        })}
      </g>
      <g>
        {nodes.map((n) => {
          const p = positions.get(n.id) as Point;
          const style = statusStyle[n.status];
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; it gets the role and keyboard handling instead.
            <g
              key={n.id}
              data-testid={`node-${n.id}`}
              data-status={n.status}
              role="button"
              tabIndex={0}
              aria-label={`node ${n.id}, ${n.status}${n.detail ? `, ${n.detail}` : ''}`}
              aria-pressed={selected === n.id}
              onClick={() => onSelect?.(n.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') onSelect?.(n.id);
              }}
              style={{ cursor: onSelect ? 'pointer' : undefined }}
            >
              <circle
                cx={p.x}
                cy={p.y}
                r={nodeRadius}
                fill={style.fill}
                stroke={style.stroke}
                strokeWidth={selected === n.id ? 4 : 2}
                strokeDasharray={style.dash}
              />
              <text x={p.x} y={p.y + idFont / 3} textAnchor="middle" fontSize={idFont} fontWeight={600}>
                {n.id}
              </text>
              <NodeLabels
                at={
                  labelsOutside
                    ? labelOutside(p, centres.get(n.id) ?? p, nodeRadius)
                    : { x: p.x, y: p.y + 48, anchor: 'middle' }
                }
                status={n.status}
                detail={n.detail}
              />
            </g>
          );
        })}
      </g>
    </svg>
  );
}

/** A data centre's band: a light box with its name and node count at the top. */
function Band({ band }: { band: DataCentreBand }) {
  return (
    <g data-testid={`dc-${band.name}`}>
      <rect
        x={band.x}
        y={band.y}
        width={band.width}
        height={band.height}
        rx={10}
        fill="#f6f8fa"
        stroke="#8c959f"
        strokeDasharray="8 4"
      />
      <text x={band.x + 10} y={band.y + 24} fontSize={17} fontWeight={600} fill="#24292f">
        {band.name}
        <tspan fontWeight={400} fill="#57606a">
          {` data centre · ${band.nodes} node${band.nodes === 1 ? '' : 's'}`}
        </tspan>
      </text>
    </g>
  );
}

/**
 * The key to message colours and shapes, drawn with the same shapes as the view. `types` limits it
 * to the message types in use (e.g. the ones seen so far); all known types by default.
 */
export function MessageLegend({ types }: { types?: readonly string[] } = {}) {
  const entries = types
    ? types.map((type) => [type, messageStyle(type)] as const)
    : Object.entries(messageStyles);
  return (
    <ul
      aria-label="Message types"
      style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 16px', listStyle: 'none', padding: 0, margin: 0 }}
    >
      {entries.map(([type, style]) => (
        <li key={type} style={{ display: 'flex', alignItems: 'center', gap: 6 }} data-msg={type}>
          <svg width={16} height={16} aria-hidden="true">
            <Shape shape={style.shape} at={{ x: 8, y: 8 }} size={5.5} colour={style.colour} />
          </svg>
          <span title={style.meaning}>{style.label}</span>
        </li>
      ))}
    </ul>
  );
}

/** A node's state and its detail (its role for the selected key, say), from `at` down. */
function NodeLabels({
  at,
  status,
  detail,
}: {
  at: { x: number; y: number; anchor: 'start' | 'middle' | 'end' };
  status: string;
  detail?: string | undefined;
}) {
  return (
    <>
      <text x={at.x} y={at.y} textAnchor={at.anchor} fontSize={13} fill="#24292f">
        {status}
      </text>
      {detail && (
        <text x={at.x} y={at.y + 16} textAnchor={at.anchor} fontSize={12} fill="#57606a">
          {detail}
        </text>
      )}
    </>
  );
}
