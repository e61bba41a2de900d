/**
 * The fault timeline (SPEC §2): a horizontal time axis with a marker for each fault where it
 * happened — kill, restart, pause, partition, heal, wipe, slow, loss … each drawn as its own shape
 * with a glyph and written words (timelineModel `faultStyles`), lasting faults as a band up to
 * their end — stacked in rows so nearby markers never overlap; optionally small sparklines above
 * the axis (throughput, availability …) on the same time scale, and a "now" cursor.
 *
 * Props:
 *   faults        markers (FaultMarker: at, kind, label?, nodes?, until?)
 *   start, end    the time window (default: from the data)
 *   now           draw a cursor at this time (e.g. the replay position)
 *   sparklines    optional series ({ label, points: {at, value}[], unit?, max?, colour? })
 *   selectedNode  markers naming this node are emphasised (linked selection)
 *   onSelectFault called with a marker on click / Enter (each marker is a focusable button)
 *   formatTime    axis labels (default seconds, "12 s")
 *   timeOrigin    the instant formatTime counts from (default 0), so the ticks fall on round labels
 *   width         drawing width in px (default 1000); the SVG scales to its box
 */

import { scaleLinear } from 'd3';
import { useId } from 'react';
import { Shape } from '../cluster/Shape.tsx';
import { svgId } from '../shared/format.ts';
import {
  drawnLabel,
  type FaultMarker,
  faultLabel,
  faultStyle,
  labelOnLeft,
  markerRows,
  type Sparkline,
} from './timelineModel.ts';

export interface FaultTimelineProps {
  faults: readonly FaultMarker[];
  start?: number;
  end?: number;
  now?: number;
  sparklines?: readonly Sparkline[];
  selectedNode?: string | null;
  onSelectFault?: (marker: FaultMarker) => void;
  formatTime?: (at: number) => string;
  timeOrigin?: number;
  width?: number;
}

const ink = '#1f2328';
const muted = '#57606a';
const rowHeight = 44;
const sparkHeight = 34;
const left = 12;

export const defaultAxisTime = (at: number) => `${Number((at / 1000).toFixed(1))} s`;

