/**
 * The request trace (SPEC §2): one get/put/delete as a swim-lane timeline. One lane per node —
 * the forwarding node, the coordinator, then the replicas in the order they were asked — and time
 * running left to right from the request's start. Marks:
 *
 *   ① +400 ms   an answer that counted toward R/W, numbered in answer order, with its latency
 *   ○ late      an answer after the reply (it still feeds read repair)
 *   ✕ failed    a replica that answered with a failure;  ⏱ no answer: one that never answered
 *   │ W=2 ok    the moment the coordinator replied (or failed / timed out), across all lanes
 *   ◆ repair    read repair sent to a stale replica after the reply
 *   arrows      the replication messages, shaped and coloured by type (cluster/messageStyle)
 *
 * Below the drawing the same story is written as an ordered list of sentences (traceSteps), for
 * screen readers and for anyone who prefers words.
 *
 * Props:
 *   requestId   the request to show
 *   events      cluster events (at least the ones with this requestId; others are ignored)
 *   messages    message.sent / delivered / dropped events to draw as arrows (optional; only the
 *               replication types between the request's nodes inside its time span are used)
 *   standIns    stand-in → intended owner, for replicas holding a hint (seam for hinted handoff)
 *   selectedNode  linked selection: that lane is highlighted;  onSelectNode: lane label clicked
 *   width       drawing width in px (default 760); the SVG scales to its box
 */

import { scaleLinear } from 'd3';
import { useId } from 'react';
import { messageStyle } from '../cluster/messageStyle.ts';
import { Shape } from '../cluster/Shape.tsx';
import type { AnyEvent } from '../log/eventTypes.ts';
import { ArrowMarker } from '../shared/ArrowMarker.tsx';
import { formatMs, svgId } from '../shared/format.ts';
import { nodeStyles, styleOf } from '../shared/nodeStyle.ts';
import { buildForwardOnly, type ForwardOnlyModel, forwardOnlySteps } from './forwardOnly.ts';
import { TraceMarks } from './TraceMarks.tsx';
import { buildTrace, traceLanes, traceSteps } from './traceModel.ts';

export interface RequestTraceProps {
  requestId: string;
  events: readonly AnyEvent[];
  messages?: readonly AnyEvent[];
  standIns?: Readonly<Record<string, string>>;
  selectedNode?: string | null;
  onSelectNode?: (id: string) => void;
  width?: number;
}

const laneHeight = 48;
const top = 16;
const labelWidth = 170;
const ink = '#1f2328';
const muted = '#57606a';

/** View units between two labels of the time axis: room for "+1,000 ms" at font size 13 and a gap. */
const tickGap = 80;

/**
 * The time axis's ticks from `fromMs` to `toMs`: the multiples of the least round step (1, 2 or
 * 5 × 10ᵏ ms) at least `tickGap` view units long, or of the round step below it where that step
 * leaves a single tick (a narrow axis). d3's ticks(4) gave six labels on the lab's 444-unit axis,
 * and they ran into each other.
 */
function axisTicks(fromMs: number, toMs: number, unitsPerMs: number): number[] {
  const least = tickGap / unitsPerMs;
  const power = 10 ** Math.floor(Math.log10(least));
  const steps = [0.5, 1, 2, 5, 10].map((m) => m * power);
  const at = steps.findIndex((s) => s >= least);
  const multiples = (step: number) => {
    const first = Math.ceil(fromMs / step);
    return Array.from({ length: Math.floor(toMs / step) - first + 1 }, (_, i) => (first + i) * step);
  };
  const ticks = multiples(steps[at] as number);
  return ticks.length > 1 ? ticks : multiples(steps[at - 1] as number);
}

