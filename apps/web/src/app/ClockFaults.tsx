/**
 * Clock skew, in the Faults panel (SPEC §2: "clock skew for the last-write-wins contrast"): set one
 * node's clock ahead of or behind the page's, or right again (live/clocks.ts). Under last-write-wins
 * a write through a node whose clock runs behind loses to an older write; vector clocks read no time,
 * so under siblings the same writes stay siblings. The note says which of the two the cluster shows.
 */

import type { NodeId } from '@kvscope/engine';
import { NodeOptions } from '@kvscope/ui';
import { useState } from 'react';
import { clockSkewChoices, skewWords } from '../live/clocks.ts';
import type { LabState } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';

export function ClockFaults({ state, cluster }: { state: LabState; cluster: LiveCluster }) {
  const { order, clockSkews } = state;
  const [picked, setPicked] = useState<string>(order[0] ?? '');
  const [skewMs, setSkewMs] = useState(-10_000);
  const node = order.includes(picked as NodeId) ? picked : (order[0] ?? '');
  const skewed = order.filter((id) => clockSkews[id]);
  return (
    <fieldset data-testid="clock-faults">
      <legend>Clocks</legend>
      <div className="form-row wrap">
        <label>
          node{' '}
          <select value={node} onChange={(e) => setPicked(e.target.value)} data-testid="clock-node">
            <NodeOptions ids={order} />
          </select>
        </label>
        <label>
          clock{' '}
          <select value={skewMs} onChange={(e) => setSkewMs(Number(e.target.value))} data-testid="clock-skew">
            {clockSkewChoices.map((ms) => (
              <option key={ms} value={ms}>
                {skewWords(ms)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!node}
          onClick={() => cluster.setClockSkew(node as NodeId, skewMs)}
          data-testid="set-clock"
          title="The node's one clock: the timestamps it stamps its writes with, and its timers"
        >
          Set {node}'s clock
        </button>
      </div>
      <p className="muted small" data-testid="clock-note">
        {skewed.length > 0
          ? `${skewed.map((id) => `${id}'s clock runs ${skewWords(clockSkews[id] ?? 0)}`).join(', ')}. `
          : 'Every clock agrees with the page’s. '}
        {state.settings.conflictMode === 'lww'
          ? 'Last write wins keeps the version with the latest timestamp: a write through a node whose clock runs behind loses to an older one.'
          : 'Vector clocks read no time: concurrent writes stay siblings whatever the clocks say (set conflicts to last write wins in Settings to see a clock decide).'}{' '}
        A node runs its timers by the same clock: set it back and they wait the longer (its peers may suspect
        it for a while); set it ahead and they go off early.
      </p>
    </fieldset>
  );
}
