/**
 * The selected key's preference list drawn on the ring (SPEC 1.3): a solid arc for the clockwise
 * walk from the key to its N-th replica, numbered badges 1…N at the first token of each replica,
 * and — drawn differently (dashed arc, hollow badges "F1", "F2" …) — the fallbacks of the extended
 * list that stand in under a sloppy quorum.
 *
 * Props: `walk` (ring/ringGeometry `preferenceWalk`), `keyAngle`, `cx`, `cy`, `radius` (of the walk
 * arc; badges sit just outside it), `styles` (node styles, for the badge outline), `unavailable`
 * (nodes drawn crossed out: a replica that is down is why a fallback is used).
 */

import { arc as d3Arc } from 'd3';
import type { NodeStyle } from '../shared/nodeStyle.ts';
import { styleOf } from '../shared/nodeStyle.ts';
import { angleOf, pointAt, spreadAngles, type WalkStop } from './ringGeometry.ts';

export interface PreferenceMarksProps {
  walk: readonly WalkStop[];
  keyAngle: number;
  cx: number;
  cy: number;
  radius: number;
  styles: ReadonlyMap<string, NodeStyle>;
  unavailable?: ReadonlySet<string>;
}

const ink = '#1f2328';

/** The clockwise angle reached walking from `from` to `to` (≥ from). */
function clockwiseTo(from: number, to: number): number {
  let end = to;
  while (end < from) end += 2 * Math.PI;
  return end;
}

export function PreferenceMarks({
  walk,
  keyAngle,
  cx,
  cy,
  radius,
  styles,
  unavailable,
}: PreferenceMarksProps) {
  const replicas = walk.filter((s) => s.role === 'replica');
  const lastReplica = replicas[replicas.length - 1];
  const lastStop = walk[walk.length - 1];
  if (!lastReplica || !lastStop) return null;
  const replicaEnd = clockwiseTo(keyAngle, angleOf(lastReplica.position));
  const fallbackEnd = clockwiseTo(replicaEnd, clockwiseTo(keyAngle, angleOf(lastStop.position)));
  const band = d3Arc<{ startAngle: number; endAngle: number }>()
    .innerRadius(radius - 2)
    .outerRadius(radius + 2);
  const badgeRadius = radius + 20;
  const angles = spreadAngles(
    walk.map((s) => angleOf(s.position)),
    22 / badgeRadius,
  );
  return (
    <g data-testid="preference-list" transform={`translate(${cx},${cy})`}>
      <path d={band({ startAngle: keyAngle, endAngle: replicaEnd }) ?? ''} fill={ink} />
      {lastStop.role === 'fallback' && (
        <path
          d={band({ startAngle: replicaEnd, endAngle: fallbackEnd }) ?? ''}
          fill="none"
          stroke={ink}
          strokeWidth={1}
          strokeDasharray="3 3"
        />
      )}
      {walk.map((stop, i) => {
        const at = pointAt(angles[i] as number, badgeRadius);
        const tick = pointAt(angleOf(stop.position), radius + 3);
        const replica = stop.role === 'replica';
        const down = unavailable?.has(stop.node) ?? false;
        const label = replica ? String(stop.rank) : `F${stop.rank - replicas.length}`;
        return (
          <g
            key={stop.node}
            data-testid={`${stop.role}-${stop.node}`}
            data-rank={stop.rank}
            aria-label={`${replica ? `replica ${stop.rank}` : `fallback ${label}`}: ${stop.node}${down ? ', unavailable' : ''}`}
          >
            <title>{`${replica ? `Replica ${stop.rank}` : `Fallback ${label}`}: ${stop.node}${down ? ' (unavailable)' : ''}`}</title>
            <line x1={tick.x} y1={tick.y} x2={at.x} y2={at.y} stroke={ink} strokeWidth={1} />
            <circle
              cx={at.x}
              cy={at.y}
              r={10}
              fill={replica ? ink : '#ffffff'}
              stroke={replica ? styleOf(styles, stop.node).colour : ink}
              strokeWidth={replica ? 2.5 : 1.5}
              strokeDasharray={replica ? undefined : '3 2'}
            />
            <text
              x={at.x}
              y={at.y + 4}
              textAnchor="middle"
              fontSize={replica ? 12 : 10}
              fontWeight={700}
              fill={replica ? '#ffffff' : ink}
            >
              {label}
            </text>
            {down && (
              <g data-testid={`unavailable-${stop.node}`}>
                <circle
                  cx={at.x + 10}
                  cy={at.y - 10}
                  r={6}
                  fill="#cf222e"
                  stroke="#ffffff"
                  strokeWidth={1.5}
                />
                <path
                  d={`M${at.x + 7.5},${at.y - 12.5}l5,5m0,-5l-5,5`}
                  stroke="#ffffff"
                  strokeWidth={1.8}
                  strokeLinecap="round"
                />
              </g>
            )}
          </g>
        );
      })}
    </g>
  );
}