export function RequestTrace({
  requestId,
  events,
  messages,
  standIns,
  selectedNode,
  onSelectNode,
  width = 760,
}: RequestTraceProps) {
  const arrowId = svgId(useId(), 'trace-arrow');
  const model = buildTrace(requestId, events, { messages: messages ?? [], standIns: standIns ?? {} });
  if (!model) {
    const forwarded = buildForwardOnly(requestId, events, messages ?? []);
    if (forwarded) return <ForwardOnlyTrace model={forwarded} />;
    return (
      <p data-testid="request-trace" style={{ color: muted }}>
        No trace for request {requestId}: its start was not seen (it may be older than the event buffer).
      </p>
    );
  }
  const lanes = traceLanes(model);
  const height = top + lanes.length * laneHeight + 40;
  const t0 = model.forwardedFrom?.at ?? model.startedAt;
  const span = Math.max(1, model.endAt - t0);
  const elapsed = scaleLinear()
    .domain([0, span * 1.08])
    .range([labelWidth + 16, width - 130]);
  // The axis counts from the coordinator's start, as the marks and steps do; a forward before it is
  // at negative times.
  const [axisFrom, axisTo] = elapsed.range() as [number, number];
  const ticks = axisTicks(
    t0 - model.startedAt,
    t0 + span * 1.08 - model.startedAt,
    (axisTo - axisFrom) / (span * 1.08),
  );
  const x = (t: number) => elapsed(t - t0);
  const laneY = (id: string) => top + lanes.indexOf(id) * laneHeight + laneHeight / 2;
  const styles = nodeStyles(lanes);
  const c = model.completion;
  const q = `${model.op === 'get' ? 'R' : 'W'}=${model.needed}`;
  const outcome = !c
    ? 'in flight'
    : c.outcome === 'ok'
      ? `ok in ${formatMs(c.latencyMs)}`
      : c.outcome === 'fail'
        ? 'failed'
        : 'timed out (outcome unknown)';

  return (
    <figure data-testid="request-trace" style={{ margin: 0 }}>
      <Caption
        op={model.op}
        keyName={model.key}
        detail={`coordinator ${model.coordinator} · ${q}`}
        outcome={outcome}
      />
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: width, display: 'block' }}
        aria-hidden="true"
      >
        <defs>
          <ArrowMarker id={arrowId} colour={muted} orient="auto-start-reverse" />
        </defs>
        {lanes.map((id) => {
          const y = laneY(id);
          const style = styleOf(styles, id);
          const replica = model.replicas.find((r) => r.node === id);
          const role =
            id === model.coordinator
              ? `coordinator${replica ? `, replica ${replica.asked}` : ''}`
              : replica
                ? replica.standInFor
                  ? `stand-in for ${replica.standInFor} (hint)`
                  : `replica ${replica.asked}`
                : model.forwardedFrom?.node === id
                  ? 'forwarded it'
                  : '';
          return (
            // biome-ignore lint/a11y/noStaticElementInteractions: pointer shortcut only; the ordered list below carries the content for keyboard and screen-reader users.
            <g
              key={id}
              data-lane={id}
              onClick={() => onSelectNode?.(id)}
              style={{ cursor: onSelectNode ? 'pointer' : undefined }}
            >
              <rect
                x={0}
                y={y - laneHeight / 2}
                width={width}
                height={laneHeight}
                fill={selectedNode === id ? '#ddf4ff' : lanes.indexOf(id) % 2 ? '#f6f8fa' : '#ffffff'}
              />
              <line x1={labelWidth} x2={width - 8} y1={y} y2={y} stroke="#d0d7de" strokeWidth={1.5} />
              <Shape
                shape={style.shape}
                at={{ x: 14, y: y - 6 }}
                size={6}
                colour={style.colour}
                stroke={ink}
              />
              <text x={28} y={y - 1} fontSize={16} fontWeight={700} fill={ink}>
                {id}
              </text>
              <text x={28} y={y + 16} fontSize={13} fill={replica?.standInFor ? '#8a4b00' : muted}>
                {role}
              </text>
            </g>
          );
        })}
        {model.messages.map((m) => {
          const x1 = x(m.sentAt);
          // A dropped message goes half-way (at least 40 px, so it can be seen) and ends in a cross.
          const x2 = m.dropped
            ? Math.max(x1 + 40, x(m.sentAt + span * 0.04))
            : x(m.deliveredAt ?? model.endAt);
          const y1 = laneY(m.from);
          const y2 = laneY(m.to);
          const yEnd = m.dropped ? y1 + (y2 - y1) * 0.45 : y2;
          const style = messageStyle(m.msg);
          return (
            <g key={`${m.from}:${m.id}`} data-msg={m.msg}>
              <line
                x1={x1}
                y1={y1}
                x2={x2}
                y2={yEnd}
                stroke={style.colour}
                strokeWidth={1.5}
                strokeDasharray={m.deliveredAt === undefined && !m.dropped ? '4 3' : undefined}
                markerEnd={m.dropped ? undefined : `url(#${arrowId})`}
              />
              <Shape
                shape={style.shape}
                at={{ x: (x1 + x2) / 2, y: (y1 + yEnd) / 2 }}
                size={5}
                colour={style.colour}
                stroke="#ffffff"
              />
              {m.dropped && (
                <text x={x2} y={yEnd + 5} textAnchor="middle" fontSize={16} fontWeight={700} fill="#cf222e">
                  ✕
                </text>
              )}
            </g>
          );
        })}
        <TraceMarks model={model} x={x} laneY={laneY} laneHeight={laneHeight} height={height} width={width} />
        <g data-testid="trace-axis" fontSize={13} fill={muted}>
          {ticks.map((t) => (
            <g key={t}>
              <line
                x1={x(model.startedAt + t)}
                x2={x(model.startedAt + t)}
                y1={height - 34}
                y2={height - 28}
                stroke={muted}
              />
              <text x={x(model.startedAt + t)} y={height - 14} textAnchor="middle">
                {`${t < 0 ? '−' : '+'}${formatMs(Math.abs(t))}`}
              </text>
            </g>
          ))}
        </g>
      </svg>
      <Steps steps={traceSteps(model)} />
    </figure>
  );
}

/** A forwarded request its target never started: no lanes to draw, only what happened to it. */
function ForwardOnlyTrace({ model }: { model: ForwardOnlyModel }) {
  const { forward, expired } = model;
  return (
    <figure data-testid="request-trace" style={{ margin: 0 }}>
      <Caption
        op={forward.op}
        keyName={forward.key}
        detail={`forwarded by ${forward.node} to ${forward.to}`}
        outcome={expired ? 'not coordinated (outcome unknown)' : 'waiting'}
      />
      <Steps steps={forwardOnlySteps(model)} />
    </figure>
  );
}

/** The story in words, below the drawing: for screen readers and anyone who prefers sentences. */
function Steps({ steps }: { steps: readonly string[] }) {
  return (
    <ol data-testid="trace-steps" style={{ margin: '6px 0 0', paddingLeft: 22, fontSize: 15 }}>
      {steps.map((step) => (
        <li key={step}>{step}</li>
      ))}
    </ol>
  );
}

/** "put apple · coordinator n1 · W=2 · ok in 801 ms": what, where, and how it ended. */
function Caption({
  op,
  keyName,
  detail,
  outcome,
}: {
  op: string;
  keyName: string;
  detail: string;
  outcome: string;
}) {
  return (
    <figcaption style={{ fontSize: 17, marginBottom: 4 }}>
      <strong>
        {op} {keyName}
      </strong>{' '}
      · {detail} · <span data-testid="trace-outcome">{outcome}</span>
    </figcaption>
  );
}
