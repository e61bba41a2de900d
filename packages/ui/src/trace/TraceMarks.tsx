/**
 * The request trace's marks on top of its lanes: the start, each replica's answer (numbered when it
 * counted, hollow when late, a cross when failed, a stopwatch when it never came), the reply line
 * with the quorum it reached, a read's write-back before the reply (a square on each replica it was
 * sent to: hollow while unanswered, filled once stored, red when refused), and the read repair. Props: `model` (traceModel), `x` (time → px),
 * `laneY` (node → lane centre), `laneHeight`, `height` (of the drawing, for the reply line).
 */

import { formatMs } from '../shared/format.ts';
import type { RequestTraceModel, TraceReplica } from './traceModel.ts';

export interface TraceMarksProps {
  model: RequestTraceModel;
  x: (t: number) => number;
  laneY: (id: string) => number;
  laneHeight: number;
  height: number;
  width: number;
}

const ink = '#1f2328';
const ok = '#1a7f37';
const bad = '#cf222e';
const warn = '#9a6700';

export function TraceMarks({ model, x, laneY, laneHeight, height, width }: TraceMarksProps) {
  const c = model.completion;
  const q = `${model.op === 'get' ? 'R' : 'W'}=${model.needed}`;
  const replyColour = !c ? ink : c.outcome === 'ok' ? ok : c.outcome === 'fail' ? bad : warn;
  const replyLabel = !c
    ? ''
    : c.outcome === 'ok'
      ? `${q} reached · reply`
      : c.outcome === 'fail'
        ? 'failed'
        : `timed out (${c.answeredBy.length} of ${q})`;
  return (
    <g>
      {model.forwardedFrom && model.forwardedFrom.node !== model.coordinator && (
        <g data-testid="trace-forward">
          <line
            x1={x(model.forwardedFrom.at)}
            y1={laneY(model.forwardedFrom.node)}
            x2={x(model.startedAt)}
            y2={laneY(model.coordinator)}
            stroke="#CC79A7"
            strokeWidth={2}
          />
          <circle cx={x(model.forwardedFrom.at)} cy={laneY(model.forwardedFrom.node)} r={5} fill="#CC79A7" />
          <text
            x={x(model.forwardedFrom.at) + 9}
            y={laneY(model.forwardedFrom.node) - 9}
            fontSize={13}
            fill="#8a3b6f"
          >
            forward
          </text>
        </g>
      )}
      <g data-testid="trace-start">
        <circle cx={x(model.startedAt)} cy={laneY(model.coordinator)} r={6} fill={ink} />
        <text x={x(model.startedAt) + 9} y={laneY(model.coordinator) - 10} fontSize={12} fill={ink}>
          start
        </text>
      </g>
      {c && (
        <g data-testid="trace-reply">
          <line
            x1={x(c.at)}
            x2={x(c.at)}
            y1={8}
            y2={height - 34}
            stroke={replyColour}
            strokeWidth={2.5}
            strokeDasharray={c.outcome === 'ok' ? undefined : '6 4'}
          />
          <text
            x={x(c.at) + (x(c.at) > width - 220 ? -6 : 6)}
            y={12}
            textAnchor={x(c.at) > width - 220 ? 'end' : 'start'}
            fontSize={14}
            fontWeight={700}
            fill={replyColour}
          >
            {replyLabel}
          </text>
        </g>
      )}
      {model.replicas.map((r) => (
        <AnswerMark
          key={r.node}
          replica={r}
          x={x}
          y={laneY(r.node)}
          replyAt={c?.at ?? model.endAt}
          startedAt={model.startedAt}
          laneHeight={laneHeight}
        />
      ))}
      {model.writeBack?.writes.map((w) => {
        const at = x(w.answeredAt ?? w.sentAt);
        const y = laneY(w.node);
        const colour = w.ok === false ? bad : '#0072B2';
        const what =
          w.ok === undefined ? 'write-back sent' : w.ok ? 'write-back stored' : 'write-back refused';
        return (
          <g key={w.node} data-testid={`trace-write-back-${w.node}`} data-stored={w.ok === true}>
            <rect
              x={at - 8}
              y={y - 8}
              width={16}
              height={16}
              fill={w.ok ? colour : '#ffffff'}
              stroke={colour}
              strokeWidth={2}
            />
            <text x={at + 12} y={y - 10} fontSize={13} fill={colour} fontWeight={600}>
              {what}
            </text>
          </g>
        );
      })}
      {model.readRepair?.replicas.map((id) => {
        const answer = model.replicas.find((r) => r.node === id)?.answeredAt;
        const sentAt = x((model.readRepair as { at: number }).at);
        // Keep the diamond clear of the late answer that triggered it (they are often a tick apart).
        const at = answer !== undefined && Math.abs(sentAt - x(answer)) < 26 ? x(answer) + 26 : sentAt;
        const y = laneY(id);
        return (
          <g key={id} data-testid={`trace-repair-${id}`}>
            <path
              d={`M${at},${y - 9}L${at + 9},${y}L${at},${y + 9}L${at - 9},${y}z`}
              fill="#009E73"
              stroke="#ffffff"
            />
            <text x={at + 12} y={y - 8} fontSize={13} fill="#006b4f" fontWeight={600}>
              repair
            </text>
          </g>
        );
      })}
    </g>
  );
}

