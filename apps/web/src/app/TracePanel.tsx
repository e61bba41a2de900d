/**
 * The request trace (RequestTrace): pick one of the recent requests (yours or the workload's) and see
 * it as swim lanes — the coordinator, the replicas asked, who answered within R/W and when, stand-ins
 * holding hints, a read's write-back before its reply, the reply or the timeout, and the read repair
 * after it. The latest request you made is shown until you pick another.
 */

import type { NodeId } from '@kvscope/engine';
import { RequestTrace } from '@kvscope/ui';
import type { LabState, RequestRecord, Selection } from '../live/labStore.ts';

function summary(r: RequestRecord): string {
  const state = r.reply ? (r.reply.ok ? 'ok' : r.reply.outcome === 'info' ? 'unknown' : 'failed') : '…';
  return `${r.requestId} ${r.op} ${r.key} via ${r.coordinator} — ${state}${r.source === 'workload' ? ' (workload)' : ''}`;
}

/** The request to show: the chosen one, else your latest, else the latest of the workload's. */
export function shownRequest(state: LabState): RequestRecord | null {
  const { requests, selection } = state;
  return (
    requests.find((r) => r.requestId === selection.requestId) ??
    [...requests].reverse().find((r) => r.source === 'user') ??
    requests.at(-1) ??
    null
  );
}

export function TracePanel({
  state,
  onSelect,
}: {
  state: LabState;
  onSelect: (patch: Partial<Selection>) => void;
}) {
  const chosen = shownRequest(state);
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
      <div data-testid="trace">
        {chosen ? (
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
