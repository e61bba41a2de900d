/**
 * The request trace: pick one of the recent requests (yours or the workload's) and read what
 * happened to it, from the coordinator's events — the replicas asked, who answered and when, the
 * quorum reached or the timeout, and the read repair after the reply. Times are relative to the
 * request's start.
 */

import type { ClusterEvent } from '@kvscope/engine';
import type { LabState, RequestRecord } from '../live/labStore.ts';

function line(event: ClusterEvent, t0: number): string | null {
  const dt = `+${Math.max(0, event.at - t0).toFixed(0)} ms`;
  switch (event.type) {
    case 'request.started':
      return `${dt} ${event.node} coordinates ${event.op} ${event.key}: asks ${event.replicas.join(', ')}, needs ${event.needed}`;
    case 'request.forwarded':
      return `${dt} ${event.node} is not a replica of ${event.key}: forwards it to ${event.to}`;
    case 'replica.answered':
      return `${dt} ${event.replica} answered${event.ok ? '' : ' with a refusal'}${event.late ? ' (late: after the reply)' : ''}`;
    case 'request.completed':
      return event.outcome === 'ok'
        ? `${dt} quorum reached (${event.answeredBy.length} of ${event.needed} needed: ${event.answeredBy.join(', ')}) → reply ok`
        : `${dt} ${event.outcome === 'info' ? 'timed out' : 'failed'}: ${event.error ?? ''}`;
    case 'read-repair.sent':
      return `${dt} read repair: newest versions sent to ${event.replicas.join(', ')}`;
    default:
      return null;
  }
}

function summary(r: RequestRecord): string {
  const state = r.reply ? (r.reply.ok ? 'ok' : r.reply.outcome === 'info' ? 'unknown' : 'failed') : '…';
  return `${r.requestId} ${r.op} ${r.key} via ${r.coordinator} — ${state}${r.source === 'workload' ? ' (workload)' : ''}`;
}

export function TracePanel({
  state,
  selected,
  onSelect,
}: {
  state: LabState;
  selected: string | null;
  onSelect: (requestId: string) => void;
}) {
  const chosen = state.requests.find((r) => r.requestId === selected) ?? state.requests.at(-1) ?? null;
  const events = chosen ? (state.traces[chosen.requestId] ?? []) : [];
  const lines = chosen ? events.map((e) => line(e, chosen.startedAt)).filter(Boolean) : [];
  return (
    <section className="panel" aria-label="Request trace">
      <h2>Request trace</h2>
      <label>
        Request{' '}
        <select
          value={chosen?.requestId ?? ''}
          onChange={(e) => onSelect(e.target.value)}
          data-testid="trace-request"
          style={{ maxWidth: '100%' }}
        >
          {[...state.requests].reverse().map((r) => (
            <option key={r.requestId} value={r.requestId}>
              {summary(r)}
            </option>
          ))}
        </select>
      </label>
      <ol className="trace" data-testid="trace">
        {lines.length === 0 && <li className="muted">No events yet.</li>}
        {lines.map((text, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one trace only ever grow at the end.
          <li key={i}>{text}</li>
        ))}
      </ol>
    </section>
  );
}
