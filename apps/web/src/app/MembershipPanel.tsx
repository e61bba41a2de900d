/**
 * Membership: add a node (a new Worker that joins and streams in the ranges it will own), remove one
 * (a decommission: it streams its ranges out, then leaves and its worker stops), and the autoscaler
 * that does either by itself from the load. A change that cannot work is refused with a sentence
 * before the button is pressed ("Removing n5 would leave 2 nodes, fewer than N=3 replicas"); the
 * change in progress and the autoscaler's latest decision are written out.
 */

import type { AutoscalerSettings, NodeId } from '@kvscope/engine';
import { NodeOptions } from '@kvscope/ui';
import { useState } from 'react';
import { autoscalerProblem } from '../live/autoscaler.ts';
import type { LabState } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import { nextNodeId } from '../live/membership.ts';

export function MembershipPanel({ state, cluster }: { state: LabState; cluster: LiveCluster }) {
  const { membership } = state;
  const [chosen, setChosen] = useState<NodeId | ''>('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const members = [...membership.ring, ...membership.joining.filter((id) => !membership.ring.includes(id))];
  const target = (chosen && members.includes(chosen) ? chosen : members.at(-1)) as NodeId | undefined;
  const addProblem = cluster.membership.addProblem();
  const removeProblem = target ? cluster.membership.removeProblem(target) : 'There is no node to remove.';
  const joining = membership.joining[0];
  const leaving = membership.leaving[0];
  const next = nextNodeId(state.order, membership.retired);
  const problems = joining || leaving ? [] : [...new Set([addProblem, removeProblem])].filter(Boolean);
  const note = refusal ?? (problems.join(' ') || null);
  return (
    <section className="panel" aria-label="Membership" data-testid="membership-panel">
      <h2>
        Membership <span className="muted small">{membership.ring.length} nodes on the ring</span>
      </h2>
      <div className="form-row wrap">
        <button
          type="button"
          onClick={() => setRefusal(cluster.membership.add())}
          disabled={addProblem !== null}
          title={
            addProblem ?? `Start ${next} in a new worker: it streams the ranges it will own, then serves`
          }
          data-testid="add-node"
        >
          + Add {next}
        </button>
        <select
          value={target ?? ''}
          onChange={(e) => setChosen(e.target.value as NodeId)}
          aria-label="Node to remove"
          data-testid="remove-which"
        >
          <NodeOptions ids={members} />
        </select>
        <button
          type="button"
          onClick={() => target && setRefusal(cluster.membership.remove(target))}
          disabled={removeProblem !== null}
          title={
            removeProblem ?? 'Decommission: it hands its ranges to the nodes that gain them, then leaves'
          }
          data-testid="remove-node"
        >
          {target && membership.joining.includes(target) ? 'Cancel join' : `− Remove ${target ?? ''}`}
        </button>
      </div>
      <p className="small status-line" role="status" data-testid="membership-status">
        {joining
          ? `${joining} is joining: it pulls each range it will own from the range's replicas, then announces itself.`
          : leaving
            ? `${leaving} is leaving: it pushes each range it loses to the node that gains it, then leaves.`
            : null}
      </p>
      {note && (
        <p className={refusal ? 'refusal' : 'muted small'} data-testid="membership-note">
          {note}
        </p>
      )}
      <AutoscalerControls state={state} cluster={cluster} />
    </section>
  );
}

const fields: { field: keyof AutoscalerSettings; label: string; scale: number; unit: string }[] = [
  { field: 'minNodes', label: 'min', scale: 1, unit: 'nodes' },
  { field: 'maxNodes', label: 'max', scale: 1, unit: 'nodes' },
  { field: 'highLoadPerNode', label: 'add above', scale: 1, unit: 'ops/s per node' },
  { field: 'lowLoadPerNode', label: 'remove below', scale: 1, unit: 'ops/s per node' },
  { field: 'sustainMs', label: 'for', scale: 1000, unit: 's' },
  { field: 'coolDownMs', label: 'cool-down', scale: 1000, unit: 's' },
];

function AutoscalerControls({ state, cluster }: { state: LabState; cluster: LiveCluster }) {
  const { autoscaler, settings } = state;
  const [draft, setDraft] = useState<AutoscalerSettings>(autoscaler.settings);
  const [refusal, setRefusal] = useState<string | null>(null);
  const problem = autoscalerProblem(draft, settings.n);
  const apply = (enabled: boolean) => setRefusal(cluster.autoscaler.configure({ enabled, settings: draft }));
  const s = autoscaler.settings;
  return (
    <div className="autoscaler" data-testid="autoscaler">
      <div className="form-row wrap">
        <label>
          <input
            type="checkbox"
            role="switch"
            aria-checked={autoscaler.enabled}
            checked={autoscaler.enabled}
            onChange={(e) => apply(e.target.checked)}
            disabled={problem !== null && !autoscaler.enabled}
            data-testid="autoscaler-switch"
          />{' '}
          Autoscaler {autoscaler.enabled ? 'on' : 'off'}
        </label>
        <span className="muted small">
          {s.minNodes}–{s.maxNodes} nodes · add above {s.highLoadPerNode}, remove below {s.lowLoadPerNode}{' '}
          ops/s per node
        </span>
      </div>
      <p
        className={problem || refusal ? 'refusal' : 'muted small'}
        role={problem ? 'alert' : undefined}
        data-testid="autoscaler-note"
      >
        {problem ??
          refusal ??
          (autoscaler.enabled
            ? (autoscaler.decision ?? 'measuring the load…')
            : 'Adds a node under sustained high load and removes the least loaded one under low load.')}
      </p>
      <details>
        <summary data-testid="autoscaler-settings">Autoscaler settings</summary>
        <div className="form-row wrap">
          {fields.map(({ field, label, scale, unit }) => (
            <label key={field} title={unit}>
              {label}{' '}
              <input
                type="number"
                min={0}
                step={field.endsWith('Node') ? 0.5 : 1}
                value={draft[field] / scale}
                onChange={(e) => setDraft({ ...draft, [field]: Number(e.target.value) * scale })}
                data-testid={`autoscaler-${field}`}
                style={{ width: '3.5em' }}
              />{' '}
              <span className="muted small">{unit === 'ops/s per node' ? 'ops/s' : unit}</span>
            </label>
          ))}
          <button
            type="button"
            onClick={() => apply(autoscaler.enabled)}
            disabled={problem !== null}
            data-testid="autoscaler-apply"
          >
            Apply
          </button>
        </div>
      </details>
    </div>
  );
}
