/**
 * The event log (EventLog): every event of the cluster and every fault the page injected, one
 * sentence each, newest first, filterable by node, key and kind. The linked selection highlights
 * the lines that name the selected node or key; "show k" selects a key everywhere.
 *
 * While the page does not draw single messages (full speed) the workers count what needs no
 * sentence — messages, ordinary stores, and the steps of workload requests too fast to record
 * (fullSpeedEvents.ts) — and the panel says so, so a quiet log is not mistaken for an idle cluster.
 */

import { EventLog } from '@kvscope/ui';
import { useMemo } from 'react';
import type { LabState, Selection } from '../live/labStore.ts';
import { messageEventsFor } from '../live/nodeStartup.ts';
import { workloadRecorded, workloadRecordRateMax } from '../live/workload.ts';
import { formatLabTime } from './formatTime.ts';

export function LogPanel({
  state,
  onSelect,
}: {
  state: LabState;
  onSelect: (patch: Partial<Selection>) => void;
}) {
  // Notable events last: the log walks from the end, so faults are always among the lines shown.
  const logEvents = useMemo(() => [...state.events, ...state.notable], [state.events, state.notable]);
  return (
    <section className="panel" aria-label="Event log" data-testid="event-log">
      <h2>
        Event log{' '}
        {state.counters.eventsDropped > 0 && (
          <span className="muted small">({state.counters.eventsDropped} events dropped in bursts)</span>
        )}
      </h2>
      {!messageEventsFor(state.linkDelayMs) && (
        <p className="muted small" data-testid="log-counted">
          Full speed: messages, ordinary version stores and commit-log syncs
          {!workloadRecorded(state.workload)
            ? `, and most steps of a workload faster than ${workloadRecordRateMax} ops/s (tallied in the header),`
            : ''}{' '}
          are counted, not listed. Failures, repairs and your own requests are still logged.
        </p>
      )}
      <EventLog
        events={logEvents}
        nodes={state.order}
        selectedNode={state.selection.node}
        selectedKey={state.selection.key}
        onSelectKey={(key) => onSelect({ key })}
        formatTime={formatLabTime}
        height={420}
      />
    </section>
  );
}