export function FaultTimeline(props: FaultTimelineProps) {
  const { faults, sparklines = [], selectedNode, onSelectFault, width = 1000 } = props;
  const titleId = svgId(useId(), 'timeline-title');
  const times = [
    ...faults.flatMap((f) => [f.at, f.until ?? f.at]),
    ...sparklines.flatMap((s) => s.points.map((p) => p.at)),
  ];
  const start = props.start ?? (times.length ? Math.min(...times) : 0);
  const end = Math.max(props.end ?? (times.length ? Math.max(...times) : 1), start + 1);
  const x = scaleLinear()
    .domain([start, end])
    .range([left + 8, width - 140]);
  const labelWidth = (m: FaultMarker) => 26 + drawnLabel(faultLabel(m)).length * 8.2;
  const rows = markerRows(faults, x, labelWidth, 6, width);
  const rowCount = Math.max(1, ...rows.map((r) => r + 1));
  const sparkTop = 6;
  const axisY = sparkTop + sparklines.length * (sparkHeight + 8) + 10;
  const height = axisY + 24 + rowCount * rowHeight;
  const formatTime = props.formatTime ?? defaultAxisTime;
  // Round ticks as the labels count: the lab's times are epoch ms, whose round values read 1.2 s.
  const origin = props.timeOrigin ?? 0;
  const ticks = scaleLinear()
    .domain([start - origin, end - origin])
    .ticks(8)
    .map((t) => t + origin);

  return (
    <figure style={{ margin: 0 }} data-testid="fault-timeline">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: width, display: 'block' }}
        aria-labelledby={titleId}
      >
        <title
          id={titleId}
        >{`Fault timeline: ${faults.length} fault${faults.length === 1 ? '' : 's'}`}</title>
        {sparklines.map((s, i) => (
          <SparkRow key={s.label} line={s} x={x} top={sparkTop + i * (sparkHeight + 8)} width={width} />
        ))}
        <line x1={left} x2={width - 130} y1={axisY} y2={axisY} stroke={muted} strokeWidth={1.5} />
        {ticks.map((t) => (
          <g key={t} fontSize={13} fill={muted}>
            <line x1={x(t)} x2={x(t)} y1={axisY} y2={axisY + 5} stroke={muted} />
            <text x={x(t)} y={axisY + 18} textAnchor="middle">
              {formatTime(t)}
            </text>
          </g>
        ))}
        {faults.map((m, i) => {
          const style = faultStyle(m.kind);
          const row = rows[i] ?? 0;
          const y = axisY + 24 + row * rowHeight + 14;
          const linked = !!selectedNode && (m.nodes ?? []).includes(selectedNode);
          const label = faultLabel(m);
          const onLeft = labelOnLeft(x(m.at), labelWidth(m), width);
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; it takes the role and keyboard handling instead.
            <g
              key={`${m.at}-${m.kind}-${label}`}
              role="button"
              tabIndex={onSelectFault ? 0 : -1}
              className="kv-focusable"
              aria-label={`${label} at ${formatTime(m.at)}${m.until !== undefined ? ` until ${formatTime(m.until)}` : ''}`}
              data-fault={m.kind}
              onClick={() => onSelectFault?.(m)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') onSelectFault?.(m);
              }}
              style={{ cursor: onSelectFault ? 'pointer' : undefined }}
            >
              <title>{`${label} at ${formatTime(m.at)}`}</title>
              <line
                x1={x(m.at)}
                x2={x(m.at)}
                y1={axisY}
                y2={y}
                stroke={style.colour}
                strokeWidth={1}
                strokeDasharray="2 2"
              />
              {m.until !== undefined && (
                <rect
                  x={x(m.at)}
                  y={y + 13}
                  width={Math.max(2, x(m.until) - x(m.at))}
                  height={6}
                  fill={style.colour}
                  fillOpacity={0.25}
                  stroke={style.colour}
                  strokeDasharray="4 2"
                />
              )}
              <Shape
                shape={style.shape}
                at={{ x: x(m.at), y }}
                size={linked ? 12 : 10}
                colour={style.colour}
                stroke={linked ? ink : '#ffffff'}
                strokeWidth={linked ? 2 : 1}
              />
              <text x={x(m.at)} y={y + 4.5} textAnchor="middle" fontSize={12} fontWeight={700} fill="#ffffff">
                {style.glyph}
              </text>
              <text
                x={onLeft ? x(m.at) - 15 : x(m.at) + 15}
                y={y + 5}
                textAnchor={onLeft ? 'end' : 'start'}
                fontSize={15}
                fontWeight={linked ? 700 : 500}
                fill={ink}
              >
                {drawnLabel(label)}
              </text>
            </g>
          );
        })}
        {props.now !== undefined && (
          <g data-testid="timeline-now">
            <line x1={x(props.now)} x2={x(props.now)} y1={2} y2={height - 2} stroke={ink} strokeWidth={2} />
            <text x={x(props.now) + 4} y={axisY - 4} fontSize={12} fontWeight={700} fill={ink}>
              now
            </text>
          </g>
        )}
      </svg>
    </figure>
  );
}

function SparkRow({
  line,
  x,
  top,
  width,
}: {
  line: Sparkline;
  x: (t: number) => number;
  top: number;
  width: number;
}) {
  const max = line.max ?? Math.max(1e-9, ...line.points.map((p) => p.value));
  const y = scaleLinear()
    .domain([0, max])
    .range([top + sparkHeight, top]);
  const path = line.points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join('');
  const last = line.points[line.points.length - 1];
  const colour = line.colour ?? '#0969da';
  return (
    <g data-testid={`sparkline-${line.label}`}>
      <line x1={left} x2={width - 130} y1={top + sparkHeight} y2={top + sparkHeight} stroke="#eaeef2" />
      <path d={path} fill="none" stroke={colour} strokeWidth={2} />
      <text x={width - 124} y={top + 14} fontSize={13} fill={muted}>
        {line.label}
      </text>
      {last && (
        <text x={width - 124} y={top + 30} fontSize={14} fontWeight={700} fill={ink}>
          {/* Tenths only where they matter: "0.4", "12.5", but "1,616" */}
          {Number(last.value.toFixed(Math.abs(last.value) < 100 ? 1 : 0)).toLocaleString('en-US')}
          {line.unit ? ` ${line.unit}` : ''}
        </text>
      )}
    </g>
  );
}