function AnswerMark({
  replica: r,
  x,
  y,
  replyAt,
  startedAt,
  laneHeight,
}: {
  replica: TraceReplica;
  x: (t: number) => number;
  y: number;
  replyAt: number;
  startedAt: number;
  laneHeight: number;
}) {
  const label = (text: string, at: number, colour = ink) => (
    <text x={at + 13} y={y + laneHeight / 2 - 8} fontSize={13} fill={colour}>
      {text}
    </text>
  );
  if (r.state === 'no answer' || r.state === 'waiting') {
    // A request in flight has seen nothing after its start: its stopwatch goes after the start, the
    // word after the stopwatch (before it, both sat left of the start, as if waiting came first).
    const waiting = r.state === 'waiting';
    const at = waiting ? Math.max(x(replyAt), x(startedAt) + 40) : x(replyAt);
    return (
      <g data-testid={`trace-answer-${r.node}`} data-state={r.state}>
        <circle cx={at - 20} cy={y} r={8} fill="#ffffff" stroke={bad} strokeWidth={2} />
        <path
          d={`M${at - 20},${y - 5}V${y}H${at - 16}M${at - 23},${y - 11}h6`}
          stroke={bad}
          strokeWidth={2}
          fill="none"
        />
        <text
          x={waiting ? at - 6 : at - 34}
          y={y + 5}
          fontSize={13}
          fill={bad}
          textAnchor={waiting ? 'start' : 'end'}
        >
          {r.state}
        </text>
      </g>
    );
  }
  const at = x(r.answeredAt ?? replyAt);
  const latency = r.latencyMs === undefined ? '' : `+${formatMs(r.latencyMs)}`;
  if (r.state === 'failed') {
    return (
      <g data-testid={`trace-answer-${r.node}`} data-state={r.state}>
        <path
          d={`M${at - 7},${y - 7}L${at + 7},${y + 7}M${at + 7},${y - 7}L${at - 7},${y + 7}`}
          stroke={bad}
          strokeWidth={3}
        />
        {label(`failed ${latency}`, at, bad)}
      </g>
    );
  }
  const counted = r.state === 'counted';
  return (
    <g data-testid={`trace-answer-${r.node}`} data-state={r.state} data-rank={r.rank}>
      <circle
        cx={at}
        cy={y}
        r={10}
        fill={counted ? ok : '#ffffff'}
        stroke={counted ? ok : warn}
        strokeWidth={2}
        strokeDasharray={counted ? undefined : '3 2'}
      />
      <text
        x={at}
        y={y + 4.5}
        textAnchor="middle"
        fontSize={12}
        fontWeight={700}
        fill={counted ? '#ffffff' : warn}
      >
        {counted ? r.rank : 'L'}
      </text>
      {label(counted ? latency : `late ${latency}`, at, counted ? ink : warn)}
    </g>
  );
}
