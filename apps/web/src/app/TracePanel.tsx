/**
 * The request trace (RequestTrace): pick one of the recent requests (yours or the workload's) and see
 * it as swim lanes — the coordinator, the replicas asked, who answered within R/W and when, stand-ins
 * holding hints, a read's write-back before its reply, the reply or the timeout, and the read repair
 * after it. The latest request you made is shown until you pick another; without one, the view
 * follows the workload's requests one at a time (followedRequest.ts).
 */

import type { NodeId } from '@kvscope/engine';
import { RequestTrace } from '@kvscope/ui';
import { useRef } from 'react';
import type { LabState, RequestRecord, Selection } from '../live/labStore.ts';
import { workloadRecorded, workloadRecordRateMax } from '../live/workload.ts';
import { sharedNow } from '../shared/workerApi.ts';
import { followedRequest, traceBegun, traceOverdue } from './followedRequest.ts';

function summary(r: RequestRecord): string {
  const state = r.reply ? (r.reply.ok ? 'ok' : r.reply.outcome === 'info' ? 'unknown' : 'failed') : '…';
  return `${r.requestId} ${r.op} ${r.key} via ${r.coordinator} — ${state}${r.source === 'workload' ? ' (workload)' : ''}`;
}

export function TracePanel({
  state,
  onSelect,
}: {
  state: LabState;
  onSelect: (patch: Partial<Selection>) => void;
}) {
  const followed = useRef<string | null>(null);
  const chosen = followedRequest(state, followed.current, sharedNow());
  followed.current = chosen?.requestId ?? null;
  return (
    <section className="panel" aria-label="Request trace">
      <h2>Request trace</h2>
      <label className="form-row">
        Request
        <select
          value={chosen?.requestId ?? ''}
          onChange={(e) => {
            const record = state.requests.find((r) => r.requestId === e.target.value);
            onSelect({ requestId: e.target.value, ...(record ? { key: record.key } : {}) });
          }}
          data-testid="trace-request"
          style={{ maxWidth: '100%', minWidth: 0, flex: 1 }}
        >
          {state.requests.length === 0 && <option value="">no requests yet</option>}
          {[...state.requests].reverse().map((r) => (
            <option key={r.requestId} value={r.requestId}>
              {summary(r)}
            </option>
          ))}
        </select>
      </label>
      {state.workload.running && !workloadRecorded(state.workload) && (
        <p className="muted small" data-testid="trace-untraced">
          The workload runs faster than {workloadRecordRateMax} ops/s: its requests are counted, not traced.
          Put or get a key to trace one, or slow the workload.
        </p>
      )}
      <div data-testid="trace">
        {chosen && !traceBegun(state, chosen.requestId) && !traceOverdue(chosen, sharedNow()) ? (
          <p className="muted" data-testid="request-trace">
            {chosen.reply
              ? `${chosen.requestId} (${chosen.op} ${chosen.key}) is answered: its trace comes with ${chosen.coordinator}'s next batch of events.`
              : `${chosen.requestId} (${chosen.op} ${chosen.key}) is on its way to ${chosen.coordinator}: its trace starts when ${chosen.coordinator} receives it.`}
          </p>
        ) : chosen ? (
          <RequestTrace
            requestId={chosen.requestId}
            events={state.traces[chosen.requestId] ?? []}
            messages={state.messages}
            selectedNode={state.selection.node}
            onSelectNode={(id) => onSelect({ node: id as NodeId })}
            width={640}
          />
        ) : (
          <p className="muted">Put or get a key (left), or wait for the workload: its trace appears here.</p>
        )}
      </div>
    </section>
  );
}
